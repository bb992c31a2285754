#include "roomserver.h"

#include "eventbuilder.h"
#include "net/outputflusher.h"
#include "net/tcplistener.h"
#include "net/websocketconnection.h"
#include "protocol/identity.h"
#include "protocol/jsonwrite.h"
#include "protocol/roomcode.h"
#include "protocol/textrules.h"
#include "ratelimiter.h"
#include "room.h"
#include "roomregistry.h"
#include "session.h"
#include "storage/commitqueue.h"
#include "storage/sqlstorage.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <functional>

Q_LOGGING_CATEGORY(lcServer, "hearth.server")

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Spectators take no seat, but a room still has a bound so one cannot be flooded with them.
constexpr int maxSpectators = 200;
// Joiners waiting for approval in one room; each is a connection, but bound it anyway.
constexpr int maxWaiting = 100;
constexpr int maxClientMsgIdLength = 64;
// How often the sweep runs. A silent peer is dropped at the first sweep less than one interval
// before its idle timeout ends, so that it shows offline within idleTimeoutSeconds of its last
// byte, never later (docs/protocol.md, "Reconnect and resume").
constexpr int sweepIntervalMs = 250;
constexpr int maxPasswordLength = 64;

QString verdictText(TextRules::Verdict verdict, const char *what, int max)
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

ErrorCode verdictCode(TextRules::Verdict verdict)
{
    return verdict == TextRules::Verdict::TooLong ? ErrorCode::TooLarge : ErrorCode::BadRequest;
}

using Then = std::function<void(bool ok, qint64 seq, qint64 ts)>;
using Writes = std::function<bool(Storage &)>;
} // namespace

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
        const QList<WebSocketConnection *> upgrading = handshakes.keys();
        handshakes.clear();
        for (WebSocketConnection *c : upgrading) {
            c->disconnect();
            delete c;
        }
        // Sessions already let go (deleteLater) are children too: they must go while the
        // flusher their connections may still be scheduled with exists.
        const QList<Session *> leaving = findChildren<Session *>(Qt::FindDirectChildrenOnly);
        for (Session *s : leaving) {
            s->connection()->disconnect();
            delete s;
        }
    }

    // --- plumbing -------------------------------------------------------------------------
    bool start();
    void stop();
    void acceptTcp(qintptr socketDescriptor);
    void acceptWebSocket(WebSocketConnection *connection);
    void onText(Session *s, const QByteArray &utf8);
    void onDisconnected(Session *s);
    void sweep();
    void finishStop();

    void reply(Session *s, qint64 id, const QJsonObject &result);
    void refuse(Session *s, qint64 id, ErrorCode code, const QString &message,
                const QJsonObject &extra = {});
    bool badRequest(Session *s, qint64 id, const QString &message)
    {
        refuse(s, id, ErrorCode::BadRequest, message);
        return false;
    }

    // Assigns the room's next seq, stores the event (after `writes`) in one job, and once it is
    // durable pushes it to the room's members (and to `alsoTo`, a participant just removed),
    // then runs `then`. Returns the seq.
    qint64 emitEvent(const std::shared_ptr<Room> &room, QLatin1String kind, const QJsonObject &data,
                     Writes writes, Then then, QPointer<Session> alsoTo = {},
                     const QString &authorId = {}, const QString &clientMsgId = {})
    {
        return emitEventRaw(room, kind, QJsonDocument(data).toJson(QJsonDocument::Compact),
                            std::move(writes), std::move(then), std::move(alsoTo), authorId,
                            clientMsgId);
    }
    // The same with the data already written as compact JSON (the frequent events).
    qint64 emitEventRaw(const std::shared_ptr<Room> &room, QLatin1String kind,
                        QByteArrayView dataJson, Writes writes, Then then,
                        QPointer<Session> alsoTo = {}, const QString &authorId = {},
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
                reply(session, id, {});
        };
    }
    // Stores the room's row and tells its members the room changed (settings, state).
    void emitRoomUpdated(const std::shared_ptr<Room> &room, Then then)
    {
        const StoredRoom stored = room->toStored();
        emitEventRaw(
            room, QLatin1String("room_updated"),
            QByteArray("{\"room\":" + room->toJsonBytes() + '}'),
            [stored](Storage &st) { return st.saveRoom(stored); }, std::move(then));
    }

    // --- room rules -----------------------------------------------------------------------
    struct Member {
        std::shared_ptr<Room> room;
        Participant *self = nullptr;
    };
    std::optional<Member> member(Session *s, qint64 id, const QJsonObject &req);
    std::optional<Member> host(Session *s, qint64 id, const QJsonObject &req);
    void admit(const std::shared_ptr<Room> &room, Session *s, qint64 requestId, const QString &name,
               Role role, std::function<void()> then = {});
    void rejoin(const std::shared_ptr<Room> &room, Participant *p, Session *s, qint64 id);
    void removeParticipant(const std::shared_ptr<Room> &room, const QString &participantId,
                           QLatin1String reason, const QString &by, Writes writes, Then then);
    void migrateHost(const std::shared_ptr<Room> &room, const QString &leavingId);
    void setPresence(const std::shared_ptr<Room> &room, Participant *p, bool online);
    void closeRoom(const std::shared_ptr<Room> &room, QLatin1String reason, Then then);
    void answerWaiting(PendingJoin &pending, const QByteArray &frame);
    void noticeJoinRequest(const Room &room, const PendingJoin &pending);
    void detachSession(Session *s, qint64 roomId);
    // The result of a join: the room, who you are, and everyone in it (compact JSON).
    QByteArray snapshot(const Room &room, const QString &selfId, bool rejoined = false) const;
    bool parseSettings(Session *s, qint64 id, const QJsonObject &req, RoomSettings *settings,
                       bool forUpdate);

    // --- operations (docs/protocol.md) ----------------------------------------------------
    void opHello(Session *s, qint64 id, const QJsonObject &req);
    void opPing(Session *s, qint64 id, const QJsonObject &req);
    void opCreateRoom(Session *s, qint64 id, const QJsonObject &req);
    void opJoinRoom(Session *s, qint64 id, const QJsonObject &req);
    void opLeaveRoom(Session *s, qint64 id, const QJsonObject &req);
    void opSendChat(Session *s, qint64 id, const QJsonObject &req);
    void opHistory(Session *s, qint64 id, const QJsonObject &req);
    void opSetStatus(Session *s, qint64 id, const QJsonObject &req);
    void opRoomInfo(Session *s, qint64 id, const QJsonObject &req);
    void opUpdateSettings(Session *s, qint64 id, const QJsonObject &req);
    void opSetState(Session *s, qint64 id, const QJsonObject &req);
    // The host operations on one participant (HostAction): one preamble (you host the room,
    // "participant" is an id), then the action with the values it needs.
    void opHostAction(Session *s, qint64 id, const QJsonObject &req);
    void admitWaiting(Session *s, qint64 id, const Member &m, const QString &target);
    void denyWaiting(Session *s, qint64 id, const Member &m, const QString &target);
    void kick(Session *s, qint64 id, const Member &m, const QString &target);
    void ban(Session *s, qint64 id, const Member &m, const QString &target);
    void transferHost(Session *s, qint64 id, const Member &m, const QString &target);
    void opCloseRoom(Session *s, qint64 id, const QJsonObject &req);

    RoomServer *q;
    ServerConfig config;
    QString error;
    TcpListener tcp;
    QByteArray helloLimitsJson; // the hello reply's "limits", written on first use
    // Writes each connection's queued frames once per event-loop pass.
    OutputFlusher flusher;
    std::unique_ptr<CommitQueue> commits;
    RoomRegistry rooms;
    QHash<QString, QByteArray> identities; // participant id -> secret hash
    QHash<QString, Session *> sessionByParticipant;
    QSet<Session *> sessions;
    // Connections accepted but not yet upgraded, and when they were accepted: the sweep closes
    // the ones that take longer than the hello timeout.
    QHash<WebSocketConnection *, qint64> handshakes;
    JoinThrottle joinThrottle;
    QTimer sweepTimer;
    qint64 lastPruneMs = 0;
    bool stopping = false;
    bool stopped = false;
};

