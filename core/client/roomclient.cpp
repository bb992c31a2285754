#include "roomclient.h"

#include "protocol/protocol.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;
using namespace Client;

Q_LOGGING_CATEGORY(lcClient, "hearth.client")

namespace {

// Replies and events may be much larger than what a client may send (a history page of 200
// long messages), so the incoming limit is generous; it only guards against a broken peer.
constexpr qint64 MaxIncomingBytes = 16 * 1024 * 1024;

// How long the WebSocket handshake and hello may take.
constexpr int ConnectTimeoutMs = 10000;

// Extra time granted to join_room over the server's approval grace period.
constexpr int JoinReplySlackMs = 15000;

RequestError localError(RequestError::Kind kind, const QString &message)
{
    RequestError e;
    e.kind = kind;
    e.error.code = ErrorCode::InternalError;
    e.error.message = message;
    return e;
}

std::optional<Done> parseDone(const QJsonObject &)
{
    return Done{};
}

// Refusals that say nothing about our seat: try again on a fresh connection.
bool isTransient(const RequestError &error)
{
    if (error.kind != RequestError::Kind::Server)
        return true;
    switch (error.code()) {
    case ErrorCode::RateLimited:
    case ErrorCode::ShuttingDown:
    case ErrorCode::StorageError:
    case ErrorCode::InternalError:
        return true;
    default:
        return false;
    }
}

// Why a seat could not be taken back, in the words of participant_left / room_closed.
QString seatLostReason(const RequestError &error)
{
    switch (error.code()) {
    case ErrorCode::RoomNotFound:
    case ErrorCode::RoomClosed:
        return u"closed"_s; // the room closed (or expired) while we were away
    case ErrorCode::Banned:
        return u"banned"_s;
    default:
        return error.reason.isEmpty() ? u"timed_out"_s : error.reason;
    }
}

} // namespace

RoomClient::RoomClient(QObject *parent)
    : QObject(parent)
    , m_timeoutTimer(new QTimer(this))
    , m_heartbeatTimer(new QTimer(this))
    , m_reconnectTimer(new QTimer(this))
{
    m_clock.start();
    QByteArray raw(6, Qt::Uninitialized);
    QRandomGenerator::global()->generate(raw.begin(), raw.end());
    m_clientMsgPrefix = QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding));

    attachSocket();
    m_timeoutTimer->setInterval(500);
    connect(m_timeoutTimer, &QTimer::timeout, this, &RoomClient::checkTimeouts);
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
    // Qt 6.4 names the signal error() (errorOccurred() arrives in 6.5).
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError error) {
                qCInfo(lcClient) << "socket error" << error << m_socket->errorString();
                m_errorString = m_socket->errorString();
            });
}

