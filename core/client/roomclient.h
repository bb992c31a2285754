#pragma once

#include "chatoutbox.h"
#include "eventsequencer.h"
#include "protocol/identity.h"
#include "protocol/replies.h"
#include "protocol/requests.h"
#include "reconnectpolicy.h"
#include "requesttable.h"
#include "roomtypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QMap>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QUrl>

#include <functional>

class QSslError;
class QTimer;
class QWebSocket;

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

} // namespace Client

// A client of one room server over one WebSocket, speaking protocol v2 (docs/protocol.md).
//
// Over wss:// the host's certificate is self-signed: nobody vouches for it but the fingerprint
// the caller expects (setExpectedFingerprint(): from the room code's discovery answer, a
// hearth:// link or a pin). A certificate with another fingerprint ends the attempt with
// certificateMismatch(); with no expectation, any certificate is accepted and reported
// (peerFingerprint()) for the caller to pin: trust on first use. hello then proves the identity
// with a secret derived for this host (HostSecret), never the identity's own secret.
//
// open() connects and says hello; every operation then takes a callback that runs exactly once
// with a typed result or a Client::RequestError (the server's code, or a lost connection, or a
// timeout). Room events and notices come out as signals, in seq order per room, without duplicates.
//
// It keeps, per room, the last seq it delivered and gives chat messages a clientMsgId. With
// setAutoReconnect(true) (the desktop app), a connection that is lost is opened again by itself
// (ReconnectPolicy: exponential backoff with jitter, for as long as it takes) and every room is
// resumed: join_room with "resume" takes back the seat, the events after lastSeq() are fetched
// from history and delivered before the live ones, so that eventReceived() goes on in seq order
// with neither gap nor duplicate, as if nothing had happened (docs/protocol.md, "Reconnect and
// resume"). Chat messages wait in an outbox until acknowledged and are resent, with the same
// clientMsgId, after a reconnect.
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
    // While Reconnecting: the number of the attempt under way or next (1, 2, ...); else 0.
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectAttemptChanged)
    // Chat messages sent but not acknowledged yet (kept and resent after a reconnect).
    Q_PROPERTY(int unsentMessages READ unsentMessages NOTIFY unsentMessagesChanged)
    // The SHA-256 fingerprint of the certificate this connection (wss://) was made with; empty
    // over ws:// and before the TLS handshake. Kept after the connection ends.
    Q_PROPERTY(QByteArray peerFingerprint READ peerFingerprint NOTIFY peerFingerprintChanged)

