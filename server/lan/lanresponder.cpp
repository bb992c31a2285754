#include "lanresponder.h"

#include "discovery/lantransport.h"
#include "roomserver.h"
#include "security/fingerprint.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QSet>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLanResponder, "hearth.server.lan")

LanResponder::LanResponder(RoomServer *server, const DiscoveryConfig &config, QObject *parent)
    : LanResponder(server, config, Options{}, parent)
{}

LanResponder::LanResponder(RoomServer *server, const DiscoveryConfig &config,
                           const Options &options, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_config(config)
    , m_options(options)
    , m_instance(LanWire::freshInstance())
    , m_fingerprint(servedFingerprint(*server))
{
    m_clock.start();
    m_budget = m_options.checkBurst;
    m_pollTimer.setInterval(m_options.pollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &LanResponder::poll);
}

LanResponder::~LanResponder()
{
    stop();
}

QByteArray LanResponder::servedFingerprint(const RoomServer &server)
{
    // By the scheme the server reports rather than by its configuration alone: a transport that
    // was given a certificate but serves plain ws:// must not be vouched for.
    if (server.url().scheme() != QLatin1String("wss"))
        return {};
    return Fingerprint::of(server.config().certificate);
}

bool LanResponder::start()
{
    if (m_transport)
        return true;
    if (!m_config.enabled) {
        m_error = tr("LAN discovery is turned off");
        return false;
    }
    auto *transport = new LanTransport(m_config, this);
    if (!transport->open(LanTransport::Binding::SharedPort)) {
        m_error =
            tr("cannot bind UDP port %1: %2").arg(m_config.port).arg(transport->errorString());
        delete transport;
        return false;
    }
    m_transport = transport;
    connect(m_transport, &LanTransport::received, this, &LanResponder::onDatagram);
    m_sinceAnnounce.invalidate();
    m_pollTimer.start();
    poll();
    qCInfo(lcLanResponder) << "answering on UDP port" << m_config.port << "as" << m_instance;
    return true;
}

void LanResponder::stop()
{
    if (!m_transport)
        return;
    m_pollTimer.stop();
    // Datagrams leave at once (writeDatagram does not queue), so the bye is out before the
    // socket closes.
    m_transport->sendToTargets(LanWire::encodeBye(m_instance));
    m_keys.retainOnly({});
    delete m_transport;
    m_transport = nullptr;
    m_announced.clear();
}

void LanResponder::onDatagram(const QByteArray &datagram, const QHostAddress &sender,
                              quint16 senderPort)
{
    const auto message = LanWire::decode(datagram);
    if (!message) {
        ++m_ignored;
        return;
    }
    if (message->type != LanWire::Type::Query && message->type != LanWire::Type::List)
        return; // announcements of other servers (or our own, looped back)
    // A server that listens on loopback only cannot be joined from elsewhere: do not send
    // other machines to it.
    if (m_server->config().bindAddress.isLoopback() && !sender.isLoopback())
        return;
    // One budget for all sources: checking a query costs an HMAC per live room, and a flood
    // must not take the server's thread from its rooms. A list request costs about as much as
    // a query on a small server.
    const double cost = message->type == LanWire::Type::Query
                            ? std::min(m_options.checkBurst, double(m_server->roomCount()) + 1)
                            : 50;
    if (!spend(cost)) {
        ++m_ignored;
        return;
    }
    if (message->type == LanWire::Type::Query) {
        answerQuery(*message, sender, senderPort);
        return;
    }
    // A lobby asking for the public rooms: the answer goes to it alone.
    const auto datagrams = LanWire::encodeAnnounce(m_instance, m_server->port(), m_fingerprint,
                                                   m_options.ttlSeconds, publicRooms());
    for (const QByteArray &announce : datagrams)
        m_transport->sendTo(sender, senderPort, announce);
}

void LanResponder::answerQuery(const LanWire::Message &query, const QHostAddress &sender,
                               quint16 senderPort)
{
    const auto rooms = m_server->liveRooms();
    for (const RoomServer::RoomListing &room : rooms) {
        // Empty while being derived (a room made in the last moments): no answer yet, the
        // finder asks again.
        const QByteArray key = m_keys.keyFor(room.code);
        if (key.isEmpty() ||
            !LanWire::proofsEqual(LanWire::queryProof(key, query.nonce), query.proof))
            continue;
        const quint16 port = m_server->port();
        const QByteArray proof =
            LanWire::answerProof(key, query.nonce, port, m_instance, m_fingerprint);
        m_transport->sendTo(
            sender, senderPort,
            LanWire::encodeAnswer(query.nonce, port, m_instance, m_fingerprint, proof));
        ++m_answered;
        qCDebug(lcLanResponder) << "answered a query for a room from" << sender;
        return;
    }
}

bool LanResponder::spend(double cost)
{
    const qint64 now = m_clock.elapsed();
    m_budget = std::min(m_options.checkBurst,
                        m_budget + double(now - m_budgetAtMs) * m_options.checksPerSecond / 1000);
    m_budgetAtMs = now;
    if (m_budget < cost)
        return false;
    m_budget -= cost;
    return true;
}

void LanResponder::refreshKeys()
{
    QSet<QString> live;
    for (const RoomServer::RoomListing &room : m_server->liveRooms()) {
        live.insert(room.code);
        m_keys.keyFor(room.code);
    }
    m_keys.retainOnly(live);
}

QList<LanWire::PublicRoom> LanResponder::publicRooms() const
{
    QList<LanWire::PublicRoom> result;
    const auto rooms = m_server->liveRooms();
    for (const RoomServer::RoomListing &room : rooms) {
        if (!room.isPublic)
            continue;
        result.append(LanWire::PublicRoom{room.code, room.name, room.hostName, room.members,
                                          room.capacity, room.locked, room.hasPassword});
        if (result.size() >= m_options.maxPublicRooms)
            break;
    }
    std::sort(result.begin(), result.end(),
              [](const auto &a, const auto &b) { return a.code < b.code; });
    return result;
}

void LanResponder::poll()
{
    if (!m_transport)
        return;
    refreshKeys();

    const QList<LanWire::PublicRoom> now = publicRooms();
    QStringList gone;
    for (const LanWire::PublicRoom &before : std::as_const(m_announced)) {
        if (std::none_of(now.cbegin(), now.cend(),
                         [&](const auto &room) { return room.code == before.code; }))
            gone.append(before.code);
    }
    if (!gone.isEmpty())
        m_transport->sendToTargets(LanWire::encodeGone(m_instance, gone));
    const bool due =
        !m_sinceAnnounce.isValid() || m_sinceAnnounce.elapsed() >= m_options.announceEveryMs;
    if (!now.isEmpty() && (now != m_announced || due)) {
        const auto datagrams = LanWire::encodeAnnounce(m_instance, m_server->port(), m_fingerprint,
                                                       m_options.ttlSeconds, now);
        for (const QByteArray &announce : datagrams)
            m_transport->sendToTargets(announce);
        m_sinceAnnounce.start();
    }
    m_announced = now;
}