// ---------------------------------------------------------------------------------------------
// Plumbing

bool RoomServerPrivate::start()
{
    if (config.database.isEmpty()) {
        error = QStringLiteral("no database given");
        return false;
    }
    auto storage = std::make_unique<SqlStorage>(config.database, config.syncFull);
    const QString where = storage->describe();
    commits = std::make_unique<CommitQueue>(std::move(storage));
    LoadedState loaded;
    if (!commits->start([&loaded](Storage &st) {
            if (!st.open())
                return false;
            auto state = st.loadLiveState();
            if (!state)
                return false;
            loaded = std::move(*state);
            return true;
        })) {
        error = commits->errorString();
        commits.reset();
        return false;
    }
    for (const StoredIdentity &identity : std::as_const(loaded.identities))
        identities.insert(identity.participantId, identity.secretHash);
    const qint64 now = nowMs();
    for (const LoadedRoom &lr : std::as_const(loaded.rooms)) {
        std::shared_ptr<Room> room = Room::fromLoaded(lr);
        if (room->isEmpty())
            room->emptySinceMs = now;
        rooms.insert(std::move(room));
    }
    qCInfo(lcServer) << "storage" << where << "with" << rooms.size() << "live rooms and"
                     << identities.size() << "identities";

    tcp.setListenBacklogSize(config.listenBacklog);
    if (!tcp.listen(config.bindAddress, config.port)) {
        error = QStringLiteral("cannot listen on %1:%2: %3")
                    .arg(config.bindAddress.toString())
                    .arg(config.port)
                    .arg(tcp.errorString());
        commits->stop();
        commits.reset();
        return false;
    }
    // QTcpServer accepts (with our backlog) and TcpListener hands over the bare descriptors;
    // each WebSocketConnection does its own upgrade.
    QObject::connect(&tcp, &TcpListener::accepted, this, &RoomServerPrivate::acceptTcp);
    QObject::connect(&sweepTimer, &QTimer::timeout, this, &RoomServerPrivate::sweep);
    sweepTimer.start(sweepIntervalMs);
    qCInfo(lcServer) << "listening on" << q->url().toString();
    return true;
}

void RoomServerPrivate::acceptTcp(qintptr socketDescriptor)
{
    if (stopping) {
        TcpListener::discard(socketDescriptor);
        return;
    }
    const WebSocketConnection::Options options{
        QByteArrayLiteral("hearth/" HEARTH_VERSION),
        config.limits.maxMessageBytes,
        config.maxQueuedBytes,
    };
    auto *connection = new WebSocketConnection(socketDescriptor, options, &flusher, this);
    handshakes.insert(connection, nowMs());
    QObject::connect(connection, &WebSocketConnection::opened, this,
                     [this, connection] { acceptWebSocket(connection); });
    QObject::connect(connection, &WebSocketConnection::disconnected, this, [this, connection] {
        // Gone during its upgrade; after it, its Session handles this.
        if (handshakes.remove(connection))
            connection->deleteLater();
    });
}

void RoomServerPrivate::acceptWebSocket(WebSocketConnection *connection)
{
    handshakes.remove(connection);
    auto *s = new Session(connection, this);
    s->peerAddress = connection->peerAddress().toString();
    s->connectedAtMs = s->lastHeardMs = nowMs();
    const Limits &l = config.limits;
    s->requests = TokenBucket(l.requestsPerSecond, 2.0 * l.requestsPerSecond, s->lastHeardMs);
    s->chat = TokenBucket(l.chatPerSecond, 2.0 * l.chatPerSecond, s->lastHeardMs);
    sessions.insert(s);
    // Any byte from the peer (a frame, a pong, its own ping) shows it is alive.
    QObject::connect(connection, &WebSocketConnection::bytesReceived, s,
                     [s] { s->lastHeardMs = nowMs(); });
    QObject::connect(connection, &WebSocketConnection::textReceived, s,
                     [this, s](const QByteArray &utf8) { onText(s, utf8); });
    QObject::connect(connection, &WebSocketConnection::binaryReceived, s, [s] {
        s->close(WebSocketFrame::CloseUnsupportedData,
                 QStringLiteral("binary frames are not part of the protocol"));
    });
    QObject::connect(connection, &WebSocketConnection::disconnected, s,
                     [this, s] { onDisconnected(s); });
    if (stopping)
        s->close(WebSocketFrame::CloseGoingAway, QStringLiteral("shutting down"));
}

void RoomServerPrivate::reply(Session *s, qint64 id, const QJsonObject &result)
{
    s->consecutiveRefusals = 0;
    s->send(Frames::result(id, result));
}

void RoomServerPrivate::refuse(Session *s, qint64 id, ErrorCode code, const QString &message,
                               const QJsonObject &extra)
{
    s->send(Frames::error(id, code, message, extra));
    // A client that keeps sending while limited is flooding; other refusals are its business.
    if (code != ErrorCode::RateLimited) {
        s->consecutiveRefusals = 0;
        return;
    }
    if (++s->consecutiveRefusals >= config.maxConsecutiveRefusals) {
        qCWarning(lcServer) << "closing a connection after" << s->consecutiveRefusals
                            << "rate-limited requests in a row:" << s->peerAddress;
        s->close(WebSocketFrame::ClosePolicyViolated, QStringLiteral("too many refused requests"));
    }
}

void RoomServerPrivate::onText(Session *s, const QByteArray &utf8)
{
    const qint64 now = nowMs();
    s->lastHeardMs = now;
    if (s->isGone())
        return;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (!doc.isObject()) {
        refuse(
            s, -1, ErrorCode::BadJson,
            parseError.error != QJsonParseError::NoError
                ? QStringLiteral("The frame is not valid JSON: %1.").arg(parseError.errorString())
                : QStringLiteral("The frame must be a JSON object."));
        return;
    }
    const QJsonObject req = doc.object();
    const QJsonValue idValue = req.value(QLatin1String("id"));
    const double idNumber = idValue.toDouble(-1);
    if (!idValue.isDouble() || idNumber < 0 || idNumber > 9007199254740991.0 ||
        idNumber != double(qint64(idNumber))) {
        refuse(s, -1, ErrorCode::BadRequest,
               QStringLiteral("Every request needs an \"id\": an integer from 0 to 2^53-1."));
        return;
    }
    const qint64 id = qint64(idNumber);
    qint64 retryAfter = 0;
    if (!s->requests.take(now, &retryAfter)) {
        refuse(s, id, ErrorCode::RateLimited, QStringLiteral("Too many requests; slow down."),
               {{QLatin1String("retryAfterMs"), retryAfter}});
        return;
    }
    const QJsonValue typeValue = req.value(QLatin1String("type"));
    if (!typeValue.isString()) {
        refuse(s, id, ErrorCode::BadRequest, QStringLiteral("\"type\" must be a string."));
        return;
    }
    using Handler = void (RoomServerPrivate::*)(Session *, qint64, const QJsonObject &);
    static const QHash<QString, Handler> handlers = {
        {QStringLiteral("hello"), &RoomServerPrivate::opHello},
        {QStringLiteral("ping"), &RoomServerPrivate::opPing},
        {QStringLiteral("create_room"), &RoomServerPrivate::opCreateRoom},
        {QStringLiteral("join_room"), &RoomServerPrivate::opJoinRoom},
        {QStringLiteral("leave_room"), &RoomServerPrivate::opLeaveRoom},
        {QStringLiteral("send_chat"), &RoomServerPrivate::opSendChat},
        {QStringLiteral("history"), &RoomServerPrivate::opHistory},
        {QStringLiteral("set_status"), &RoomServerPrivate::opSetStatus},
        {QStringLiteral("room_info"), &RoomServerPrivate::opRoomInfo},
        {QStringLiteral("update_settings"), &RoomServerPrivate::opUpdateSettings},
        {QStringLiteral("set_state"), &RoomServerPrivate::opSetState},
        {QStringLiteral("close_room"), &RoomServerPrivate::opCloseRoom},
        {hostActionName(HostAction::Admit), &RoomServerPrivate::opHostAction},
        {hostActionName(HostAction::Deny), &RoomServerPrivate::opHostAction},
        {hostActionName(HostAction::Kick), &RoomServerPrivate::opHostAction},
        {hostActionName(HostAction::Ban), &RoomServerPrivate::opHostAction},
        {hostActionName(HostAction::TransferHost), &RoomServerPrivate::opHostAction},
    };
    const QString type = typeValue.toString();
    const Handler handler = handlers.value(type);
    if (!handler) {
        refuse(s, id, ErrorCode::UnknownType,
               QStringLiteral("Unknown request type \"%1\".").arg(type.left(64)));
        return;
    }
    if (!s->helloDone && handler != &RoomServerPrivate::opHello &&
        handler != &RoomServerPrivate::opPing) {
        refuse(s, id, ErrorCode::HelloRequired, QStringLiteral("Say hello first."));
        return;
    }
    if (stopping) {
        refuse(s, id, ErrorCode::ShuttingDown, QStringLiteral("The server is shutting down."));
        return;
    }
    (this->*handler)(s, id, req);
}