public:
    // Reconnecting: an established connection was lost and the client is getting it back
    // (waiting for the next attempt, connecting, or resuming its rooms).
    enum class State { Disconnected, Connecting, Connected, Joined, Reconnecting };
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

    // Reconnect by itself after a lost connection and resume the rooms (off by default).
    void setAutoReconnect(bool on) { m_autoReconnect = on; }
    bool autoReconnect() const { return m_autoReconnect; }
    void setReconnectPolicy(const ReconnectPolicy &policy) { m_policy = policy; }
    const ReconnectPolicy &reconnectPolicy() const { return m_policy; }

    // The fingerprint (Fingerprint::of) a wss:// host's certificate must have; empty: accept
    // any and report it (peerFingerprint()), the caller pins it. Applies to the next open()
    // and to every reconnect after it. Ignored over ws://.
    void setExpectedFingerprint(const QByteArray &fingerprint)
    {
        m_expectedFingerprint = fingerprint;
    }
    QByteArray expectedFingerprint() const { return m_expectedFingerprint; }
    QByteArray peerFingerprint() const { return m_peerFingerprint; }
    // "The host at HOST:PORT shows the certificate words … but … were expected …": what
    // errorString() says after certificateMismatch().
    static QString certificateMismatchText(const QString &where, const QByteArray &expected,
                                           const QByteArray &actual);

    // Connects to ws://host:port/ or wss://host:port/ and says hello. ready() follows on success,
    // connectionFailed() otherwise. Closes any previous connection first (and forgets its
    // rooms and unsent messages).
    void open(const QUrl &url);
    // Closes the connection normally (close code 1000) and stops reconnecting. Pending
    // requests and unsent messages fail with ConnectionLost.
    void close();
    // While Reconnecting, or Disconnected with rooms still to resume: try again now.
    void reconnectNow();
    // Breaks the connection as a pulled cable would (no close frame), for tests and benchmarks
    // of the reconnect path.
    void dropConnection();

    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    QString participantId() const { return m_participantId; }
    QString serverName() const { return m_serverName; }
    const Limits &limits() const { return m_limits; }
    QString errorString() const { return m_errorString; }
    int lastCloseCode() const { return m_lastCloseCode; }
    int reconnectAttempt() const { return m_attempt; }
    int unsentMessages() const { return m_outbox.size(); }
    // The texts of `room`'s unacknowledged messages, oldest first.
    QStringList unsentTexts(const QString &room) const { return m_outbox.texts(room); }
    // Rooms in which this client holds a seat, also while the connection is down (those a
    // reconnect resumes).
    QStringList seats() const { return m_seats.keys(); }

    // The rooms this connection is a member of, and the last seq delivered per room (kept
    // after the connection ends, for resuming).
    QStringList rooms() const { return m_joined.values(); }
    qint64 lastSeq(const QString &room) const { return m_sequencer.lastSeq(room); }

    // Operations. Each callback runs once on this object's thread, later (never inside the
    // call), unless `context` is destroyed first.
    void createRoom(const Client::CreateRoomArgs &args, QObject *context,
                    Callback<RoomSnapshot> done);
    void joinRoom(const Client::JoinRoomArgs &args, QObject *context, Callback<RoomSnapshot> done);
    void leaveRoom(const QString &room, QObject *context, Callback<Client::Done> done);
    // A fresh clientMsgId, for a caller that wants to know it before sendChat().
    QString newClientMsgId();
    // Returns the clientMsgId used (a fresh one when `clientMsgId` is empty). The message
    // waits in the outbox until the server acknowledges it; while the client reconnects it
    // stays there and is resent (same clientMsgId) once its room is resumed. `done` runs once:
    // acknowledged, refused by the server, or given up (the room was left, close()).
    QString sendChat(const QString &room, const QString &text, QObject *context,
                     Callback<ChatAck> done, const QString &clientMsgId = {});
    // The newest page before `before` (0: the newest page of all), or the oldest after `after`.
    void history(const QString &room, qint64 before, qint64 after, int limit, QObject *context,
                 Callback<HistoryPage> done);
    void setStatus(const QString &room, StatusFlags::Update update, QObject *context,
                   Callback<Client::Done> done);
    void roomInfo(const QString &room, QObject *context, Callback<RoomInfoResult> done);
    // Only what `change` names is sent (name, capacity, settings; a password of "" removes it).
    void updateSettings(const Requests::UpdateSettings &change, QObject *context,
                        Callback<Client::Done> done);
    void setRoomState(const QString &room, RoomState state, QObject *context,
                      Callback<Client::Done> done);
    void hostAction(const QString &room, HostAction action, const QString &participant,
                    QObject *context, Callback<Client::Done> done);
    void closeRoom(const QString &room, QObject *context, Callback<Client::Done> done);
    // The server's clock in ms since the epoch.
    void ping(QObject *context, Callback<qint64> done);

    // Any request, its result read as T (T::fromJson), for what the operations above do not
    // say (a history page after seq 0, a request newer than this class). Returns the id.
    template <typename T>
    qint64 request(const Request &request, QObject *context, Callback<T> done, int timeoutMs = -1)
    {
        return send(request, context,
                    Client::decodingCompletion<T>(std::move(done), requestTypeName(request)),
                    timeoutMs);
    }

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
    void eventReceived(const RoomEvent &event);
    void noticeReceived(const Notice &notice);
    // This connection is no longer a member of `room`. `reason` is the protocol's word: left,
    // kicked, banned, timed_out, closed, expired.
    void roomLeft(const QString &room, const QString &reason);
    // Events of `room` skipped from `expected` to `received` (should not happen: resuming
    // fills gaps from history, and trimmed history comes as historyMissing()).
    void sequenceGap(const QString &room, qint64 expected, qint64 received);
    // The connection was lost and attempt `attempt` follows in `delayMs`.
    void reconnecting(int attempt, int delayMs);
    void reconnectAttemptChanged();
    // `room` is back after a reconnect: the events it missed have been delivered (up to
    // snapshot.room.lastSeq) and `snapshot` is the room as of now; live events follow.
    void roomResumed(const RoomSnapshot &snapshot);
    // While resuming `room`, `count` events after `afterSeq` were no longer kept by the server
    // (trimmed history); the next event delivered is seq afterSeq + count + 1.
    void historyMissing(const QString &room, qint64 afterSeq, qint64 count);
    // Every room is resumed after a reconnect.
    void resumed();
    void unsentMessagesChanged();
    // The TLS handshake showed the host's certificate (wss:// only).
    void peerFingerprintChanged();
    // The host's certificate is not the one expected: the connection was aborted before
    // anything was sent, and connectionFailed() (or connectionClosed() while reconnecting)
    // follows; errorString() names both sets of words.
    void certificateMismatch(const QByteArray &expected, const QByteArray &actual);

