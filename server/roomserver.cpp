// The room server: RoomServer, and its plumbing (listen, accept, dispatch, sweep, stop).
#include "roomserver.h"
#include "roomserver_p.h"

#include "protocol/replies.h"
#include "storage/sqlstorage.h"
#include "transport/transport.h"

#include "security/fingerprint.h"

Q_LOGGING_CATEGORY(lcServer, "hearth.server")

namespace {
// How often the sweep runs. A silent peer is dropped at the first sweep less than one interval
// before its idle timeout ends, so that it shows offline within idleTimeoutSeconds of its last
// byte, never later (docs/protocol.md, "Reconnect and resume").
constexpr int sweepIntervalMs = 250;
} // namespace

// ---------------------------------------------------------------------------------------------
// Plumbing

bool RoomServerPrivate::start()
{
    if (config.database.isEmpty()) {
        error = QStringLiteral("no database given");
        return false;
    }
    listener = makeListener(config, &error);
    if (!listener)
        return false;
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

    if (!listener->listen(config.bindAddress, config.port, config.listenBacklog)) {
        error = QStringLiteral("cannot listen on %1:%2: %3")
                    .arg(config.bindAddress.toString())
                    .arg(config.port)
                    .arg(listener->errorString());
        listener.reset();
        commits->stop();
        commits.reset();
        return false;
    }
    QObject::connect(listener.get(), &ClientListener::newConnection, this,
                     &RoomServerPrivate::acceptConnection);
    QObject::connect(&sweepTimer, &QTimer::timeout, this, &RoomServerPrivate::sweep);
    sweepTimer.start(sweepIntervalMs);
    qCInfo(lcServer).noquote()
        << "listening on" << q->url().toString()
        << QStringLiteral("(transport %1)").arg(transportName(config.transport));
    return true;
}

void RoomServerPrivate::acceptConnection(ClientConnection *connection)
{
    if (stopping) {
        connection->disconnect();
        connection->abort();
        connection->deleteLater();
        return;
    }
    // The Qt transport hands over upgraded connections; the native one, connections that do
    // their own upgrade next.
    if (connection->isOpen()) {
        acceptWebSocket(connection);
        return;
    }
    handshakes.insert(connection, nowMs());
    QObject::connect(connection, &ClientConnection::opened, this,
                     [this, connection] { acceptWebSocket(connection); });
    QObject::connect(connection, &ClientConnection::disconnected, this, [this, connection] {
        // Gone during its upgrade; after it, its Session handles this.
        if (handshakes.remove(connection))
            connection->deleteLater();
    });
}

void RoomServerPrivate::acceptWebSocket(ClientConnection *connection)
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
    QObject::connect(connection, &ClientConnection::bytesReceived, s,
                     [s] { s->lastHeardMs = nowMs(); });
    QObject::connect(connection, &ClientConnection::textReceived, s,
                     [this, s](const QByteArray &utf8) { onText(s, utf8); });
    QObject::connect(connection, &ClientConnection::binaryReceived, s, [s] {
        s->close(CloseCode::UnsupportedData,
                 QStringLiteral("binary frames are not part of the protocol"));
    });
    QObject::connect(connection, &ClientConnection::disconnected, s,
                     [this, s] { onDisconnected(s); });
    if (stopping)
        s->close(CloseCode::GoingAway, QStringLiteral("shutting down"));
}

void RoomServerPrivate::reply(Session *s, qint64 id, QByteArrayView resultJson)
{
    s->consecutiveRefusals = 0;
    s->send(Reply::success(id, resultJson));
}

void RoomServerPrivate::refuse(Session *s, qint64 id, const ProtocolError &refusal)
{
    s->send(Reply::failure(id, refusal));
    // A client that keeps sending while limited is flooding; other refusals are its business.
    if (refusal.code != ErrorCode::RateLimited) {
        s->consecutiveRefusals = 0;
        return;
    }
    if (++s->consecutiveRefusals >= config.maxConsecutiveRefusals) {
        qCWarning(lcServer) << "closing a connection after" << s->consecutiveRefusals
                            << "rate-limited requests in a row:" << s->peerAddress;
        s->close(CloseCode::PolicyViolated, QStringLiteral("too many refused requests"));
    }
}