void RoomServerPrivate::onDisconnected(Session *s)
{
    s->markGone();
    sessions.remove(s);
    if (!s->participantId.isEmpty() && sessionByParticipant.value(s->participantId) == s)
        sessionByParticipant.remove(s->participantId);
    const std::vector<qint64> roomIds = s->roomIds;
    s->roomIds.clear();
    for (qint64 roomId : roomIds) {
        const std::shared_ptr<Room> room = rooms.byId(roomId);
        if (!room)
            continue;
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].session == s) {
                const PendingJoin gone = room->waiting.takeAt(i);
                const Participant *h = room->find(room->hostId);
                if (h && h->session)
                    h->session->send(
                        Frames::notice(room->code, QLatin1String("join_request_cancelled"),
                                       {{QLatin1String("participant"), gone.participantId}}));
            }
        }
        Participant *p = room->find(s->participantId);
        // On shutdown everyone goes offline anyway (a restart loads all offline): no events.
        if (p && p->session == s && !stopping)
            setPresence(room, p, false);
        else if (p && p->session == s)
            p->session = nullptr;
    }
    s->deleteLater();
    if (stopping && sessions.isEmpty())
        QMetaObject::invokeMethod(this, &RoomServerPrivate::finishStop, Qt::QueuedConnection);
}

void RoomServerPrivate::sweep()
{
    const qint64 now = nowMs();
    const Limits &l = config.limits;
    QList<Session *> silent;
    for (Session *s : std::as_const(sessions)) {
        if (s->isGone())
            continue;
        if (!s->helloDone && now - s->connectedAtMs > config.helloTimeoutSeconds * 1000LL) {
            s->close(WebSocketFrame::ClosePolicyViolated, QStringLiteral("no hello"));
        } else if (now - s->lastHeardMs > l.idleTimeoutSeconds * 1000LL - sweepIntervalMs &&
                   s->lastPingMs > s->lastHeardMs) {
            // Silent for the whole timeout although pinged since: the peer is gone.
            silent.append(s);
        } else if (now - s->lastHeardMs >= l.heartbeatSeconds * 1000LL &&
                   now - s->lastPingMs >= l.heartbeatSeconds * 1000LL) {
            s->lastPingMs = now;
            s->connection()->ping();
        }
    }
    // A silent peer will not answer a close handshake: drop it (outside the loop, since
    // abort() runs onDisconnected at once).
    for (Session *s : std::as_const(silent)) {
        qCInfo(lcServer) << "dropping a silent connection:" << s->peerAddress;
        s->connection()->abort();
    }

    QList<WebSocketConnection *> stalled;
    for (auto it = handshakes.cbegin(); it != handshakes.cend(); ++it) {
        if (now - it.value() > config.helloTimeoutSeconds * 1000LL)
            stalled.append(it.key());
    }
    // abort() runs the disconnected handler, which forgets and deletes the connection.
    for (WebSocketConnection *connection : std::as_const(stalled))
        connection->abort();

    const auto all = rooms.rooms().values();
    for (const std::shared_ptr<Room> &room : all) {
        if (room->closed)
            continue;
        QStringList expired;
        for (const auto &p : room->participants()) {
            if (!p->online && now - p->offlineSinceMs > l.graceSeconds * 1000LL)
                expired.append(p->id);
        }
        for (const QString &pid : std::as_const(expired))
            removeParticipant(room, pid, QLatin1String("timed_out"), {}, {}, {});
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].deadlineMs < now) {
                PendingJoin pending = room->waiting.takeAt(i);
                answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::JoinDenied,
                                                     QStringLiteral("The host did not answer "
                                                                    "in time.")));
            }
        }
        if (room->isEmpty() && room->emptySinceMs &&
            now - room->emptySinceMs > config.emptyRoomExpirySeconds * 1000LL) {
            qCInfo(lcServer) << "room" << room->code << "expired";
            closeRoom(room, QLatin1String("expired"), {});
        }
    }
    if (now - lastPruneMs > 60000) {
        lastPruneMs = now;
        joinThrottle.prune(now);
    }
}

void RoomServerPrivate::stop()
{
    if (stopping)
        return;
    stopping = true;
    sweepTimer.stop();
    tcp.close();
    const QList<WebSocketConnection *> pendingUpgrades = handshakes.keys();
    for (WebSocketConnection *connection : pendingUpgrades)
        connection->abort();
    for (const auto &room : rooms.rooms()) {
        for (PendingJoin &pending : room->waiting)
            answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::ShuttingDown,
                                                 QStringLiteral("The server is shutting down.")));
        room->waiting.clear();
    }
    // Everything acknowledged is already durable; flush() lands what is still in flight and
    // delivers its replies before the connections go.
    commits->flush();
    const QList<Session *> open = sessions.values();
    for (Session *s : open)
        s->close(WebSocketFrame::CloseGoingAway, QStringLiteral("server shutting down"));
    if (sessions.isEmpty()) {
        QMetaObject::invokeMethod(this, &RoomServerPrivate::finishStop, Qt::QueuedConnection);
        return;
    }
    // Peers normally answer the close at once; do not wait for the ones that do not.
    QTimer::singleShot(2000, this, [this] {
        const QList<Session *> left = sessions.values();
        for (Session *s : left)
            s->connection()->abort();
        finishStop();
    });
}

void RoomServerPrivate::finishStop()
{
    if (stopped)
        return;
    stopped = true;
    commits->flush();
    commits->stop();
    qCInfo(lcServer) << "stopped;" << commits->commits() << "commits for" << commits->jobs()
                     << "writes";
    Q_EMIT q->stopped();
}

// ---------------------------------------------------------------------------------------------
// Events and delivery

qint64 RoomServerPrivate::emitEventRaw(const std::shared_ptr<Room> &room, QLatin1String kind,
                                       QByteArrayView dataJson, Writes writes, Then then,
                                       QPointer<Session> alsoTo, const QString &authorId,
                                       const QString &clientMsgId)
{
    const qint64 seq = ++room->lastSeq;
    const qint64 ts = nowMs();
    const QByteArray frame = Frames::eventRaw(room->code, seq, ts, kind, dataJson);
    StoredEvent stored{room->id, seq, ts, kind, authorId, clientMsgId, frame};
    // Trim in steps so that the delete runs once per 256 events, not with every one.
    const qint64 trimThrough =
        config.historyLimit > 0 && seq % 256 == 0 ? seq - config.historyLimit : 0;
    commits->submit(
        [stored = std::move(stored), writes = std::move(writes), trimThrough](Storage &st) {
            return (!writes || writes(st)) && st.appendEvent(stored) &&
                   (trimThrough <= 0 || st.trimHistory(stored.roomId, trimThrough));
        },
        [this, room, seq, ts, frame, alsoTo, then = std::move(then)](bool ok) {
            if (ok)
                deliver(*room, seq, frame, alsoTo);
            else
                qCCritical(lcServer) << "event" << seq << "of room" << room->code
                                     << "could not be stored; it was not delivered";
            if (then)
                then(ok, seq, ts);
        });
    return seq;
}

