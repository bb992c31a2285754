#include "roomclient.h"

#include "protocol/protocol.h"
#include "security/fingerprint.h"
#include "security/hostsecret.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>
#include <QtNetwork/QSslError>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;
using namespace Client;

namespace {

// Replies and events may be much larger than what a client may send (a history page of 200
// long messages), so the incoming limit is generous; it only guards against a broken peer.
constexpr qint64 MaxIncomingBytes = 16 * 1024 * 1024;

// How long the TCP connect, the TLS and WebSocket handshakes and hello may take.
constexpr int ConnectTimeoutMs = 10000;

} // namespace

RoomClient::RoomClient(QObject *parent)
    : QObject(parent)
    , m_heartbeatTimer(new QTimer(this))
    , m_requests(new RequestTable(this))
    , m_reconnectTimer(new QTimer(this))
{
    m_clock.start();
    QByteArray raw(6, Qt::Uninitialized);
    QRandomGenerator::global()->generate(raw.begin(), raw.end());
    m_clientMsgPrefix = QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding));

    attachSocket();
    connect(m_requests, &RequestTable::finished, this, [this] {
        // Once no join is in flight, held events belong to no room of ours (unless to one
        // being resumed).
        if (m_requests->joinsInFlight() == 0)
            m_sequencer.dropHeldUnless(
                [this](const QString &room) { return m_resuming.contains(room); });
    });
    connect(m_heartbeatTimer, &QTimer::timeout, this, &RoomClient::sendHeartbeat);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &RoomClient::attemptReconnect);
}

void RoomClient::attachSocket()
{
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(MaxIncomingBytes);
    m_socket->setMaxAllowedIncomingFrameSize(MaxIncomingBytes);
    connect(m_socket, &QWebSocket::connected, this, &RoomClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &RoomClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &RoomClient::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this,
            [] { qCWarning(lcClient) << "binary frame from the server ignored"; });
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeard = m_clock.elapsed(); });
    connect(m_socket, &QWebSocket::sslErrors, this, &RoomClient::onSslErrors);
    // Qt 6.4 names the signal error() (errorOccurred() arrives in 6.5).
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError error) {
                qCInfo(lcClient) << "socket error" << error << m_socket->errorString();
                if (m_certificateRefused)
                    return; // errorString() already says why
                if (error == QAbstractSocket::SslHandshakeFailedError ||
                    error == QAbstractSocket::SslInternalError ||
                    error == QAbstractSocket::SslInvalidUserDataError)
                    m_errorString =
                        tr("No secure connection with the host at %1: it does not speak TLS "
                           "(an older Hearth, or not Hearth at all?). (%2)")
                            .arg(m_url.authority(), m_socket->errorString());
                else
                    m_errorString = m_socket->errorString();
            });
}

RoomClient::~RoomClient()
{
    // No callbacks from a half-destroyed object: drop them silently.
    m_requests->clear();
    m_socket->disconnect(this);
    m_socket->abort();
}

void RoomClient::setIdentity(const Identity &identity)
{
    m_identity = identity;
}