void RoomServerPrivate::onText(Session *s, const QByteArray &utf8)
{
    const qint64 now = nowMs();
    s->lastHeardMs = now;
    if (s->isGone())
        return;
    // The codec reads the request (core/protocol/requests.h) in the order the refusals need:
    // the frame and its id, the rate limit, the type, hello first, then the fields.
    const auto read = RequestFrame::read(utf8);
    if (const auto *refusal = std::get_if<RequestRefusal>(&read)) {
        refuse(s, refusal->id, refusal->code, refusal->message);
        return;
    }
    const RequestFrame &frame = std::get<RequestFrame>(read);
    const qint64 id = frame.id;
    qint64 retryAfter = 0;
    if (!s->requests.take(now, &retryAfter)) {
        ProtocolError limited{ErrorCode::RateLimited,
                              QStringLiteral("Too many requests; slow down.")};
        limited.retryAfterMs = retryAfter;
        refuse(s, id, limited);
        return;
    }
    auto typed = frame.emptyOfType();
    if (const auto *refusal = std::get_if<RequestRefusal>(&typed)) {
        refuse(s, id, refusal->code, refusal->message);
        return;
    }
    Request &request = std::get<Request>(typed);
    if (!s->helloDone && !std::holds_alternative<Requests::Hello>(request) &&
        !std::holds_alternative<Requests::Ping>(request)) {
        refuse(s, id, ErrorCode::HelloRequired, QStringLiteral("Say hello first."));
        return;
    }
    if (stopping) {
        refuse(s, id, ErrorCode::ShuttingDown, QStringLiteral("The server is shutting down."));
        return;
    }
    if (const auto refusal = frame.decodeInto(request)) {
        refuse(s, id, refusal->code, refusal->message);
        return;
    }
    std::visit([this, s, id](const auto &r) { handle(s, id, r); }, request);
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
                        Notice{room->code, Notices::JoinRequestCancelled{gone.participantId}}
                            .toFrame());
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
            s->close(CloseCode::PolicyViolated, QStringLiteral("no hello"));
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

    QList<ClientConnection *> stalled;
    for (auto it = handshakes.cbegin(); it != handshakes.cend(); ++it) {
        if (now - it.value() > config.handshakeTimeoutMs)
            stalled.append(it.key());
    }
    // abort() runs the disconnected handler, which forgets and deletes the connection.
    for (ClientConnection *connection : std::as_const(stalled)) {
        qCWarning(lcServer).noquote() << "connection from" << connection->peerAddress().toString()
                                      << "did not finish its WebSocket upgrade within"
                                      << config.handshakeTimeoutMs << "ms: closing it";
        connection->abort();
    }

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
            removeParticipant(room, pid, LeaveReason::TimedOut, {}, {}, {});
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].deadlineMs < now) {
                PendingJoin pending = room->waiting.takeAt(i);
                refuseWaiting(pending, ErrorCode::JoinDenied,
                              QStringLiteral("The host did not answer "
                                             "in time."));
            }
        }
        if (room->isEmpty() && room->emptySinceMs &&
            now - room->emptySinceMs > config.emptyRoomExpirySeconds * 1000LL) {
            qCInfo(lcServer) << "room" << room->code << "expired";
            closeRoom(room, CloseReason::Expired, {});
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
    listener->close();
    const QList<ClientConnection *> pendingUpgrades = handshakes.keys();
    for (ClientConnection *connection : pendingUpgrades)
        connection->abort();
    for (const auto &room : rooms.rooms()) {
        for (PendingJoin &pending : room->waiting)
            refuseWaiting(pending, ErrorCode::ShuttingDown,
                          QStringLiteral("The server is shutting down."));
        room->waiting.clear();
    }
    // Everything acknowledged is already durable; flush() lands what is still in flight and
    // delivers its replies before the connections go.
    commits->flush();
    const QList<Session *> open = sessions.values();
    for (Session *s : open)
        s->close(CloseCode::GoingAway, QStringLiteral("server shutting down"));
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
    return d->listener && d->listener->isListening();
}

quint16 RoomServer::port() const
{
    return d->listener ? d->listener->serverPort() : 0;
}

bool RoomServer::isSecure() const
{
    return d->listener ? d->listener->isSecure() : !d->config.certificate.isNull();
}

QByteArray RoomServer::certificateFingerprint() const
{
    return d->config.certificate.isNull() ? QByteArray() : Fingerprint::of(d->config.certificate);
}

QUrl RoomServer::url() const
{
    QHostAddress address = d->listener ? d->listener->serverAddress() : d->config.bindAddress;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    QUrl url;
    url.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
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