void RoomServerPrivate::deliver(const Room &room, qint64 seq, const QByteArray &frame,
                                Session *alsoTo)
{
    // Framed once: every member's queue shares the same bytes.
    const QByteArray wire = WebSocketFrame::encode(WebSocketFrame::Text, frame);
    for (const auto &p : room.participants()) {
        if (p->session && seq > p->deliverAfter)
            p->session->sendFrame(wire);
    }
    if (alsoTo)
        alsoTo->sendFrame(wire);
}

void RoomServerPrivate::afterPending(std::function<void()> then)
{
    commits->submit([](Storage &) { return true; }, [then = std::move(then)](bool) { then(); });
}

QByteArray RoomServerPrivate::snapshot(const Room &room, const QString &selfId, bool rejoined) const
{
    // Written by hand around the cached participant list, in the key order QJsonDocument
    // would write; a participant id is hex, so it needs no escaping.
    QByteArray out = "{\"participants\":" + room.participantsJsonBytes();
    if (rejoined)
        out += ",\"rejoined\":true";
    out += ",\"room\":" + room.toJsonBytes() + ",\"self\":\"" + selfId.toLatin1() + "\"}";
    return out;
}

void RoomServerPrivate::detachSession(Session *s, qint64 roomId)
{
    std::erase(s->roomIds, roomId);
}

void RoomServerPrivate::answerWaiting(PendingJoin &pending, const QByteArray &frame)
{
    if (pending.session) {
        pending.session->send(frame);
        // Still a participant elsewhere? Only drop this room's id if it has no seat here.
    }
}

void RoomServerPrivate::noticeJoinRequest(const Room &room, const PendingJoin &pending)
{
    const Participant *h = room.find(room.hostId);
    if (h && h->session)
        h->session->send(Frames::notice(room.code, QLatin1String("join_request"),
                                        {{QLatin1String("participant"), pending.participantId},
                                         {QLatin1String("name"), pending.name},
                                         {QLatin1String("role"), roleName(pending.role)}}));
}

// ---------------------------------------------------------------------------------------------
// Room rules

std::optional<RoomServerPrivate::Member> RoomServerPrivate::member(Session *s, qint64 id,
                                                                   const QJsonObject &req)
{
    const QJsonValue codeValue = req.value(QLatin1String("room"));
    if (!codeValue.isString()) {
        badRequest(s, id, QStringLiteral("\"room\" must be a room code."));
        return std::nullopt;
    }
    const auto code = RoomCode::normalize(codeValue.toString());
    std::shared_ptr<Room> room = code ? rooms.byCode(*code) : nullptr;
    Participant *p = room ? room->find(s->participantId) : nullptr;
    if (!p || p->session != s) {
        refuse(s, id, ErrorCode::NotMember,
               QStringLiteral("You are not in room %1.").arg(codeValue.toString().left(16)));
        return std::nullopt;
    }
    return Member{std::move(room), p};
}

std::optional<RoomServerPrivate::Member> RoomServerPrivate::host(Session *s, qint64 id,
                                                                 const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (m && m->self->role != Role::Host) {
        refuse(s, id, ErrorCode::NotHost, QStringLiteral("Only the host can do that."));
        return std::nullopt;
    }
    return m;
}

void RoomServerPrivate::admit(const std::shared_ptr<Room> &room, Session *s, qint64 requestId,
                              const QString &name, Role role, std::function<void()> then)
{
    const qint64 now = nowMs();
    auto p = std::make_unique<Participant>();
    p->id = s->participantId;
    p->name = name;
    p->role = role;
    p->joinedSeq = room->lastSeq + 1;
    p->joinedAt = p->lastSeen = now;
    p->online = true;
    p->session = s;
    p->deliverAfter = p->joinedSeq;
    Participant *raw = room->add(std::move(p));
    ++room->stats.joins;
    if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
        s->roomIds.push_back(room->id);

    auto answer = std::make_shared<QByteArray>();
    const StoredParticipant stored = raw->toStored();
    const StoredRoom storedRoom = room->toStored();
    const qint64 roomId = room->id;
    emitEventRaw(
        room, QLatin1String("participant_joined"),
        QByteArray("{\"participant\":" + raw->toJsonBytes() + '}'),
        [stored, storedRoom, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, stored);
        },
        [answer, session = QPointer<Session>(s), requestId, then = std::move(then)](bool ok, qint64,
                                                                                    qint64) {
            if (session)
                session->send(ok ? *answer
                                 : Frames::error(requestId, ErrorCode::StorageError,
                                                 QStringLiteral("The server could not store "
                                                                "your join.")));
            if (then)
                then();
        });
    // The snapshot is taken right after the join event, before anything later can change it.
    *answer = Frames::resultRaw(requestId, snapshot(*room, raw->id));
}

void RoomServerPrivate::rejoin(const std::shared_ptr<Room> &room, Participant *p, Session *s,
                               qint64 id)
{
    Session *previous = p->session;
    if (previous && previous != s)
        detachSession(previous, room->id);
    if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
        s->roomIds.push_back(room->id);
    p->session = s;
    if (!p->online)
        setPresence(room, p, true);
    // Everything up to now is in the snapshot; later events are pushed.
    p->deliverAfter = room->lastSeq;
    const QByteArray answer = Frames::resultRaw(id, snapshot(*room, p->id, true));
    afterPending([answer, session = QPointer<Session>(s)] {
        if (session)
            session->send(answer);
    });
}

void RoomServerPrivate::setPresence(const std::shared_ptr<Room> &room, Participant *p, bool online)
{
    const qint64 now = nowMs();
    p->online = online;
    p->lastSeen = now;
    if (!online) {
        p->session = nullptr;
        p->offlineSinceMs = now;
    }
    const StoredParticipant stored = p->toStored();
    const qint64 roomId = room->id;
    emitEvent(room, QLatin1String("presence"),
              {{QLatin1String("participant"), p->id},
               {QLatin1String("online"), online},
               {QLatin1String("lastSeen"), now}},
              [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); }, {});
}

void RoomServerPrivate::removeParticipant(const std::shared_ptr<Room> &room,
                                          const QString &participantId, QLatin1String reason,
                                          const QString &by, Writes writes, Then then)
{
    std::unique_ptr<Participant> p = room->remove(participantId);
    if (!p)
        return;
    room->noteDeparture(participantId, reason);
    QPointer<Session> target = p->session;
    if (target)
        detachSession(target, room->id);
    QJsonObject data{{QLatin1String("participant"), participantId},
                     {QLatin1String("reason"), reason}};
    if (!by.isEmpty())
        data.insert(QLatin1String("by"), by);
    const qint64 roomId = room->id;
    const bool wasHost = room->hostId == participantId;
    emitEvent(
        room, QLatin1String("participant_left"), data,
        [roomId, participantId, writes = std::move(writes)](Storage &st) {
            return (!writes || writes(st)) && st.deleteParticipant(roomId, participantId);
        },
        std::move(then), target);
    if (wasHost)
        migrateHost(room, participantId);
    if (room->isEmpty())
        room->emptySinceMs = nowMs();
}

