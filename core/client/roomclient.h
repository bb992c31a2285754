#pragma once

#include "protocol/identity.h"
#include "roomtypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QUrl>

#include <functional>
#include <map>

class QTimer;
class QWebSocket;

Q_DECLARE_LOGGING_CATEGORY(lcClient)

namespace Client {

// Arguments of create_room.
struct CreateRoomArgs {
    QString name;
    QString displayName;
    int capacity = 10;
    RoomSettings settings; // `password` is ignored here: see below
    QString password;      // empty: none
};

// Arguments of join_room. `code` may be typed loosely ("xj9-k2m"); the server normalizes it.
struct JoinRoomArgs {
    QString code;
    QString displayName;
    Role role = Role::Member; // Member or Spectator
    QString password;
};

// Arguments of update_settings: only what is set is sent.
struct SettingsChange {
    std::optional<QString> name;
    std::optional<int> capacity;
    std::optional<bool> spectators;
    std::optional<bool> approval;
    std::optional<bool> locked;
    std::optional<bool> isPublic;
    std::optional<QString> password; // "" removes it
};

// The host operations that name one participant.
enum class HostAction { Admit, Deny, Kick, Ban, TransferHost };

} // namespace Client

// A client of one room server over one WebSocket, speaking protocol v1 (docs/protocol.md).
//
// open() connects and says hello; every operation then takes a callback that runs exactly once
// with a typed result or a Client::RequestError (the server's code, or a lost connection, or a
// timeout). Room events and notices come out as signals, in seq order per room, without duplicates.
//
// It keeps, per room, the last seq it delivered and gives chat messages a clientMsgId, so that
// resuming after a reconnect (fetch history after lastSeq(), resend unacknowledged chat with
// the same clientMsgId) can be layered on top without changing this class's contract.
//
// Usable from plain C++ (tests, the headless host) as well as behind the QML models.
class RoomClient : public QObject
{
    Q_OBJECT
    // Where the connection is: Disconnected → Connecting (socket, handshake, hello) →
    // Connected (hello answered) → Joined (a member of at least one room).
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    // Your participant id on this server (from the hello reply); empty before.
    Q_PROPERTY(QString participantId READ participantId NOTIFY stateChanged)
    // The server's address as given to open().
    Q_PROPERTY(QUrl url READ url NOTIFY urlChanged)
    // Why the last connection ended or failed, in plain words; empty while all is well.
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)

public:
    enum class State { Disconnected, Connecting, Connected, Joined };
    Q_ENUM(State)

    template <typename T> using Callback = std::function<void(const Client::Result<T> &)>;

    explicit RoomClient(QObject *parent = nullptr);
    ~RoomClient() override;

    // Who to say we are. Must be set (well formed) before open().
    void setIdentity(const Identity &identity);
    const Identity &identity() const { return m_identity; }

    // How long to wait for a reply before failing it with Client::RequestError::Kind::Timeout.
    // join_room waits longer on its own: the host may take until graceSeconds to admit.
    void setRequestTimeout(int milliseconds) { m_requestTimeoutMs = milliseconds; }

    // Connects to ws://host:port/ and says hello. ready() follows on success,
    // connectionFailed() otherwise. Closes any previous connection first.
    void open(const QUrl &url);
    // Closes the connection normally (close code 1000). Pending requests fail with
    // ConnectionLost.
    void close();

    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    QString participantId() const { return m_participantId; }
    QString serverName() const { return m_serverName; }
    const Limits &limits() const { return m_limits; }
    QString errorString() const { return m_errorString; }
    int lastCloseCode() const { return m_lastCloseCode; }

    // The rooms this connection is a member of, and the last seq delivered per room (kept
    // after the connection ends, for resuming).
    QStringList rooms() const { return m_joined.values(); }
    qint64 lastSeq(const QString &room) const { return m_lastSeq.value(room, 0); }

    // Operations. Each callback runs once on this object's thread, later (never inside the
    // call), unless `context` is destroyed first.
    void createRoom(const Client::CreateRoomArgs &args, QObject *context,
                    Callback<Client::RoomSnapshot> done);
    void joinRoom(const Client::JoinRoomArgs &args, QObject *context,
                  Callback<Client::RoomSnapshot> done);
    void leaveRoom(const QString &room, QObject *context, Callback<Client::Done> done);
    // Returns the clientMsgId used (a fresh one when `clientMsgId` is empty).
    QString sendChat(const QString &room, const QString &text, QObject *context,
                     Callback<Client::ChatAck> done, const QString &clientMsgId = {});
    // The newest page before `before` (0: the newest page of all), or the oldest after `after`.
    void history(const QString &room, qint64 before, qint64 after, int limit, QObject *context,
                 Callback<Client::HistoryPage> done);
    void setStatus(const QString &room, StatusFlags::Update update, QObject *context,
                   Callback<Client::Done> done);
    void roomInfo(const QString &room, QObject *context, Callback<Client::RoomInfoResult> done);
    void updateSettings(const QString &room, const Client::SettingsChange &change, QObject *context,
                        Callback<Client::Done> done);
    void setRoomState(const QString &room, Client::RoomState state, QObject *context,
                      Callback<Client::Done> done);
    void hostAction(const QString &room, Client::HostAction action, const QString &participant,
                    QObject *context, Callback<Client::Done> done);
    void closeRoom(const QString &room, QObject *context, Callback<Client::Done> done);
    // The server's clock in ms since the epoch.
    void ping(QObject *context, Callback<qint64> done);

    // Any request by name, for operations newer than this class. Returns the request id.
    using RawCallback = std::function<void(const Client::Result<QJsonObject> &)>;
    qint64 request(const QString &type, const QJsonObject &args, QObject *context, RawCallback done,
                   int timeoutMs = -1);