private:
    // A room we hold a seat in, and what it takes to take it back.
    struct Seat {
        QString displayName;
        Role role = Role::Member;
        QString password;
    };
    // A room being resumed: join_room sent, then history fetched up to the snapshot.
    struct Resume {
        bool joined = false;
        RoomSnapshot snapshot;
    };

    qint64 send(const Request &request, QObject *context, RequestTable::Completion done,
                int timeoutMs = -1);
    void attachSocket();
    void connectSocket();
    void scheduleReconnect();
    void attemptReconnect();
    bool shouldReconnect(int closeCode) const;
    // Resuming after a reconnect (roomclientresume.cpp).
    void resumeRooms();
    void onResumeJoined(const QString &room, const Client::Result<RoomSnapshot> &result);
    void fetchMissed(const QString &room);
    void onMissedPage(const QString &room, qint64 target,
                      const Client::Result<HistoryPage> &result);
    void finishResume(const QString &room);
    void finishReconnect();
    void giveUpRoom(const QString &room, const QString &reason);
    void restartConnection(const QString &why);
    // Chat (roomclientchat.cpp).
    void transmitChat(quint64 serial);
    void onChatReply(quint64 serial, const Client::Result<ChatAck> &result);
    // Whether a send_chat that failed with `error` goes out again (now or later) rather than
    // failing for its sender.
    bool retryLater(const OutgoingChat &entry, const Client::RequestError &error);
    void resendOutbox(const QString &room);
    void failOutbox(const QString &room, const Client::RequestError &error); // room empty: all
    void abortSocket();
    // TLS (roomclienttls.cpp): the self-signed certificate is accepted only if its
    // fingerprint is the expected one (any, when none is expected).
    void onSslErrors(const QList<QSslError> &errors);
    // False (and the connection aborted) when `certificate`'s fingerprint is not acceptable.
    bool checkPeerFingerprint(const QByteArray &fingerprint);
    // At `connected`: a wss connection whose certificate raised no TLS error is checked too.
    bool verifyEstablishedCertificate();
    QByteArray effectiveExpectation() const;
    void setPeerFingerprint(const QByteArray &fingerprint);
    void setState(State state);
    void onConnected();
    void onHelloReply(const Client::Result<HelloResult> &result);
    void onDisconnected();
    void onTextMessage(const QString &message);
    void onReply(const Reply &reply);
    void onEvent(const RoomEvent &event);
    void deliverEvent(const RoomEvent &event);
    void flushBufferedEvents(const QString &room);
    void sendHeartbeat();
    void failAll(Client::RequestError::Kind kind);
    void noteJoined(const RoomSnapshot &snapshot, const Seat &seat);
    void noteLeft(const QString &room, const QString &reason);
    void updateJoinedState();
    // How long a join_room may wait: the host may take until graceSeconds to admit.
    int joinTimeoutMs() const;
    void joinLike(const Request &request, const Seat &seat, QObject *context,
                  Callback<RoomSnapshot> done);

    QWebSocket *m_socket = nullptr;
    QTimer *m_heartbeatTimer = nullptr;
    QElapsedTimer m_clock;
    qint64 m_lastHeard = 0; // m_clock ms of the last frame or pong from the server

    Identity m_identity;
    QUrl m_url;
    QByteArray m_expectedFingerprint;
    QByteArray m_peerFingerprint;
    // The certificate the first connection since open() met with no expectation: reconnects
    // must meet it again.
    QByteArray m_sessionFingerprint;
    bool m_certificateChecked = false; // for the current socket
    bool m_certificateRefused = false; // the current socket was aborted for its certificate
    State m_state = State::Disconnected;
    QString m_participantId;
    QString m_serverName;
    QString m_errorString;
    Limits m_limits;
    int m_lastCloseCode = 0;
    bool m_helloDone = false;
    int m_requestTimeoutMs = 15000;

    qint64 m_nextId = 1;
    RequestTable *m_requests = nullptr;

    QSet<QString> m_joined;
    // The last seq per room, and the events of rooms we are joining or resuming, which may
    // arrive before the join's reply is read (or before the missed events are fetched).
    EventSequencer m_sequencer;

    // Reconnecting.
    bool m_autoReconnect = false;
    bool m_stayConnected = false;  // open() was called and close() was not
    bool m_connectionEnded = true; // onDisconnected() ran for the current socket
    int m_attempt = 0;
    ReconnectPolicy m_policy;
    QTimer *m_reconnectTimer = nullptr;
    QMap<QString, Seat> m_seats; // kept while the connection is down
    QHash<QString, Resume> m_resuming;

    ChatOutbox m_outbox;

    quint64 m_clientMsgCounter = 0;
    QString m_clientMsgPrefix; // random per client object, so ids differ across restarts
};