void RoomServerPrivate::migrateHost(const std::shared_ptr<Room> &room, const QString &leavingId)
{
    Participant *next = room->nextHost(leavingId);
    Participant *old = room->find(leavingId);
    if (!next) {
        room->hostId.clear();
        const StoredRoom storedRoom = room->toStored();
        commits->submit([storedRoom](Storage &st) { return st.saveRoom(storedRoom); });
        return;
    }
    const bool transferred = old != nullptr;
    if (old)
        old->role = Role::Member;
    next->role = Role::Host;
    room->hostId = next->id;
    const StoredRoom storedRoom = room->toStored();
    const StoredParticipant storedNext = next->toStored();
    const std::optional<StoredParticipant> storedOld =
        old ? std::optional(old->toStored()) : std::nullopt;
    const qint64 roomId = room->id;
    emitEvent(room, QLatin1String("host_changed"),
              {{QLatin1String("from"), leavingId},
               {QLatin1String("to"), next->id},
               {QLatin1String("reason"),
                transferred ? QLatin1String("transferred") : QLatin1String("host_left")}},
              [storedRoom, storedNext, storedOld, roomId](Storage &st) {
                  return st.saveRoom(storedRoom) && st.saveParticipant(roomId, storedNext) &&
                         (!storedOld || st.saveParticipant(roomId, *storedOld));
              },
              {});
    for (const PendingJoin &pending : std::as_const(room->waiting))
        noticeJoinRequest(*room, pending);
}

void RoomServerPrivate::closeRoom(const std::shared_ptr<Room> &room, QLatin1String reason,
                                  Then then)
{
    room->closed = true;
    rooms.remove(*room);
    for (PendingJoin &pending : room->waiting)
        answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::RoomClosed,
                                             QStringLiteral("The room was closed.")));
    room->waiting.clear();
    StoredRoom storedRoom = room->toStored();
    storedRoom.closedAt = nowMs();
    emitEvent(
        room, QLatin1String("room_closed"), {{QLatin1String("reason"), reason}},
        [storedRoom](Storage &st) { return st.saveRoom(storedRoom); },
        [this, room, then = std::move(then)](bool ok, qint64 seq, qint64 ts) {
            // room_closed was the last thing pushed; now let go of everyone.
            for (const auto &p : room->participants()) {
                if (p->session)
                    detachSession(p->session, room->id);
                p->session = nullptr;
            }
            if (then)
                then(ok, seq, ts);
        });
}

bool RoomServerPrivate::parseSettings(Session *s, qint64 id, const QJsonObject &req,
                                      RoomSettings *settings, bool forUpdate)
{
    const QJsonValue value = req.value(QLatin1String("settings"));
    if (value.isUndefined())
        return true;
    if (!value.isObject())
        return badRequest(s, id, QStringLiteral("\"settings\" must be an object."));
    const QJsonObject object = value.toObject();
    const struct {
        const char *key;
        bool RoomSettings::*member;
    } flags[] = {{"spectators", &RoomSettings::allowSpectators},
                 {"approval", &RoomSettings::approvalRequired},
                 {"locked", &RoomSettings::locked},
                 {"public", &RoomSettings::isPublic}};
    for (const auto &flag : flags) {
        const QJsonValue v = object.value(QLatin1String(flag.key));
        if (v.isUndefined())
            continue;
        if (!v.isBool())
            return badRequest(
                s, id,
                QStringLiteral("settings.%1 must be true or false.").arg(QLatin1String(flag.key)));
        settings->*flag.member = v.toBool();
    }
    const QJsonValue password = object.value(QLatin1String("password"));
    if (!password.isUndefined() && !password.isNull()) {
        if (!password.isString())
            return badRequest(s, id, QStringLiteral("settings.password must be a string."));
        const QString text = password.toString();
        if (text.isEmpty() && forUpdate)
            settings->passwordHash.clear();
        else if (text.isEmpty() || TextRules::codePointCount(text) > maxPasswordLength)
            return badRequest(s, id, QStringLiteral("A password has 1 to 64 characters."));
        else
            settings->passwordHash = Room::hashPassword(text);
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Operations

void RoomServerPrivate::opHello(Session *s, qint64 id, const QJsonObject &req)
{
    if (s->helloDone) {
        badRequest(s, id, QStringLiteral("This connection already said hello."));
        return;
    }
    const QJsonValue version = req.value(QLatin1String("version"));
    if (!version.isDouble()) {
        badRequest(s, id, QStringLiteral("\"version\" must be a number."));
        return;
    }
    if (version.toDouble() != Protocol::Version) {
        refuse(s, id, ErrorCode::UnsupportedVersion,
               QStringLiteral("This server speaks protocol version %1.").arg(Protocol::Version),
               {{QLatin1String("supported"), QJsonArray{Protocol::Version}}});
        return;
    }
    const QJsonObject identity = req.value(QLatin1String("identity")).toObject();
    const QString identityId = identity.value(QLatin1String("id")).toString();
    const QString secret = identity.value(QLatin1String("secret")).toString();
    if (!IdentityRules::isWellFormedId(identityId) || !IdentityRules::isWellFormedSecret(secret)) {
        badRequest(s, id,
                   QStringLiteral("\"identity\" needs an \"id\" (16-64 characters of A-Z a-z "
                                  "0-9 _ -) and a \"secret\" (32-128 of the same)."));
        return;
    }
    const QString pid = IdentityRules::participantIdFor(identityId);
    const QByteArray hash = IdentityRules::secretHash(secret);
    const auto known = identities.constFind(pid);
    if (known != identities.constEnd() && *known != hash) {
        qCWarning(lcServer) << "hello with a wrong secret for" << pid << "from" << s->peerAddress;
        refuse(s, id, ErrorCode::IdentityRejected,
               QStringLiteral("This identity belongs to somebody else."));
        return;
    }
    if (Session *old = sessionByParticipant.value(pid); old && old != s)
        old->close(Protocol::CloseReplaced, QStringLiteral("replaced by a newer connection"));
    s->helloDone = true;
    s->participantId = pid;
    sessionByParticipant.insert(pid, s);
    // Every hello gets the same limits, server and version: written once, around the id.
    if (helloLimitsJson.isEmpty())
        helloLimitsJson = QJsonDocument(config.limits.toJson()).toJson(QJsonDocument::Compact);
    QByteArray result = "{\"limits\":" + helloLimitsJson + ",\"participant\":";
    JsonWrite::string(result, pid);
    result += ",\"server\":\"hearth/" HEARTH_VERSION "\",\"version\":" +
              QByteArray::number(Protocol::Version) + '}';
    const QByteArray answer = Frames::resultRaw(id, result);
    if (known != identities.constEnd()) {
        s->consecutiveRefusals = 0;
        s->send(answer);
        return;
    }
    identities.insert(pid, hash);
    const StoredIdentity stored{pid, hash, nowMs()};
    commits->submit([stored](Storage &st) { return st.saveIdentity(stored); },
                    [answer, session = QPointer<Session>(s)](bool) {
                        if (session)
                            session->send(answer);
                    });
}

void RoomServerPrivate::opPing(Session *s, qint64 id, const QJsonObject &)
{
    reply(s, id, {{QLatin1String("ts"), nowMs()}});
}

void RoomServerPrivate::opCreateRoom(Session *s, qint64 id, const QJsonObject &req)
{
    const Limits &l = config.limits;
    QString roomName, displayName;
    const auto nameVerdict = TextRules::checkName(req.value(QLatin1String("name")).toString(),
                                                  l.maxRoomNameLength, &roomName);
    if (nameVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(nameVerdict),
               verdictText(nameVerdict, "room name", l.maxRoomNameLength));
        return;
    }
    const auto displayVerdict = TextRules::checkName(
        req.value(QLatin1String("displayName")).toString(), l.maxNameLength, &displayName);
    if (displayVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(displayVerdict),
               verdictText(displayVerdict, "display name", l.maxNameLength));
        return;
    }
    int capacity = 10;
    const QJsonValue capacityValue = req.value(QLatin1String("capacity"));
    if (!capacityValue.isUndefined()) {
        const double c = capacityValue.toDouble(-1);
        // The range before the conversion: int() of a double beyond int is undefined.
        if (!capacityValue.isDouble() || c < 1 || c > l.capacityMax || c != double(int(c))) {
            badRequest(s, id,
                       QStringLiteral("\"capacity\" must be a whole number from 1 to %1.")
                           .arg(l.capacityMax));
            return;
        }
        capacity = int(c);
    }
    RoomSettings settings;
    if (!parseSettings(s, id, req, &settings, false))
        return;
    if (rooms.size() >= config.maxLiveRooms) {
        qCWarning(lcServer) << "refusing a new room: the server holds" << rooms.size()
                            << "live rooms already";
        refuse(s, id, ErrorCode::TooManyRooms,
               QStringLiteral("This server cannot hold more rooms right now."));
        return;
    }
    if (rooms.hostedBy(s->participantId) >= l.maxRoomsPerHost) {
        refuse(
            s, id, ErrorCode::TooManyRooms,
            QStringLiteral("You already host %1 rooms; close one first.").arg(l.maxRoomsPerHost));
        return;
    }
    const auto code = rooms.freshCode();
    if (!code) {
        qCCritical(lcServer) << "no free room code after bounded retries:" << rooms.size()
                             << "live rooms";
        refuse(s, id, ErrorCode::InternalError, QStringLiteral("No free room code was found."));
        return;
    }
    auto room = std::make_shared<Room>();
    room->id = rooms.freshId();
    room->code = *code;
    room->name = roomName;
    room->capacity = capacity;
    room->settings = settings;
    room->hostId = room->creatorId = s->participantId;
    room->createdAt = nowMs();
    rooms.insert(room);
    qCInfo(lcServer) << "room" << room->code << "created by" << s->participantId;
    admit(room, s, id, displayName, Role::Host);
}

