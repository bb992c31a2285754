// RoomServerPrivate: the room server's state, and the helpers its feature files share.
#pragma once

#include "protocol/errorcode.h"
#include "protocol/events.h"
#include "protocol/requests.h"
#include "protocol/textrules.h"
#include "ratelimiter.h"
#include "room.h"
#include "roomregistry.h"
#include "roomserver.h"
#include "session.h"
#include "storage/commitqueue.h"
#include "transport/clientconnection.h"
#include "transport/closecodes.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The refusal for a name or text that TextRules did not accept: its message and its code.
inline QString verdictText(TextRules::Verdict verdict, const char *what, int max)
{
    switch (verdict) {
    case TextRules::Verdict::Empty:
        return QStringLiteral("The %1 is empty.").arg(QLatin1String(what));
    case TextRules::Verdict::TooLong:
        return QStringLiteral("The %1 is longer than %2 characters.")
            .arg(QLatin1String(what))
            .arg(max);
    case TextRules::Verdict::ControlCharacters:
        return QStringLiteral("The %1 contains control characters.").arg(QLatin1String(what));
    case TextRules::Verdict::Ok:
        break;
    }
    return {};
}

inline ErrorCode verdictCode(TextRules::Verdict verdict)
{
    return verdict == TextRules::Verdict::TooLong ? ErrorCode::TooLarge : ErrorCode::BadRequest;
}

using Then = std::function<void(bool ok, qint64 seq, qint64 ts)>;
using Writes = std::function<bool(Storage &)>;

// RoomServerPrivate's members live in one file per feature beside roomserver.cpp (the
// plumbing): delivery.cpp, hello.cpp, membership.cpp, chat.cpp, roomsettings.cpp and
// hostactions.cpp.
class RoomServerPrivate : public QObject
{
public:
    RoomServerPrivate(RoomServer *owner, ServerConfig cfg)
        : q(owner)
        , config(std::move(cfg))
        , joinThrottle(config.joinFailureBurst, config.joinFailureRefillSeconds,
                       config.joinFailuresPerMinuteTotal)
    {}

    ~RoomServerPrivate() override
    {
        // Sessions are our QObject children and would be destroyed after our members; their
        // sockets' last signals must not reach a half-destroyed server.
        const QList<Session *> open = sessions.values();
        sessions.clear();
        for (Session *s : open) {
            s->connection()->disconnect();
            delete s;
        }
        const QList<ClientConnection *> upgrading = handshakes.keys();
        handshakes.clear();
        for (ClientConnection *c : upgrading) {
            c->disconnect();
            delete c;
        }
        // Sessions already let go (deleteLater) are children too: they must go while the
        // listener (the native one's flusher) their connections may still use exists.
        const QList<Session *> leaving = findChildren<Session *>(Qt::FindDirectChildrenOnly);
        for (Session *s : leaving) {
            s->connection()->disconnect();
            delete s;
        }
    }

    // --- plumbing -------------------------------------------------------------------------
    bool start();
    void stop();
    void acceptConnection(ClientConnection *connection);
    void acceptWebSocket(ClientConnection *connection);
    void onText(Session *s, const QByteArray &utf8);
    void onDisconnected(Session *s);
    void sweep();
    void finishStop();

    // Answers request `id` with a result (compact JSON; {} for operations that answer nothing).
    void reply(Session *s, qint64 id, QByteArrayView resultJson = "{}");
    void refuse(Session *s, qint64 id, const ProtocolError &error);
    void refuse(Session *s, qint64 id, ErrorCode code, const QString &message)
    {
        refuse(s, id, ProtocolError{code, message});
    }
    bool badRequest(Session *s, qint64 id, const QString &message)
    {
        refuse(s, id, ErrorCode::BadRequest, message);
        return false;
    }

    // Assigns the room's next seq, stores the event (after `writes`) in one job, and once it is
    // durable pushes it to the room's members (and to `alsoTo`, a participant just removed),
    // then runs `then`. Returns the seq.
    qint64 emitEvent(const std::shared_ptr<Room> &room, const EventData &data, Writes writes,
                     Then then, QPointer<Session> alsoTo = {}, const QString &authorId = {},
                     const QString &clientMsgId = {});
    void deliver(const Room &room, qint64 seq, const QByteArray &frame, Session *alsoTo);
    // Answers after everything submitted so far is durable (for replies that must not
    // overtake an earlier change).
    void afterPending(std::function<void()> then);
    // The completion most host operations end with: an empty result once durable.
    Then answerEmpty(Session *s, qint64 id)
    {
        return [this, session = QPointer<Session>(s), id](bool, qint64, qint64) {
            if (session)
                reply(session, id);
        };
    }
    // Stores the room's row and tells its members the room changed (settings, state).
    void emitRoomUpdated(const std::shared_ptr<Room> &room, Then then)
    {
        const StoredRoom stored = room->toStored();
        emitEvent(
            room, Events::RoomUpdated{room->info()},
            [stored](Storage &st) { return st.saveRoom(stored); }, std::move(then));
    }