void RoomClient::open(const QUrl &url)
{
    m_reconnectTimer->stop();
    if (m_attempt != 0) {
        m_attempt = 0;
        Q_EMIT reconnectAttemptChanged();
    }
    // A new start: the rooms and messages of an earlier connection are not ours to resume.
    m_seats.clear();
    m_resuming.clear();
    failOutbox({}, localError(RequestError::Kind::ConnectionLost, tr("Connection lost.")));
    if (m_state != State::Disconnected) {
        m_connectionEnded = true; // what the old socket says from now on is not news
        m_socket->disconnect(this);
        m_socket->abort();
        m_heartbeatTimer->stop();
        m_joined.clear();
        m_sequencer.dropAllHeld();
        setState(State::Disconnected);
        failAll(RequestError::Kind::ConnectionLost);
    }
    if (url != m_url) {
        m_url = url;
        Q_EMIT urlChanged();
    }
    m_errorString.clear();
    m_lastCloseCode = 0;
    m_helloDone = false;
    m_participantId.clear();
    m_stayConnected = false;
    m_sessionFingerprint.clear();
    setPeerFingerprint({});
    if (!m_identity.isWellFormed()) {
        m_errorString = tr("No valid identity to connect with.");
        qCWarning(lcClient) << "open() without a well-formed identity";
        QTimer::singleShot(0, this,
                           [this, message = m_errorString] { Q_EMIT connectionFailed(message); });
        return;
    }
    if (url.scheme() != "ws"_L1 && url.scheme() != "wss"_L1) {
        m_errorString = tr("Not a Hearth address: %1").arg(url.toDisplayString());
        QTimer::singleShot(0, this,
                           [this, message = m_errorString] { Q_EMIT connectionFailed(message); });
        return;
    }
    qCInfo(lcClient) << "connecting to" << url.toDisplayString();
    m_stayConnected = true;
    setState(State::Connecting);
    connectSocket();
}

void RoomClient::connectSocket()
{
    // Always a fresh socket: the old one may still emit from inside abort().
    QWebSocket *old = m_socket;
    old->disconnect(this);
    old->abort();
    old->deleteLater();
    attachSocket();
    m_helloDone = false;
    m_connectionEnded = false;
    m_certificateChecked = false;
    m_certificateRefused = false;
    m_socket->open(m_url);
    // Something that accepts TCP but never answers the handshake (or hello) must not leave the
    // lobby spinning forever, nor stall a reconnect.
    QTimer::singleShot(ConnectTimeoutMs, m_socket, [this, socket = m_socket] {
        if (socket != m_socket || m_helloDone || m_connectionEnded)
            return;
        qCWarning(lcClient) << "no answer from" << m_url.toDisplayString() << "in time";
        if (m_url.scheme() == "wss"_L1 && m_peerFingerprint.isEmpty())
            m_errorString = tr("The host at %1 did not set up a secure connection in time: it "
                               "may be an older Hearth that does not speak TLS, or not Hearth "
                               "at all.")
                                .arg(m_url.authority());
        else
            m_errorString = tr("The host did not answer.");
        abortSocket();
    });
}

void RoomClient::abortSocket()
{
    m_socket->abort();
    if (!m_connectionEnded) // abort() of a socket still connecting is silent
        onDisconnected();
}

void RoomClient::close()
{
    m_stayConnected = false;
    m_reconnectTimer->stop();
    m_seats.clear();
    m_resuming.clear();
    if (m_attempt != 0) {
        m_attempt = 0;
        Q_EMIT reconnectAttemptChanged();
    }
    const RequestError lost =
        localError(RequestError::Kind::ConnectionLost, tr("Connection lost."));
    if (m_state == State::Disconnected) {
        failOutbox({}, lost);
        return;
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
    } else {
        abortSocket();
        if (m_state != State::Disconnected) { // between two attempts: no socket to close
            setState(State::Disconnected);
            failOutbox({}, lost);
        }
    }
}

void RoomClient::dropConnection()
{
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        return;
    qCInfo(lcClient) << "dropping the connection on purpose";
    abortSocket();
}

void RoomClient::reconnectNow()
{
    if (m_state == State::Reconnecting && !m_helloDone &&
        m_socket->state() == QAbstractSocket::UnconnectedState) {
        m_reconnectTimer->stop();
        attemptReconnect();
    } else if (m_state == State::Disconnected && !m_seats.isEmpty() && m_url.isValid()) {
        m_stayConnected = true;
        m_errorString.clear();
        setState(State::Reconnecting);
        m_attempt = 1;
        Q_EMIT reconnectAttemptChanged();
        attemptReconnect();
    }
}

bool RoomClient::shouldReconnect(int closeCode) const
{
    // Replaced by another connection of ours: fighting it would make both flap.
    return m_autoReconnect && m_stayConnected && !m_seats.isEmpty() &&
           closeCode != Protocol::CloseReplaced;
}

