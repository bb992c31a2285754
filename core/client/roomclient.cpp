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

} // namespace

RoomClient::RoomClient(QObject *parent)
    : QObject(parent)
    , m_timeoutTimer(new QTimer(this))
    , m_heartbeatTimer(new QTimer(this))
{
    m_clock.start();
    QByteArray raw(6, Qt::Uninitialized);
    QRandomGenerator::global()->generate(raw.begin(), raw.end());
    m_clientMsgPrefix = QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding));

    attachSocket();
    m_timeoutTimer->setInterval(500);
    connect(m_timeoutTimer, &QTimer::timeout, this, &RoomClient::checkTimeouts);
    connect(m_heartbeatTimer, &QTimer::timeout, this, &RoomClient::sendHeartbeat);
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
    if (m_state != State::Disconnected) {
        // Start over on a fresh socket: the old one may still emit from inside abort().
        QWebSocket *old = m_socket;
        old->disconnect(this);
        old->abort();
        old->deleteLater();
        attachSocket();
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
    setState(State::Connecting);
    m_socket->open(url);
    // Something that accepts TCP but never answers the handshake (or hello) must not leave the
    // lobby spinning forever.
    QTimer::singleShot(ConnectTimeoutMs, m_socket, [this, socket = m_socket] {
        if (socket == m_socket && m_state == State::Connecting) {
            qCWarning(lcClient) << "no answer from" << m_url.toDisplayString() << "in time";
            m_errorString = tr("The host did not answer.");
            m_socket->abort();
            if (m_state == State::Connecting) // abort() of a socket still connecting is silent
                onDisconnected();
        }
    });
}

void RoomClient::close()
{
    if (m_state == State::Disconnected)
        return;
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
    else
        m_socket->abort();
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
        setState(State::Connected);
        Q_EMIT ready();
    });
}

void RoomClient::onDisconnected()
{
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
    m_pendingJoins = 0;
    setState(State::Disconnected);
    failAll(RequestError::Kind::ConnectionLost);
    if (wasReady) {
        Q_EMIT connectionClosed(m_lastCloseCode, reason);
    } else if (before != State::Disconnected) {
        if (m_errorString.isEmpty())
            m_errorString = tr("Cannot reach the host.");
        Q_EMIT connectionFailed(m_errorString);
    }
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
    const auto it = m_pending.find(qint64(idValue.toDouble()));
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
        if (error.value("retryAfterMs"_L1).isDouble())
            result.error.error.retryAfterMs = qint64(error.value("retryAfterMs"_L1).toDouble());
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
    if (m_pendingJoins == 0)
        m_buffered.clear(); // whatever is left belongs to no room of ours
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
        if (m_pendingJoins > 0)
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

void RoomClient::noteJoined(const RoomSnapshot &snapshot)
{
    const QString &code = snapshot.room.code;
    m_joined.insert(code);
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
    if (!m_joined.remove(room))
        return;
    qCInfo(lcClient) << "no longer in room" << room << "reason" << reason;
    updateJoinedState();
    Q_EMIT roomLeft(room, reason);
}

void RoomClient::updateJoinedState()
{
    if (!m_helloDone)
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
        m_socket->abort();
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

void RoomClient::joinLike(const QString &type, const QJsonObject &args, QObject *context,
                          Callback<RoomSnapshot> done)
{
    const int timeout = (m_limits.graceSeconds * 1000) + JoinReplySlackMs;
    // The client object itself is the context of the inner request, so that membership is
    // recorded even when the asker is gone (the server has given us the seat regardless).
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    typedRequest<RoomSnapshot>(
        type, args, this,
        [this, guard, hasContext, done = std::move(done)](const Result<RoomSnapshot> &result) {
            if (result.ok())
                noteJoined(*result.value);
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
    joinLike(u"create_room"_s, json, context, std::move(done));
}

void RoomClient::joinRoom(const JoinRoomArgs &args, QObject *context, Callback<RoomSnapshot> done)
{
    QJsonObject json{{"code"_L1, args.code},
                     {"displayName"_L1, args.displayName},
                     {"role"_L1, roleName(args.role)}};
    if (!args.password.isEmpty())
        json.insert("password"_L1, args.password);
    joinLike(u"join_room"_s, json, context, std::move(done));
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

QString RoomClient::sendChat(const QString &room, const QString &text, QObject *context,
                             Callback<ChatAck> done, const QString &clientMsgId)
{
    const QString msgId = clientMsgId.isEmpty() ? u"c-"_s + m_clientMsgPrefix + u'-' +
                                                      QString::number(++m_clientMsgCounter)
                                                : clientMsgId;
    typedRequest<ChatAck>(
        u"send_chat"_s, {{"room"_L1, room}, {"text"_L1, text}, {"clientMsgId"_L1, msgId}}, context,
        std::move(done), [](const QJsonObject &r) -> std::optional<ChatAck> {
            if (!r.value("seq"_L1).isDouble())
                return std::nullopt;
            return ChatAck{qint64(r.value("seq"_L1).toDouble()),
                           qint64(r.value("ts"_L1).toDouble()), r.value("duplicate"_L1).toBool()};
        });
    return msgId;
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
    QString type;
    switch (action) {
    case HostAction::Admit:
        type = u"admit"_s;
        break;
    case HostAction::Deny:
        type = u"deny"_s;
        break;
    case HostAction::Kick:
        type = u"kick"_s;
        break;
    case HostAction::Ban:
        type = u"ban"_s;
        break;
    case HostAction::TransferHost:
        type = u"transfer_host"_s;
        break;
    }
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
                         [](const QJsonObject &r) -> std::optional<qint64> {
                             if (!r.value("ts"_L1).isDouble())
                                 return std::nullopt;
                             return qint64(r.value("ts"_L1).toDouble());
                         });
}