    // --- room rules -----------------------------------------------------------------------
    struct Member {
        std::shared_ptr<Room> room;
        Participant *self = nullptr;
    };
    // The preamble of room operations: you are in the room `roomCode` names (not_member), and
    // for host operations you host it (not_host). Refuses and returns nothing otherwise.
    std::optional<Member> member(Session *s, qint64 id, const QString &roomCode);
    std::optional<Member> host(Session *s, qint64 id, const QString &roomCode);
    void admit(const std::shared_ptr<Room> &room, Session *s, qint64 requestId, const QString &name,
               Role role, std::function<void()> then = {});
    void rejoin(const std::shared_ptr<Room> &room, Participant *p, Session *s, qint64 id);
    void removeParticipant(const std::shared_ptr<Room> &room, const QString &participantId,
                           LeaveReason reason, const QString &by, Writes writes, Then then);
    void migrateHost(const std::shared_ptr<Room> &room, const QString &leavingId);
    void setPresence(const std::shared_ptr<Room> &room, Participant *p, bool online);
    void closeRoom(const std::shared_ptr<Room> &room, CloseReason reason, Then then);
    void answerWaiting(PendingJoin &pending, const QByteArray &frame);
    void refuseWaiting(PendingJoin &pending, ErrorCode code, const QString &message);
    void noticeJoinRequest(const Room &room, const PendingJoin &pending);
    void detachSession(Session *s, qint64 roomId);
    // The result of a join: the room, who you are, and everyone in it (compact JSON).
    QByteArray snapshot(const Room &room, const QString &selfId, bool rejoined = false) const;
    // Applies a create_room's or update_settings' settings to `room` (its settings and password
    // hash); false (after a bad_request) when a value is out of range.
    bool applySettings(Session *s, qint64 id, const Requests::SettingsChange &change, Room *room,
                       bool forUpdate);

    // --- operations (docs/protocol.md), each given its decoded request ---------------------
    void handle(Session *s, qint64 id, const Requests::Hello &r);
    void handle(Session *s, qint64 id, const Requests::Ping &r);
    void handle(Session *s, qint64 id, const Requests::CreateRoom &r);
    void handle(Session *s, qint64 id, const Requests::JoinRoom &r);
    void handle(Session *s, qint64 id, const Requests::LeaveRoom &r);
    void handle(Session *s, qint64 id, const Requests::SendChat &r);
    void handle(Session *s, qint64 id, const Requests::History &r);
    void handle(Session *s, qint64 id, const Requests::SetStatus &r);
    void handle(Session *s, qint64 id, const Requests::RoomInfo &r);
    void handle(Session *s, qint64 id, const Requests::UpdateSettings &r);
    void handle(Session *s, qint64 id, const Requests::SetState &r);
    void handle(Session *s, qint64 id, const Requests::CloseRoom &r);
    // The host actions on one participant (HostAction): one preamble (you host the room), then
    // the action with the values it needs.
    void handle(Session *s, qint64 id, const Requests::OnParticipant &r);
    void admitWaiting(Session *s, qint64 id, const Member &m, const QString &target);
    void denyWaiting(Session *s, qint64 id, const Member &m, const QString &target);
    void kick(Session *s, qint64 id, const Member &m, const QString &target);
    void ban(Session *s, qint64 id, const Member &m, const QString &target);
    void transferHost(Session *s, qint64 id, const Member &m, const QString &target);

    RoomServer *q;
    ServerConfig config;
    QString error;
    // The transport's listener (server/transport/transport.h); made by start().
    std::unique_ptr<ClientListener> listener;
    QByteArray helloLimitsJson; // the hello reply's "limits", written on first use
    std::unique_ptr<CommitQueue> commits;
    RoomRegistry rooms;
    QHash<QString, QByteArray> identities; // participant id -> secret hash
    QHash<QString, Session *> sessionByParticipant;
    QSet<Session *> sessions;
    // Connections accepted but not yet upgraded (the native transport hands them over before
    // their upgrade), and when they were accepted: the sweep closes the ones that take longer
    // than the handshake timeout.
    QHash<ClientConnection *, qint64> handshakes;
    JoinThrottle joinThrottle;
    QTimer sweepTimer;
    qint64 lastPruneMs = 0;
    bool stopping = false;
    bool stopped = false;
};