void RoomServerPrivate::opJoinRoom(Session *s, qint64 id, const QJsonObject &req)
{
    const Limits &l = config.limits;
    const qint64 now = nowMs();
    const QJsonValue codeValue = req.value(QLatin1String("code"));
    if (!codeValue.isString()) {
        badRequest(s, id, QStringLiteral("\"code\" must be a string."));
        return;
    }
    QString displayName;
    const auto verdict = TextRules::checkName(req.value(QLatin1String("displayName")).toString(),
                                              l.maxNameLength, &displayName);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "display name", l.maxNameLength));
        return;
    }
    Role role = Role::Member;
    const QJsonValue roleValue = req.value(QLatin1String("role"));
    if (!roleValue.isUndefined()) {
        const auto parsed = roleFromName(roleValue.toString());
        if (!parsed || *parsed == Role::Host) {
            badRequest(s, id, QStringLiteral("\"role\" must be \"member\" or \"spectator\"."));
            return;
        }
        role = *parsed;
    }
    const QJsonValue passwordValue = req.value(QLatin1String("password"));
    if (!passwordValue.isUndefined() && !passwordValue.isString()) {
        badRequest(s, id, QStringLiteral("\"password\" must be a string."));
        return;
    }
    // "resume": a client coming back after a reconnect wants its own seat back, never a new
    // one (docs/protocol.md, "Reconnect and resume").
    const QJsonValue resumeValue = req.value(QLatin1String("resume"));
    if (!resumeValue.isUndefined() && !resumeValue.isBool()) {
        badRequest(s, id, QStringLiteral("\"resume\" must be true or false."));
        return;
    }
    const bool resume = resumeValue.toBool(false);
    qint64 retryAfter = 0;
    if (!joinThrottle.allowed(s->peerAddress, now, &retryAfter)) {
        refuse(s, id, ErrorCode::RateLimited,
               QStringLiteral("Too many failed joins; wait a moment."),
               {{QLatin1String("retryAfterMs"), retryAfter}});
        return;
    }
    const auto code = RoomCode::normalize(codeValue.toString());
    const std::shared_ptr<Room> room = code ? rooms.byCode(*code) : nullptr;
    if (!room) {
        // A malformed code and an unknown one look the same to whoever is guessing.
        joinThrottle.recordFailure(s->peerAddress, now);
        refuse(s, id, ErrorCode::RoomNotFound, QStringLiteral("No room has this code."));
        return;
    }
    if (room->bans.contains(s->participantId)) {
        refuse(s, id, ErrorCode::Banned, QStringLiteral("You are banned from this room."));
        return;
    }
    if (Participant *existing = room->find(s->participantId)) {
        rejoin(room, existing, s, id);
        return;
    }
    if (resume) {
        QJsonObject extra;
        if (const QString why = room->departureOf(s->participantId); !why.isEmpty())
            extra.insert(QLatin1String("reason"), why);
        refuse(s, id, ErrorCode::NotMember,
               QStringLiteral("You no longer have a seat in room %1.").arg(room->code), extra);
        return;
    }
    if (room->hasPassword() && !room->passwordMatches(passwordValue.toString())) {
        joinThrottle.recordFailure(s->peerAddress, now);
        refuse(s, id, ErrorCode::WrongPassword, QStringLiteral("The password is not right."));
        return;
    }
    if (room->settings.locked) {
        refuse(s, id, ErrorCode::RoomLocked, QStringLiteral("The room is locked."));
        return;
    }
    if (role == Role::Spectator && !room->settings.allowSpectators) {
        refuse(s, id, ErrorCode::SpectatorsNotAllowed,
               QStringLiteral("This room does not allow spectators."));
        return;
    }
    // After the password: only someone who may come in learns who is inside. The identity's
    // own waiting request does not count (a new request replaces it); its own seat was handled
    // above (rejoin), so resuming is never refused for the name.
    if (const QString taken = room->nameClash(displayName, s->participantId); !taken.isEmpty()) {
        refuse(s, id, ErrorCode::NameTaken,
               QStringLiteral("Someone in this room is already called “%1”; pick "
                              "another name.")
                   .arg(taken),
               {{QLatin1String("name"), taken}});
        return;
    }
    if (role == Role::Member && room->seatsTaken() >= room->capacity) {
        // "spectators": whether joining as a spectator instead would get in, so that a client
        // can offer to watch.
        const bool spectators =
            room->settings.allowSpectators && room->spectatorCount() < maxSpectators;
        refuse(
            s, id, ErrorCode::RoomFull,
            QStringLiteral("The room is full (%1/%2).").arg(room->seatsTaken()).arg(room->capacity),
            {{QLatin1String("spectators"), spectators}});
        return;
    }
    if (role == Role::Spectator && room->spectatorCount() >= maxSpectators) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("The room has as many spectators as it can take (%1).")
                   .arg(maxSpectators));
        return;
    }
    if (room->settings.approvalRequired && room->waiting.size() >= maxWaiting) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("Too many people are waiting to join; try again later."));
        return;
    }
    if (room->settings.approvalRequired) {
        // A second request from the same identity replaces the first.
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].participantId == s->participantId) {
                PendingJoin old = room->waiting.takeAt(i);
                answerWaiting(old, Frames::error(old.requestId, ErrorCode::JoinDenied,
                                                 QStringLiteral("Replaced by a newer request.")));
            }
        }
        PendingJoin pending{
            s->participantId, displayName, role, s, id, now + l.graceSeconds * 1000LL};
        room->waiting.append(pending);
        if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
            s->roomIds.push_back(room->id);
        s->send(Frames::notice(room->code, QLatin1String("join_pending"), {}));
        noticeJoinRequest(*room, pending);
        return;
    }
    admit(room, s, id, displayName, role);
}

void RoomServerPrivate::opLeaveRoom(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    removeParticipant(m->room, m->self->id, QLatin1String("left"), {}, {}, answerEmpty(s, id));
}