Q_SIGNALS:
    void stateChanged(RoomClient::State state);
    void urlChanged();
    // hello was answered: participantId() and limits() are known.
    void ready();
    // open() did not lead to a usable connection (unreachable, refused hello, ...).
    void connectionFailed(const QString &message);
    // An established connection ended (also after close()). `closeCode` is the WebSocket close
    // code (1001: server shutting down; 4001: replaced by another connection of ours).
    void connectionClosed(int closeCode, const QString &reason);
    // A room event, in seq order, each seq once. Also delivered for your own actions.
    void eventReceived(const Client::RoomEvent &event);
    void noticeReceived(const Client::Notice &notice);
    // This connection is no longer a member of `room`. `reason` is the protocol's word: left,
    // kicked, banned, timed_out, closed, expired.
    void roomLeft(const QString &room, const QString &reason);
    // Events of `room` skipped from `expected` to `received` (should not happen on one
    // connection; resuming code fills the gap from history).
    void sequenceGap(const QString &room, qint64 expected, qint64 received);

private:
    struct Pending {
        QString type;
        QPointer<QObject> context;
        bool hasContext = false;
        RawCallback done;
        qint64 deadline = 0; // m_clock ms
        QString room;        // for join_room / create_room: the code asked for (may be empty)
    };

    void attachSocket();
    void setState(State state);
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &message);
    void onReply(const QJsonObject &object);
    void onEvent(const QJsonObject &object);
    void deliverEvent(const Client::RoomEvent &event);
    void flushBufferedEvents(const QString &room);
    void checkTimeouts();
    void sendHeartbeat();
    void failAll(Client::RequestError::Kind kind);
    void finish(Pending pending, const Client::Result<QJsonObject> &result);
    void noteJoined(const Client::RoomSnapshot &snapshot);
    void noteLeft(const QString &room, const QString &reason);
    void updateJoinedState();
    template <typename T>
    void typedRequest(const QString &type, const QJsonObject &args, QObject *context,
                      Callback<T> done, std::function<std::optional<T>(const QJsonObject &)> parse,
                      int timeoutMs = -1);
    void joinLike(const QString &type, const QJsonObject &args, QObject *context,
                  Callback<Client::RoomSnapshot> done);

    QWebSocket *m_socket = nullptr;
    QTimer *m_timeoutTimer = nullptr;
    QTimer *m_heartbeatTimer = nullptr;
    QElapsedTimer m_clock;
    qint64 m_lastHeard = 0; // m_clock ms of the last frame or pong from the server

    Identity m_identity;
    QUrl m_url;
    State m_state = State::Disconnected;
    QString m_participantId;
    QString m_serverName;
    QString m_errorString;
    Limits m_limits;
    int m_lastCloseCode = 0;
    bool m_helloDone = false;
    int m_requestTimeoutMs = 15000;

    qint64 m_nextId = 1;
    std::map<qint64, Pending> m_pending; // ordered: timeouts are checked in id order
    int m_pendingJoins = 0;

    QSet<QString> m_joined;
    QHash<QString, qint64> m_lastSeq;
    // Events of rooms we are joining, which may arrive before the join's reply is read.
    QList<Client::RoomEvent> m_buffered;

    quint64 m_clientMsgCounter = 0;
    QString m_clientMsgPrefix; // random per client object, so ids differ across restarts
};