RoomClient::~RoomClient()
{
    // No callbacks from a half-destroyed object: drop them silently.
    m_pending.clear();
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
        m_buffered.clear();
        m_pendingJoins = 0;
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
    m_socket->open(m_url);
    // Something that accepts TCP but never answers the handshake (or hello) must not leave the
    // lobby spinning forever, nor stall a reconnect.
    QTimer::singleShot(ConnectTimeoutMs, m_socket, [this, socket = m_socket] {
        if (socket != m_socket || m_helloDone || m_connectionEnded)
            return;
        qCWarning(lcClient) << "no answer from" << m_url.toDisplayString() << "in time";
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

void RoomClient::restartConnection(const QString &why)
{
    qCWarning(lcClient) << "starting the connection over:" << why;
    // Not from inside the reply being handled: the socket is still delivering it.
    QTimer::singleShot(0, this, [this, socket = QPointer<QWebSocket>(m_socket)] {
        if (socket == m_socket && !m_connectionEnded)
            abortSocket();
    });
}

void RoomClient::resumeRooms()
{
    if (m_seats.isEmpty()) {
        finishReconnect();
        return;
    }
    const int timeout = (m_limits.graceSeconds * 1000) + JoinReplySlackMs;
    for (auto it = m_seats.cbegin(); it != m_seats.cend(); ++it) {
        const QString room = it.key();
        const Seat &seat = it.value();
        m_resuming.insert(room, Resume{});
        QJsonObject json{
            {"code"_L1, room},
            {"displayName"_L1, seat.displayName},
            {"role"_L1, roleName(seat.role == Role::Spectator ? Role::Spectator : Role::Member)},
            {"resume"_L1, true}};
        if (!seat.password.isEmpty())
            json.insert("password"_L1, seat.password);
        typedRequest<RoomSnapshot>(
            u"join_room"_s, json, this,
            [this, room](const Result<RoomSnapshot> &result) { onResumeJoined(room, result); },
            &RoomSnapshot::fromJson, timeout);
    }
}

void RoomClient::onResumeJoined(const QString &room, const Result<RoomSnapshot> &result)
{
    if (!m_resuming.contains(room))
        return;
    if (!result.ok()) {
        const RequestError &error = result.error;
        if (error.kind == RequestError::Kind::ConnectionLost)
            return; // the next attempt resumes it
        if (isTransient(error)) {
            restartConnection(u"resuming room "_s + room + u": "_s + error.text());
            return;
        }
        const QString reason = seatLostReason(error);
        qCInfo(lcClient) << "the seat in" << room << "is gone:" << reason;
        m_resuming.remove(room);
        giveUpRoom(room, reason);
        if (m_resuming.isEmpty())
            finishReconnect();
        return;
    }
    Resume &resume = m_resuming[room];
    resume.joined = true;
    resume.snapshot = *result.value;
    qCInfo(lcClient) << "seat in" << room << "taken back; seen up to" << lastSeq(room) << "of"
                     << resume.snapshot.room.lastSeq;
    if (lastSeq(room) >= resume.snapshot.room.lastSeq)
        finishResume(room);
    else
        fetchMissed(room);
}

void RoomClient::fetchMissed(const QString &room)
{
    const qint64 target = m_resuming.value(room).snapshot.room.lastSeq;
    const qint64 after = lastSeq(room);
    const QJsonObject json{{"room"_L1, room},
                           {"after"_L1, after},
                           {"before"_L1, target + 1},
                           {"limit"_L1, qMax(1, m_limits.historyPageMax)}};
    typedRequest<HistoryPage>(
        u"history"_s, json, this,
        [this, room, target](const Result<HistoryPage> &result) {
            if (!m_resuming.contains(room))
                return;
            if (!result.ok()) {
                if (result.error.kind != RequestError::Kind::ConnectionLost)
                    restartConnection(u"catching up in "_s + room + u": "_s + result.error.text());
                return;
            }
            const HistoryPage &page = *result.value;
            if (page.missing > 0) {
                const qint64 from = lastSeq(room);
                qCWarning(lcClient) << page.missing << "events of" << room << "after" << from
                                    << "are no longer kept by the server";
                m_lastSeq.insert(room, from + page.missing);
                Q_EMIT historyMissing(room, from, page.missing);
            }
            for (const RoomEvent &event : page.events) {
                if (event.seq <= target)
                    deliverEvent(event);
            }
            if (lastSeq(room) < target && page.events.isEmpty()) {
                // Nothing more is stored up to the snapshot: the rest is gone too.
                const qint64 from = lastSeq(room);
                m_lastSeq.insert(room, target);
                Q_EMIT historyMissing(room, from, target - from);
            }
            if (lastSeq(room) >= target)
                finishResume(room);
            else
                fetchMissed(room);
        },
        &HistoryPage::fromJson);
}

void RoomClient::finishResume(const QString &room)
{
    const Resume resume = m_resuming.take(room);
    m_joined.insert(room);
    qCInfo(lcClient) << "room" << room << "resumed at seq" << lastSeq(room);
    Q_EMIT roomResumed(resume.snapshot);
    flushBufferedEvents(room);
    resendOutbox(room);
    if (m_resuming.isEmpty())
        finishReconnect();
}

void RoomClient::finishReconnect()
{
    // Messages for rooms we have no seat in: let the server answer them.
    for (const OutgoingChat &entry : std::as_const(m_outbox)) {
        if (!entry.inFlight && !m_seats.contains(entry.room))
            QTimer::singleShot(0, this, [this, serial = entry.serial] {
                const auto it = outboxEntry(serial);
                if (it != m_outbox.end() && !it->inFlight)
                    transmitChat(serial);
            });
    }
    if (m_attempt != 0) {
        m_attempt = 0;
        Q_EMIT reconnectAttemptChanged();
    }
    m_errorString.clear();
    qCInfo(lcClient) << "reconnected; rooms resumed:" << m_joined.values();
    updateJoinedState();
    Q_EMIT resumed();
}

void RoomClient::giveUpRoom(const QString &room, const QString &reason)
{
    m_seats.remove(room);
    for (auto it = m_buffered.begin(); it != m_buffered.end();) {
        if (it->room == room)
            it = m_buffered.erase(it);
        else
            ++it;
    }
    RequestError error;
    error.error.code = ErrorCode::NotMember;
    error.error.message = tr("You are no longer in room %1.").arg(room);
    failOutbox(room, error);
    Q_EMIT roomLeft(room, reason);
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
    QJsonObject identity{{"id"_L1, m_identity.id}, {"secret"_L1, m_identity.secret}};
    QJsonObject args{{"version"_L1, Protocol::Version},
                     {"client"_L1, QStringLiteral("hearth/" HEARTH_VERSION)},
                     {"identity"_L1, identity}};
    request(u"hello"_s, args, this, [this](const Result<QJsonObject> &result) {
        if (!result.ok() && result.error.kind == RequestError::Kind::ConnectionLost)
            return; // onDisconnected() has dealt with it
        if (!result.ok() && m_state == State::Reconnecting && isTransient(result.error)) {
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
        const QJsonObject &r = *result.value;
        m_serverName = r.value("server"_L1).toString();
        m_participantId = r.value("participant"_L1).toString();
        m_limits = Limits::fromJson(r.value("limits"_L1).toObject());
        m_helloDone = true;
        // Our own heartbeat: a host that vanished without a FIN (cable, sleep) is noticed
        // within idleTimeoutSeconds rather than when TCP gives up minutes later.
        m_heartbeatTimer->start(qMax(1, m_limits.heartbeatSeconds) * 1000);
        qCInfo(lcClient) << "hello answered by" << m_serverName << "as" << m_participantId;
        if (m_state == State::Reconnecting) {
            Q_EMIT ready();
            resumeRooms();
            return;
        }
        setState(State::Connected);
        Q_EMIT ready();
    });
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
    m_buffered.clear();
    m_resuming.clear();
    m_pendingJoins = 0;
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
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8(), &parseError);
    if (!doc.isObject()) {
        qCWarning(lcClient) << "unreadable frame from the server:" << parseError.errorString();
        return;
    }
    const QJsonObject object = doc.object();
    const QString type = object.value("type"_L1).toString();
    if (type == "reply"_L1) {
        onReply(object);
    } else if (type == "event"_L1) {
        onEvent(object);
    } else if (type == "notice"_L1) {
        if (const auto notice = Notice::fromJson(object))
            Q_EMIT noticeReceived(*notice);
    } else {
        qCDebug(lcClient) << "frame of unknown type ignored:" << type;
    }
}

void RoomClient::onReply(const QJsonObject &object)
{
    const QJsonValue idValue = object.value("id"_L1);
    if (!idValue.isDouble()) {
        // id null: the server could not read one of our frames at all. That is a bug here.
        qCWarning(lcClient) << "reply without id:" << object;
        return;
    }
    const std::optional<qint64> requestId = integerFromJson(idValue);
    const auto it = requestId ? m_pending.find(*requestId) : m_pending.end();
    if (it == m_pending.end()) {
        qCDebug(lcClient) << "reply to an unknown or timed-out request" << idValue.toDouble();
        return;
    }
    Pending pending = std::move(it->second);
    m_pending.erase(it);

    Result<QJsonObject> result;
    if (object.value("ok"_L1).toBool()) {
        result.value = object.value("result"_L1).toObject();
    } else {
        const QJsonObject error = object.value("error"_L1).toObject();
        result.error.kind = RequestError::Kind::Server;
        result.error.error.code = errorCodeFromName(error.value("code"_L1).toString());
        result.error.error.message = error.value("message"_L1).toString();
        if (const auto retryAfter = integerFromJson(error.value("retryAfterMs"_L1)))
            result.error.error.retryAfterMs = *retryAfter;
        result.error.reason = error.value("reason"_L1).toString();
        result.error.spectatorsWelcome = error.value("spectators"_L1).toBool();
        result.error.takenName = error.value("name"_L1).toString();
    }
    finish(std::move(pending), result);
}

void RoomClient::finish(Pending pending, const Result<QJsonObject> &result)
{
    if (pending.type == "join_room"_L1 || pending.type == "create_room"_L1)
        m_pendingJoins = qMax(0, m_pendingJoins - 1);
    if (m_pending.empty())
        m_timeoutTimer->stop();
    if (pending.hasContext && !pending.context)
        return; // the object that asked is gone
    if (pending.done)
        pending.done(result);
    if (m_pendingJoins == 0) {
        // Whatever is left belongs to no room of ours (unless it is one being resumed).
        m_buffered.removeIf(
            [this](const RoomEvent &event) { return !m_resuming.contains(event.room); });
    }
}

void RoomClient::onEvent(const QJsonObject &object)
{
    const auto event = RoomEvent::fromJson(object);
    if (!event) {
        qCWarning(lcClient) << "malformed event ignored:" << object;
        return;
    }
    if (!m_joined.contains(event->room)) {
        // The join's reply and the first events after it can be read in either order; keep
        // them until the reply says which seq the snapshot ends at.
        if (m_pendingJoins > 0 || m_resuming.contains(event->room))
            m_buffered.append(*event);
        else
            qCDebug(lcClient) << "event of a room we are not in ignored:" << event->room;
        return;
    }
    deliverEvent(*event);
}

void RoomClient::deliverEvent(const RoomEvent &event)
{
    const qint64 last = m_lastSeq.value(event.room, 0);
    if (event.seq <= last) {
        qCDebug(lcClient) << "duplicate event" << event.room << event.seq << "dropped";
        return;
    }
    if (last > 0 && event.seq != last + 1) {
        qCWarning(lcClient) << "sequence gap in" << event.room << "expected" << last + 1 << "got"
                            << event.seq;
        Q_EMIT sequenceGap(event.room, last + 1, event.seq);
    }
    m_lastSeq.insert(event.room, event.seq);
    Q_EMIT eventReceived(event);

    // After these, the server sends nothing more of the room to this connection.
    if (event.kind == RoomEvent::Kind::RoomClosed) {
        noteLeft(event.room, event.data.value("reason"_L1).toString(u"closed"_s));
    } else if (event.kind == RoomEvent::Kind::ParticipantLeft &&
               event.data.value("participant"_L1).toString() == m_participantId) {
        noteLeft(event.room, event.data.value("reason"_L1).toString(u"left"_s));
    }
}

void RoomClient::noteJoined(const RoomSnapshot &snapshot, const Seat &seat)
{
    const QString &code = snapshot.room.code;
    m_joined.insert(code);
    m_seats.insert(code, seat);
    m_lastSeq.insert(code, snapshot.room.lastSeq);
    updateJoinedState();
}

void RoomClient::flushBufferedEvents(const QString &room)
{
    QList<RoomEvent> mine;
    for (auto it = m_buffered.begin(); it != m_buffered.end();) {
        if (it->room == room) {
            mine.append(*it);
            it = m_buffered.erase(it);
        } else {
            ++it;
        }
    }
    for (const RoomEvent &event : std::as_const(mine)) {
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

void RoomClient::checkTimeouts()
{
    const qint64 now = m_clock.elapsed();
    QList<qint64> expired;
    for (const auto &[id, pending] : m_pending) {
        if (pending.deadline <= now)
            expired.append(id);
    }
    for (qint64 id : std::as_const(expired)) {
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue; // finished by an earlier callback in this loop
        Pending pending = std::move(it->second);
        m_pending.erase(it);
        qCWarning(lcClient) << "request" << id << pending.type << "timed out";
        Result<QJsonObject> result;
        result.error = localError(RequestError::Kind::Timeout, tr("No reply in time."));
        finish(std::move(pending), result);
    }
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
    std::map<qint64, Pending> pending;
    pending.swap(m_pending);
    m_timeoutTimer->stop();
    const QString message =
        kind == RequestError::Kind::ConnectionLost ? tr("Connection lost.") : QString();
    for (auto &entry : pending) {
        Result<QJsonObject> result;
        result.error = localError(kind, message);
        finish(std::move(entry.second), result);
    }
}

qint64 RoomClient::request(const QString &type, const QJsonObject &args, QObject *context,
                           RawCallback done, int timeoutMs)
{
    const qint64 id = m_nextId++;
    const bool isHello = type == "hello"_L1;
    const bool usable = m_socket->state() == QAbstractSocket::ConnectedState &&
                        (m_helloDone || isHello || type == "ping"_L1);

    QJsonObject frame = args;
    frame.insert("id"_L1, id);
    frame.insert("type"_L1, type);
    const QByteArray bytes = QJsonDocument(frame).toJson(QJsonDocument::Compact);

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

    Pending pending;
    pending.type = type;
    pending.context = context;
    pending.hasContext = context != nullptr;
    pending.done = std::move(done);
    pending.deadline = m_clock.elapsed() + (timeoutMs > 0 ? timeoutMs : m_requestTimeoutMs);
    if (type == "join_room"_L1 || type == "create_room"_L1)
        ++m_pendingJoins;
    m_pending.emplace(id, std::move(pending));
    if (!m_timeoutTimer->isActive())
        m_timeoutTimer->start();
    m_socket->sendTextMessage(QString::fromUtf8(bytes));
    return id;
}

template <typename T>
void RoomClient::typedRequest(const QString &type, const QJsonObject &args, QObject *context,
                              Callback<T> done,
                              std::function<std::optional<T>(const QJsonObject &)> parse,
                              int timeoutMs)
{
    request(
        type, args, context,
        [done = std::move(done), parse = std::move(parse), type](const Result<QJsonObject> &raw) {
            Result<T> result;
            if (!raw.ok()) {
                result.error = raw.error;
            } else if (auto value = parse(*raw.value)) {
                result.value = std::move(*value);
            } else {
                qCWarning(lcClient) << "reply to" << type << "not understood:" << *raw.value;
                result.error =
                    localError(RequestError::Kind::Malformed, QStringLiteral("malformed reply"));
            }
            if (done)
                done(result);
        },
        timeoutMs);
}

void RoomClient::joinLike(const QString &type, const QJsonObject &args, const Seat &seat,
                          QObject *context, Callback<RoomSnapshot> done)
{
    const int timeout = (m_limits.graceSeconds * 1000) + JoinReplySlackMs;
    // The client object itself is the context of the inner request, so that membership is
    // recorded even when the asker is gone (the server has given us the seat regardless).
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    typedRequest<RoomSnapshot>(
        type, args, this,
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
        &RoomSnapshot::fromJson, timeout);
}

void RoomClient::createRoom(const CreateRoomArgs &args, QObject *context,
                            Callback<RoomSnapshot> done)
{
    QJsonObject settings{{"spectators"_L1, args.settings.spectators},
                         {"approval"_L1, args.settings.approval},
                         {"locked"_L1, args.settings.locked},
                         {"public"_L1, args.settings.isPublic}};
    if (!args.password.isEmpty())
        settings.insert("password"_L1, args.password);
    const QJsonObject json{{"name"_L1, args.name},
                           {"displayName"_L1, args.displayName},
                           {"capacity"_L1, args.capacity},
                           {"settings"_L1, settings}};
    joinLike(u"create_room"_s, json, Seat{args.displayName, Role::Host, args.password}, context,
             std::move(done));
}

void RoomClient::joinRoom(const JoinRoomArgs &args, QObject *context, Callback<RoomSnapshot> done)
{
    QJsonObject json{{"code"_L1, args.code},
                     {"displayName"_L1, args.displayName},
                     {"role"_L1, roleName(args.role)}};
    if (!args.password.isEmpty())
        json.insert("password"_L1, args.password);
    joinLike(u"join_room"_s, json, Seat{args.displayName, args.role, args.password}, context,
             std::move(done));
}

void RoomClient::leaveRoom(const QString &room, QObject *context, Callback<Done> done)
{
    typedRequest<Done>(
        u"leave_room"_s, {{"room"_L1, room}}, this,
        [this, room, guard = QPointer<QObject>(context), hasContext = context != nullptr,
         done = std::move(done)](const Result<Done> &result) {
            if (result.ok())
                noteLeft(room, u"left"_s);
            if (done && !(hasContext && !guard))
                done(result);
        },
        &parseDone);
}

QString RoomClient::newClientMsgId()
{
    return u"c-"_s + m_clientMsgPrefix + u'-' + QString::number(++m_clientMsgCounter);
}

QString RoomClient::sendChat(const QString &room, const QString &text, QObject *context,
                             Callback<ChatAck> done, const QString &clientMsgId)
{
    const QString msgId = clientMsgId.isEmpty() ? newClientMsgId() : clientMsgId;
    OutgoingChat entry;
    entry.serial = m_nextChatSerial++;
    entry.room = room;
    entry.text = text;
    entry.clientMsgId = msgId;
    entry.context = context;
    entry.hasContext = context != nullptr;
    entry.done = std::move(done);
    const quint64 serial = entry.serial;
    m_outbox.push_back(std::move(entry));
    Q_EMIT unsentMessagesChanged();
    // While the room is being taken back, the message waits and goes out after the resume.
    const bool waiting =
        m_resuming.contains(room) || (m_state == State::Reconnecting && m_seats.contains(room));
    if (!waiting)
        transmitChat(serial);
    return msgId;
}

QStringList RoomClient::unsentTexts(const QString &room) const
{
    QStringList texts;
    for (const OutgoingChat &entry : m_outbox) {
        if (entry.room == room)
            texts.append(entry.text);
    }
    return texts;
}

std::list<RoomClient::OutgoingChat>::iterator RoomClient::outboxEntry(quint64 serial)
{
    return std::find_if(m_outbox.begin(), m_outbox.end(),
                        [serial](const OutgoingChat &e) { return e.serial == serial; });
}

void RoomClient::transmitChat(quint64 serial)
{
    const auto it = outboxEntry(serial);
    if (it == m_outbox.end())
        return;
    it->inFlight = true;
    request(u"send_chat"_s,
            {{"room"_L1, it->room}, {"text"_L1, it->text}, {"clientMsgId"_L1, it->clientMsgId}},
            this, [this, serial](const Result<QJsonObject> &raw) { onChatReply(serial, raw); });
}

void RoomClient::onChatReply(quint64 serial, const Result<QJsonObject> &raw)
{
    const auto it = outboxEntry(serial);
    if (it == m_outbox.end())
        return;
    it->inFlight = false;
    Result<ChatAck> result;
    if (raw.ok()) {
        const QJsonObject &r = *raw.value;
        if (const auto seq = integerFromJson(r.value("seq"_L1)))
            result.value = ChatAck{*seq, integerFromJson(r.value("ts"_L1)).value_or(0),
                                   r.value("duplicate"_L1).toBool()};
        else
            result.error =
                localError(RequestError::Kind::Malformed, QStringLiteral("malformed reply"));
    } else {
        const RequestError::Kind kind = raw.error.kind;
        const bool lost = kind == RequestError::Kind::ConnectionLost ||
                          kind == RequestError::Kind::NotConnected ||
                          kind == RequestError::Kind::Timeout;
        if (lost && (m_state == State::Reconnecting || m_resuming.contains(it->room)) &&
            m_seats.contains(it->room))
            return; // kept; resent once the room is resumed
        if (kind == RequestError::Kind::Timeout && m_joined.contains(it->room)) {
            transmitChat(serial); // the first may have arrived: the clientMsgId makes it safe
            return;
        }
        if (kind == RequestError::Kind::Server && raw.error.code() == ErrorCode::RateLimited) {
            const int wait = int(qBound(qint64(50), raw.error.error.retryAfterMs, qint64(10000)));
            QTimer::singleShot(wait, this, [this, serial] {
                const auto again = outboxEntry(serial);
                if (again != m_outbox.end() && !again->inFlight && m_joined.contains(again->room))
                    transmitChat(serial);
            });
            return;
        }
        result.error = raw.error;
    }
    OutgoingChat entry = std::move(*it);
    m_outbox.erase(it);
    Q_EMIT unsentMessagesChanged();
    if (entry.hasContext && !entry.context)
        return;
    if (entry.done)
        entry.done(result);
}

void RoomClient::resendOutbox(const QString &room)
{
    QList<quint64> serials;
    for (const OutgoingChat &entry : std::as_const(m_outbox)) {
        if (entry.room == room && !entry.inFlight)
            serials.append(entry.serial);
    }
    if (!serials.isEmpty())
        qCInfo(lcClient) << "resending" << serials.size() << "unacknowledged messages to" << room;
    for (quint64 serial : std::as_const(serials))
        transmitChat(serial);
}

void RoomClient::failOutbox(const QString &room, const RequestError &error)
{
    std::list<OutgoingChat> failed;
    for (auto it = m_outbox.begin(); it != m_outbox.end();) {
        const auto next = std::next(it);
        if (room.isEmpty() || it->room == room)
            failed.splice(failed.end(), m_outbox, it);
        it = next;
    }
    if (failed.empty())
        return;
    Q_EMIT unsentMessagesChanged();
    for (OutgoingChat &entry : failed) {
        if (entry.hasContext && !entry.context)
            continue;
        Result<ChatAck> result;
        result.error = error;
        if (entry.done)
            entry.done(result);
    }
}

void RoomClient::history(const QString &room, qint64 before, qint64 after, int limit,
                         QObject *context, Callback<HistoryPage> done)
{
    QJsonObject json{{"room"_L1, room}};
    if (before > 0)
        json.insert("before"_L1, before);
    if (after > 0)
        json.insert("after"_L1, after);
    if (limit > 0)
        json.insert("limit"_L1, qMin(limit, m_limits.historyPageMax));
    typedRequest<HistoryPage>(u"history"_s, json, context, std::move(done), &HistoryPage::fromJson);
}

void RoomClient::setStatus(const QString &room, StatusFlags::Update update, QObject *context,
                           Callback<Done> done)
{
    StatusFlags values;
    values.bits = update.values;
    typedRequest<Done>(u"set_status"_s,
                       {{"room"_L1, room}, {"status"_L1, values.toJson(update.mask)}}, context,
                       std::move(done), &parseDone);
}

void RoomClient::roomInfo(const QString &room, QObject *context, Callback<RoomInfoResult> done)
{
    typedRequest<RoomInfoResult>(u"room_info"_s, {{"room"_L1, room}}, context, std::move(done),
                                 [](const QJsonObject &r) -> std::optional<RoomInfoResult> {
                                     const auto info =
                                         RoomInfo::fromJson(r.value("room"_L1).toObject());
                                     if (!info)
                                         return std::nullopt;
                                     RoomInfoResult result{*info, std::nullopt};
                                     if (r.value("stats"_L1).isObject())
                                         result.stats =
                                             RoomStats::fromJson(r.value("stats"_L1).toObject());
                                     return result;
                                 });
}

void RoomClient::updateSettings(const QString &room, const SettingsChange &change, QObject *context,
                                Callback<Done> done)
{
    QJsonObject json{{"room"_L1, room}};
    if (change.name)
        json.insert("name"_L1, *change.name);
    if (change.capacity)
        json.insert("capacity"_L1, *change.capacity);
    QJsonObject settings;
    if (change.spectators)
        settings.insert("spectators"_L1, *change.spectators);
    if (change.approval)
        settings.insert("approval"_L1, *change.approval);
    if (change.locked)
        settings.insert("locked"_L1, *change.locked);
    if (change.isPublic)
        settings.insert("public"_L1, *change.isPublic);
    if (change.password)
        settings.insert("password"_L1, *change.password);
    if (!settings.isEmpty())
        json.insert("settings"_L1, settings);
    typedRequest<Done>(u"update_settings"_s, json, context, std::move(done), &parseDone);
}

void RoomClient::setRoomState(const QString &room, RoomState state, QObject *context,
                              Callback<Done> done)
{
    typedRequest<Done>(u"set_state"_s, {{"room"_L1, room}, {"state"_L1, roomStateName(state)}},
                       context, std::move(done), &parseDone);
}

void RoomClient::hostAction(const QString &room, HostAction action, const QString &participant,
                            QObject *context, Callback<Done> done)
{
    const QString type = hostActionName(action);
    typedRequest<Done>(type, {{"room"_L1, room}, {"participant"_L1, participant}}, context,
                       std::move(done), &parseDone);
}

void RoomClient::closeRoom(const QString &room, QObject *context, Callback<Done> done)
{
    typedRequest<Done>(u"close_room"_s, {{"room"_L1, room}}, context, std::move(done), &parseDone);
}

void RoomClient::ping(QObject *context, Callback<qint64> done)
{
    typedRequest<qint64>(u"ping"_s, {}, context, std::move(done),
                         [](const QJsonObject &r) { return integerFromJson(r.value("ts"_L1)); });
}