void RoomClient::scheduleReconnect()
{
    ++m_attempt;
    Q_EMIT reconnectAttemptChanged();
    const int delay = m_policy.delayFor(m_attempt);
    qCInfo(lcClient) << "reconnect attempt" << m_attempt << "in" << delay << "ms";
    m_reconnectTimer->start(delay);
    Q_EMIT reconnecting(m_attempt, delay);
}

void RoomClient::attemptReconnect()
{
    if (m_state != State::Reconnecting)
        return;
    qCInfo(lcClient) << "reconnecting to" << m_url.toDisplayString() << "attempt" << m_attempt;
    connectSocket();
}

void RoomClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RoomClient::onConnected()
{
    // Only now may anything be sent: bytes that ride with the upgrade request are lost.
    m_lastHeard = m_clock.elapsed();
    if (!verifyEstablishedCertificate())
        return;
    // Never the identity's own secret: one derived for this host (its certificate's public
    // key, or its address over ws://), so that what this host receives is worth nothing at
    // another.
    const QByteArray hostPublicKey =
        m_url.scheme() == "wss"_L1
            ? Fingerprint::ofPublicKey(m_socket->sslConfiguration().peerCertificate())
            : QByteArray();
    const QString secret =
        HostSecret::derive(m_identity.secret, HostSecret::hostKey(m_url, hostPublicKey));
    const Requests::Hello hello{Protocol::Version, QStringLiteral("hearth/" HEARTH_VERSION),
                                m_identity.id, secret};
    request<HelloResult>(hello, this,
                         [this](const Result<HelloResult> &result) { onHelloReply(result); });
}

void RoomClient::onHelloReply(const Result<HelloResult> &result)
{
    if (!result.ok() && result.error.kind == RequestError::Kind::ConnectionLost)
        return; // onDisconnected() has dealt with it
    if (!result.ok() && m_state == State::Reconnecting && result.error.isTransient()) {
        restartConnection(u"hello: "_s + result.error.text());
        return;
    }
    if (!result.ok()) {
        m_errorString = result.error.text();
        qCWarning(lcClient) << "hello refused:" << errorCodeName(result.error.code())
                            << result.error.error.message;
        const QString message = m_errorString;
        close();
        Q_EMIT connectionFailed(message);
        return;
    }
    m_serverName = result.value->server;
    m_participantId = result.value->participant;
    m_limits = result.value->limits;
    m_helloDone = true;
    m_errorString.clear(); // a failed attempt before this one is over
    if (m_sessionFingerprint.isEmpty())
        m_sessionFingerprint = m_peerFingerprint;
    // Our own heartbeat: a host that vanished without a FIN (cable, sleep) is noticed within
    // idleTimeoutSeconds rather than when TCP gives up minutes later.
    m_heartbeatTimer->start(qMax(1, m_limits.heartbeatSeconds) * 1000);
    qCInfo(lcClient) << "hello answered by" << m_serverName << "as" << m_participantId;
    if (m_state == State::Reconnecting) {
        Q_EMIT ready();
        resumeRooms();
        return;
    }
    setState(State::Connected);
    Q_EMIT ready();
}