void RoomServerPrivate::opSendChat(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    const Limits &l = config.limits;
    const QJsonValue textValue = req.value(QLatin1String("text"));
    if (!textValue.isString()) {
        badRequest(s, id, QStringLiteral("\"text\" must be a string."));
        return;
    }
    const QString text = textValue.toString();
    const auto verdict = TextRules::checkChat(text, l.maxChatLength);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "message", l.maxChatLength));
        return;
    }
    QString clientMsgId;
    const QJsonValue clientMsgIdValue = req.value(QLatin1String("clientMsgId"));
    if (!clientMsgIdValue.isUndefined()) {
        clientMsgId = clientMsgIdValue.toString();
        if (!clientMsgIdValue.isString() || clientMsgId.isEmpty() ||
            clientMsgId.size() > maxClientMsgIdLength) {
            badRequest(s, id, QStringLiteral("\"clientMsgId\" must be 1 to 64 characters."));
            return;
        }
        if (const auto seq = m->room->sentMessage(m->self->id, clientMsgId)) {
            // Already stored (or being stored): answer once the first one is durable.
            const QByteArray answer = Frames::result(
                id, {{QLatin1String("seq"), *seq}, {QLatin1String("duplicate"), true}});
            afterPending([answer, session = QPointer<Session>(s)] {
                if (session)
                    session->send(answer);
            });
            return;
        }
    }
    qint64 retryAfter = 0;
    if (!s->chat.take(nowMs(), &retryAfter)) {
        refuse(s, id, ErrorCode::RateLimited, QStringLiteral("You are sending too fast."),
               {{QLatin1String("retryAfterMs"), retryAfter}});
        return;
    }
    // {"author", "clientMsgId" (when given), "name", "text"}, in QJsonDocument's key order.
    QByteArray data;
    data.reserve(text.size() + m->self->name.size() + 128);
    data += "{\"author\":";
    JsonWrite::string(data, m->self->id);
    if (!clientMsgId.isEmpty()) {
        data += ",\"clientMsgId\":";
        JsonWrite::string(data, clientMsgId);
    }
    data += ",\"name\":";
    JsonWrite::string(data, m->self->name);
    data += ",\"text\":";
    JsonWrite::string(data, text);
    data += '}';
    const qint64 seq = emitEventRaw(
        m->room, QLatin1String("chat"), data, {},
        [this, session = QPointer<Session>(s), id](bool ok, qint64 storedSeq, qint64 ts) {
            if (!session)
                return;
            if (ok)
                reply(session, id, {{QLatin1String("seq"), storedSeq}, {QLatin1String("ts"), ts}});
            else
                refuse(session, id, ErrorCode::StorageError,
                       QStringLiteral("The server could not store your message."));
        },
        {}, m->self->id, clientMsgId);
    ++m->room->stats.messages;
    if (!clientMsgId.isEmpty())
        m->room->rememberMessage(m->self->id, clientMsgId, seq);
}

void RoomServerPrivate::opHistory(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    auto integer = [&](const char *key, qint64 min, qint64 max, qint64 fallback,
                       qint64 *out) -> bool {
        const QJsonValue v = req.value(QLatin1String(key));
        if (v.isUndefined()) {
            *out = fallback;
            return true;
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < double(min) || d > double(max) || d != double(qint64(d)))
            return badRequest(s, id,
                              QStringLiteral("\"%1\" must be a whole number from %2 to %3.")
                                  .arg(QLatin1String(key))
                                  .arg(min)
                                  .arg(max));
        *out = qint64(d);
        return true;
    };
    qint64 before = -1, after = -1, limit = 100;
    const qint64 maxSeq = 9007199254740991LL;
    if (!integer("before", 1, maxSeq, -1, &before) || !integer("after", 0, maxSeq, -1, &after) ||
        !integer("limit", 1, config.limits.historyPageMax,
                 std::min<qint64>(100, config.limits.historyPageMax), &limit))
        return;
    if (before > 0 && after >= 0 && before <= after + 1) {
        badRequest(s, id, QStringLiteral("\"before\" must be above \"after\" + 1."));
        return;
    }
    auto page = std::make_shared<std::optional<HistoryPage>>();
    const qint64 roomId = m->room->id;
    const qint64 lastSeq = m->room->lastSeq;
    commits->submit(
        [page, roomId, before, after, limit](Storage &st) {
            *page = st.history(roomId, before, after, int(limit));
            return page->has_value();
        },
        [this, page, lastSeq, after, session = QPointer<Session>(s), id](bool ok) {
            if (!session)
                return;
            if (!ok || !*page) {
                refuse(session, id, ErrorCode::StorageError,
                       QStringLiteral("The server could not read the history."));
                return;
            }
            // Stored events are already JSON: splice them in rather than parse them again.
            QByteArray result = "{\"events\":[";
            for (qsizetype i = 0; i < (*page)->bodies.size(); ++i) {
                if (i)
                    result += ',';
                result += (*page)->bodies[i];
            }
            result += "],\"hasMore\":" + QByteArray((*page)->hasMore ? "true" : "false") +
                      ",\"firstSeq\":" + QByteArray::number((*page)->firstSeq) +
                      ",\"lastSeq\":" + QByteArray::number(lastSeq);
            // Asked to resume from before the oldest stored event: say how much is gone.
            const qint64 firstSeq = (*page)->firstSeq ? (*page)->firstSeq : lastSeq + 1;
            if (after >= 0 && after + 1 < firstSeq)
                result += ",\"missing\":" + QByteArray::number(firstSeq - after - 1);
            result += '}';
            session->consecutiveRefusals = 0;
            session->send(Frames::resultRaw(id, result));
        });
}

void RoomServerPrivate::opSetStatus(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    const QJsonValue statusValue = req.value(QLatin1String("status"));
    const auto update =
        statusValue.isObject() ? StatusFlags::parseUpdate(statusValue.toObject()) : std::nullopt;
    if (!update) {
        badRequest(s, id,
                   QStringLiteral("\"status\" must be an object of ready, away, muted, camera, "
                                  "screen: true or false."));
        return;
    }
    Participant *p = m->self;
    const quint8 changed = quint8((p->status.bits ^ update->values) & update->mask);
    if (!changed) {
        reply(s, id, {});
        return;
    }
    p->status.bits = quint8((p->status.bits & ~update->mask) | (update->values & update->mask));
    const StoredParticipant stored = p->toStored();
    const qint64 roomId = m->room->id;
    emitEvent(
        m->room, QLatin1String("participant_updated"),
        {{QLatin1String("participant"), p->id},
         {QLatin1String("status"), p->status.toJson(changed)}},
        [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); },
        answerEmpty(s, id));
}

void RoomServerPrivate::opRoomInfo(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    QJsonObject result{{QLatin1String("room"), m->room->toJson()}};
    if (m->self->role == Role::Host)
        result.insert(QLatin1String("stats"), m->room->statsJson());
    reply(s, id, result);
}

void RoomServerPrivate::opUpdateSettings(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    Room &room = *m->room;
    const Limits &l = config.limits;
    QString name = room.name;
    if (req.contains(QLatin1String("name"))) {
        const auto verdict = TextRules::checkName(req.value(QLatin1String("name")).toString(),
                                                  l.maxRoomNameLength, &name);
        if (verdict != TextRules::Verdict::Ok) {
            refuse(s, id, verdictCode(verdict),
                   verdictText(verdict, "room name", l.maxRoomNameLength));
            return;
        }
    }
    int capacity = room.capacity;
    if (req.contains(QLatin1String("capacity"))) {
        const QJsonValue v = req.value(QLatin1String("capacity"));
        const double c = v.toDouble(-1);
        const int floor = std::max(1, room.seatsTaken());
        if (!v.isDouble() || c < floor || c > l.capacityMax || c != double(int(c))) {
            badRequest(s, id,
                       QStringLiteral("\"capacity\" must be a whole number from %1 (the seats "
                                      "taken) to %2.")
                           .arg(floor)
                           .arg(l.capacityMax));
            return;
        }
        capacity = int(c);
    }
    RoomSettings settings = room.settings;
    if (!parseSettings(s, id, req, &settings, true))
        return;
    room.name = name;
    room.capacity = capacity;
    room.settings = settings;
    emitRoomUpdated(m->room, answerEmpty(s, id));
}