void RoomClient::onDisconnected()
{
    if (m_connectionEnded)
        return;
    m_connectionEnded = true;
    const bool wasReady = m_helloDone;
    const State before = m_state;
    m_lastCloseCode = int(m_socket->closeCode());
    const QString reason = m_socket->closeReason();
    m_heartbeatTimer->stop();
    m_helloDone = false;
    if (m_errorString.isEmpty() && m_lastCloseCode != QWebSocketProtocol::CloseCodeNormal) {
        if (m_lastCloseCode == QWebSocketProtocol::CloseCodeGoingAway)
            m_errorString = tr("The host stopped.");
        else if (m_lastCloseCode == Protocol::CloseReplaced)
            m_errorString = tr("This identity connected from somewhere else.");
        else if (!reason.isEmpty())
            m_errorString = reason;
        else
            m_errorString = tr("The connection to the host was lost.");
    }
    qCInfo(lcClient) << "connection ended, close code" << m_lastCloseCode << reason
                     << m_errorString;
    m_joined.clear();
    m_sequencer.dropAllHeld();
    m_resuming.clear();
    const bool retry =
        (wasReady || before == State::Reconnecting) && shouldReconnect(m_lastCloseCode);
    setState(retry ? State::Reconnecting : State::Disconnected);
    // Unacknowledged chat stays in the outbox when we reconnect (see onChatReply()).
    failAll(RequestError::Kind::ConnectionLost);
    if (!retry) {
        if (m_attempt != 0) {
            m_attempt = 0;
            Q_EMIT reconnectAttemptChanged();
        }
        failOutbox({}, localError(RequestError::Kind::ConnectionLost, tr("Connection lost.")));
    }
    if (wasReady) {
        Q_EMIT connectionClosed(m_lastCloseCode, reason);
    } else if (before == State::Connecting) {
        if (m_errorString.isEmpty())
            m_errorString = tr("Cannot reach the host.");
        Q_EMIT connectionFailed(m_errorString);
    }
    if (retry && m_state == State::Reconnecting)
        scheduleReconnect();
}

void RoomClient::onTextMessage(const QString &message)
{
    m_lastHeard = m_clock.elapsed();
    Decoded<ServerMessage> decoded = readServerMessage(message.toUtf8());
    if (!decoded.value) {
        qCWarning(lcClient) << "frame from the server ignored:" << decoded.error;
        return;
    }
    std::visit(Overloaded{
                   [this](const Reply &reply) { onReply(reply); },
                   [this](const RoomEvent &event) { onEvent(event); },
                   [this](const Notice &notice) { Q_EMIT noticeReceived(notice); },
               },
               *decoded.value);
}

void RoomClient::onReply(const Reply &reply)
{
    if (reply.id < 0) {
        // id null: the server could not read one of our frames at all. That is a bug here.
        qCWarning(lcClient) << "reply without id:" << errorCodeName(reply.error.code)
                            << reply.error.message;
        return;
    }
    if (!m_requests->complete(reply))
        qCDebug(lcClient) << "reply to an unknown or timed-out request" << reply.id;
}

void RoomClient::onEvent(const RoomEvent &event)
{
    if (!m_joined.contains(event.room)) {
        // The join's reply and the first events after it can be read in either order; keep
        // them until the reply says which seq the snapshot ends at.
        if (m_requests->joinsInFlight() > 0 || m_resuming.contains(event.room))
            m_sequencer.hold(event);
        else
            qCDebug(lcClient) << "event of a room we are not in ignored:" << event.room;
        return;
    }
    deliverEvent(event);
}

void RoomClient::deliverEvent(const RoomEvent &event)
{
    const EventSequencer::Step step = m_sequencer.advance(event);
    if (!step.deliver) {
        qCDebug(lcClient) << "duplicate event" << event.room << event.seq << "dropped";
        return;
    }
    if (step.gapFrom > 0) {
        qCWarning(lcClient) << "sequence gap in" << event.room << "expected" << step.gapFrom
                            << "got" << event.seq;
        Q_EMIT sequenceGap(event.room, step.gapFrom, event.seq);
    }
    Q_EMIT eventReceived(event);

    // After these, the server sends nothing more of the room to this connection.
    if (const auto *closed = event.as<Events::RoomClosed>()) {
        noteLeft(event.room, wireName(closed->reason));
    } else if (const auto *left = event.as<Events::ParticipantLeft>();
               left && left->participant == m_participantId) {
        noteLeft(event.room, wireName(left->reason));
    }
}

void RoomClient::noteJoined(const RoomSnapshot &snapshot, const Seat &seat)
{
    const QString &code = snapshot.room.code;
    m_joined.insert(code);
    m_seats.insert(code, seat);
    m_sequencer.setLastSeq(code, snapshot.room.lastSeq);
    updateJoinedState();
}

void RoomClient::flushBufferedEvents(const QString &room)
{
    const QList<RoomEvent> held = m_sequencer.takeHeld(room);
    for (const RoomEvent &event : held) {
        if (!m_joined.contains(room))
            break;
        deliverEvent(event); // drops those already in the snapshot
    }
}

void RoomClient::noteLeft(const QString &room, const QString &reason)
{
    m_seats.remove(room);
    if (!m_joined.remove(room))
        return;
    qCInfo(lcClient) << "no longer in room" << room << "reason" << reason;
    updateJoinedState();
    RequestError error;
    error.error.code = ErrorCode::NotMember;
    error.error.message = tr("You are no longer in room %1.").arg(room);
    failOutbox(room, error);
    Q_EMIT roomLeft(room, reason);
}

void RoomClient::updateJoinedState()
{
    if (!m_helloDone || !m_resuming.isEmpty())
        return;
    setState(m_joined.isEmpty() ? State::Connected : State::Joined);
}

void RoomClient::sendHeartbeat()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const qint64 silentMs = m_clock.elapsed() - m_lastHeard;
    if (silentMs > qint64(qMax(1, m_limits.idleTimeoutSeconds)) * 1000) {
        qCWarning(lcClient) << "nothing heard from the host for" << silentMs << "ms; giving up";
        m_errorString = tr("The host stopped answering.");
        abortSocket();
        return;
    }
    m_socket->ping();
}

void RoomClient::failAll(RequestError::Kind kind)
{
    m_requests->failAll(localError(
        kind, kind == RequestError::Kind::ConnectionLost ? tr("Connection lost.") : QString()));
}

qint64 RoomClient::send(const Request &request, QObject *context, RequestTable::Completion done,
                        int timeoutMs)
{
    const qint64 id = m_nextId++;
    const bool isHello = std::holds_alternative<Requests::Hello>(request);
    const bool usable = m_socket->state() == QAbstractSocket::ConnectedState &&
                        (m_helloDone || isHello || std::holds_alternative<Requests::Ping>(request));
    const QByteArray bytes = encodeRequest(id, request);

    auto failLater = [this, context, done](RequestError error) {
        const QPointer<QObject> guard(context);
        const bool hasContext = context != nullptr;
        QTimer::singleShot(0, this, [guard, hasContext, done, error] {
            if (hasContext && !guard)
                return;
            Result<QJsonObject> result;
            result.error = error;
            if (done)
                done(result);
        });
    };
    if (!usable) {
        failLater(localError(RequestError::Kind::NotConnected, tr("Not connected.")));
        return id;
    }
    if (bytes.size() > m_limits.maxMessageBytes) {
        RequestError error;
        error.error.code = ErrorCode::TooLarge;
        error.error.message = tr("The request is larger than the server accepts.");
        failLater(error);
        return id;
    }
    const bool joins = std::holds_alternative<Requests::JoinRoom>(request) ||
                       std::holds_alternative<Requests::CreateRoom>(request);
    m_requests->add(id, requestTypeName(request), joins, context, std::move(done),
                    timeoutMs > 0 ? timeoutMs : m_requestTimeoutMs);
    m_socket->sendTextMessage(QString::fromUtf8(bytes));
    return id;
}

void RoomClient::joinLike(const Request &request, const Seat &seat, QObject *context,
                          Callback<RoomSnapshot> done)
{
    const int timeout = joinTimeoutMs();
    // The client object itself is the context of the inner request, so that membership is
    // recorded even when the asker is gone (the server has given us the seat regardless).
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    this->request<RoomSnapshot>(
        request, this,
        [this, guard, hasContext, seat,
         done = std::move(done)](const Result<RoomSnapshot> &result) {
            if (result.ok())
                noteJoined(*result.value, seat);
            if (done && !(hasContext && !guard))
                done(result);
            // After the asker has set itself up for the room, hand it the events that came
            // early.
            if (result.ok())
                flushBufferedEvents(result.value->room.code);
        },
        timeout);
}