void RoomServerPrivate::opSetState(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    const auto target = roomStateFromName(req.value(QLatin1String("state")).toString());
    if (!target || *target == RoomState::Waiting) {
        badRequest(s, id, QStringLiteral("\"state\" must be \"active\" or \"finished\"."));
        return;
    }
    Room &room = *m->room;
    const bool allowed = (room.state == RoomState::Waiting && *target != RoomState::Waiting) ||
                         (room.state == RoomState::Active && *target == RoomState::Finished);
    if (!allowed) {
        refuse(s, id, ErrorCode::InvalidTransition,
               QStringLiteral("A room cannot go from %1 to %2.")
                   .arg(roomStateName(room.state), roomStateName(*target)));
        return;
    }
    room.state = *target;
    emitRoomUpdated(m->room, answerEmpty(s, id));
}

namespace {
// The "participant" argument of host operations; nullopt (after a bad_request) if not a string.
std::optional<QString> participantArg(RoomServerPrivate *d, Session *s, qint64 id,
                                      const QJsonObject &req)
{
    const QJsonValue v = req.value(QLatin1String("participant"));
    if (!v.isString()) {
        d->badRequest(s, id, QStringLiteral("\"participant\" must be a participant id."));
        return std::nullopt;
    }
    return v.toString();
}
} // namespace

void RoomServerPrivate::opHostAction(Session *s, qint64 id, const QJsonObject &req)
{
    // Only the names of HostAction are dispatched here.
    const auto action = hostActionFromName(req.value(QLatin1String("type")).toString());
    if (!action) {
        refuse(s, id, ErrorCode::InternalError, QStringLiteral("Not a host action."));
        return;
    }
    const auto m = host(s, id, req);
    if (!m)
        return;
    const auto target = participantArg(this, s, id, req);
    if (!target)
        return;
    switch (*action) {
    case HostAction::Admit:
        return admitWaiting(s, id, *m, *target);
    case HostAction::Deny:
        return denyWaiting(s, id, *m, *target);
    case HostAction::Kick:
        return kick(s, id, *m, *target);
    case HostAction::Ban:
        return ban(s, id, *m, *target);
    case HostAction::TransferHost:
        return transferHost(s, id, *m, *target);
    }
}

void RoomServerPrivate::admitWaiting(Session *s, qint64 id, const Member &m, const QString &target)
{
    Room &room = *m.room;
    for (qsizetype i = 0; i < room.waiting.size(); ++i) {
        if (room.waiting[i].participantId != target || !room.waiting[i].session)
            continue;
        if (room.waiting[i].role == Role::Member && room.seatsTaken() >= room.capacity) {
            refuse(s, id, ErrorCode::RoomFull,
                   QStringLiteral("The room is full; raise the capacity first."));
            return;
        }
        const PendingJoin pending = room.waiting.takeAt(i);
        admit(m.room, pending.session, pending.requestId, pending.name, pending.role,
              [this, session = QPointer<Session>(s), id] {
                  if (session)
                      reply(session, id, {});
              });
        return;
    }
    refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("Nobody with that id waits."));
}

void RoomServerPrivate::denyWaiting(Session *s, qint64 id, const Member &m, const QString &target)
{
    Room &room = *m.room;
    for (qsizetype i = 0; i < room.waiting.size(); ++i) {
        if (room.waiting[i].participantId != target)
            continue;
        PendingJoin pending = room.waiting.takeAt(i);
        answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::JoinDenied,
                                             QStringLiteral("The host did not let you in.")));
        reply(s, id, {});
        return;
    }
    refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("Nobody with that id waits."));
}

void RoomServerPrivate::kick(Session *s, qint64 id, const Member &m, const QString &target)
{
    if (target == m.self->id) {
        badRequest(s, id, QStringLiteral("You cannot kick yourself; leave instead."));
        return;
    }
    if (!m.room->find(target)) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    ++m.room->stats.kicks;
    removeParticipant(m.room, target, QLatin1String("kicked"), m.self->id, {}, answerEmpty(s, id));
}

void RoomServerPrivate::ban(Session *s, qint64 id, const Member &m, const QString &target)
{
    if (target == m.self->id) {
        badRequest(s, id, QStringLiteral("You cannot ban yourself."));
        return;
    }
    Room &room = *m.room;
    bool waiting = false;
    for (qsizetype i = room.waiting.size() - 1; i >= 0; --i) {
        if (room.waiting[i].participantId == target) {
            PendingJoin pending = room.waiting.takeAt(i);
            answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::Banned,
                                                 QStringLiteral("You are banned from this room.")));
            waiting = true;
        }
    }
    const bool present = room.find(target) != nullptr;
    if (!present && !waiting) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    room.bans.insert(target);
    ++room.stats.bans;
    const qint64 roomId = room.id;
    const StoredBan stored{target, m.self->id, nowMs()};
    Writes writeBan = [roomId, stored](Storage &st) { return st.saveBan(roomId, stored); };
    auto done = answerEmpty(s, id);
    if (present) {
        removeParticipant(m.room, target, QLatin1String("banned"), m.self->id, std::move(writeBan),
                          done);
    } else {
        commits->submit(std::move(writeBan), [done](bool ok) { done(ok, 0, 0); });
    }
}

void RoomServerPrivate::transferHost(Session *s, qint64 id, const Member &m, const QString &target)
{
    Participant *next = m.room->find(target);
    if (!next) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    if (next == m.self || next->role != Role::Member) {
        badRequest(s, id, QStringLiteral("The host role can go to another member only."));
        return;
    }
    Room &room = *m.room;
    m.self->role = Role::Member;
    next->role = Role::Host;
    room.hostId = next->id;
    const StoredRoom storedRoom = room.toStored();
    const StoredParticipant a = m.self->toStored(), b = next->toStored();
    const qint64 roomId = room.id;
    emitEvent(
        m.room, QLatin1String("host_changed"),
        {{QLatin1String("from"), m.self->id},
         {QLatin1String("to"), next->id},
         {QLatin1String("reason"), QLatin1String("transferred")}},
        [storedRoom, a, b, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, a) &&
                   st.saveParticipant(roomId, b);
        },
        answerEmpty(s, id));
    for (const PendingJoin &pending : std::as_const(room.waiting))
        noticeJoinRequest(room, pending);
}

void RoomServerPrivate::opCloseRoom(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    qCInfo(lcServer) << "room" << m->room->code << "closed by its host";
    closeRoom(m->room, QLatin1String("closed"), answerEmpty(s, id));
}

// ---------------------------------------------------------------------------------------------

RoomServer::RoomServer(ServerConfig config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<RoomServerPrivate>(this, std::move(config)))
{}

RoomServer::~RoomServer()
{
    if (d->commits && !d->stopped) {
        d->stopping = true;
        d->commits->flush();
        d->commits->stop();
    }
}

bool RoomServer::start()
{
    return d->start();
}

void RoomServer::stop()
{
    if (!d->commits) {
        Q_EMIT stopped();
        return;
    }
    d->stop();
}

bool RoomServer::isListening() const
{
    return d->tcp.isListening();
}

quint16 RoomServer::port() const
{
    return d->tcp.serverPort();
}

QUrl RoomServer::url() const
{
    QHostAddress address = d->tcp.serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(address.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

QString RoomServer::errorString() const
{
    return d->error;
}

const ServerConfig &RoomServer::config() const
{
    return d->config;
}

int RoomServer::connectionCount() const
{
    return int(d->sessions.size());
}

int RoomServer::roomCount() const
{
    return d->rooms.size();
}

QList<RoomServer::RoomListing> RoomServer::liveRooms() const
{
    QList<RoomListing> result;
    result.reserve(d->rooms.size());
    for (const auto &room : d->rooms.rooms()) {
        RoomListing listing;
        listing.code = room->code;
        listing.name = room->name;
        if (const Participant *host = room->find(room->hostId))
            listing.hostName = host->name;
        listing.members = room->seatsTaken();
        listing.capacity = room->capacity;
        listing.isPublic = room->settings.isPublic;
        listing.locked = room->settings.locked;
        listing.hasPassword = room->hasPassword();
        result.append(listing);
    }
    return result;
}
