#include "publicroomsmodel.h"

#include "lantransport.h"

#include <QtCore/QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

PublicRoomsModel::PublicRoomsModel(const DiscoveryConfig &config, QObject *parent)
    : QAbstractListModel(parent)
    , m_config(config)
{
    m_expiry.setInterval(1000);
    connect(&m_expiry, &QTimer::timeout, this, &PublicRoomsModel::expire);
}

PublicRoomsModel::~PublicRoomsModel() = default;

bool PublicRoomsModel::start()
{
    if (m_listen)
        return true;
    if (!m_config.enabled) {
        m_problem = tr("LAN discovery is turned off.");
        Q_EMIT activeChanged();
        return false;
    }
    auto *listen = new LanTransport(m_config, this);
    auto *ask = new LanTransport(m_config, this);
    if (!listen->open(LanTransport::Binding::SharedPort) ||
        !ask->open(LanTransport::Binding::OwnPort)) {
        m_problem = tr("Cannot listen for rooms on UDP port %1: %2")
                        .arg(m_config.port)
                        .arg(listen->isOpen() ? ask->errorString() : listen->errorString());
        delete listen;
        delete ask;
        Q_EMIT activeChanged();
        return false;
    }
    m_listen = listen;
    m_ask = ask;
    m_problem.clear();
    for (LanTransport *transport : {m_listen, m_ask}) {
        connect(transport, &LanTransport::received, this,
                [this](const QByteArray &datagram, const QHostAddress &sender, quint16) {
                    onDatagram(datagram, sender);
                });
    }
    m_expiry.start();
    Q_EMIT activeChanged();
    refresh();
    return true;
}

void PublicRoomsModel::stop()
{
    if (!m_listen)
        return;
    delete m_listen;
    delete m_ask;
    m_listen = m_ask = nullptr;
    m_expiry.stop();
    removeWhere([](const Entry &) { return true; });
    Q_EMIT activeChanged();
}

void PublicRoomsModel::refresh()
{
    if (m_ask)
        m_ask->sendToTargets(LanWire::encodeList(LanWire::freshNonce()));
}

int PublicRoomsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant PublicRoomsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return e.room.name;
    case CodeRole:
        return e.room.code;
    case HostNameRole:
        return e.room.hostName;
    case MembersRole:
        return e.room.members;
    case CapacityRole:
        return e.room.capacity;
    case LockedRole:
        return e.room.locked;
    case HasPasswordRole:
        return e.room.hasPassword;
    case AddressRole:
        return e.url().toString();
    case InstanceRole:
        return e.instance;
    case FingerprintRole:
        return QString::fromLatin1(e.fingerprint.toHex());
    }
    return {};
}

QUrl PublicRoomsModel::Entry::url() const
{
    QUrl url;
    url.setScheme(fingerprint.isEmpty() ? u"ws"_s : u"wss"_s);
    url.setHost(address.toString());
    url.setPort(port);
    url.setPath(u"/"_s);
    return url;
}

QByteArray PublicRoomsModel::announcedFingerprint(const QUrl &url, const QString &code) const
{
    const auto it = std::find_if(m_entries.cbegin(), m_entries.cend(), [&](const Entry &e) {
        return e.room.code == code && e.url() == url.adjusted(QUrl::NormalizePathSegments);
    });
    return it == m_entries.cend() ? QByteArray() : it->fingerprint;
}

QHash<int, QByteArray> PublicRoomsModel::roleNames() const
{
    return {{CodeRole, "code"},
            {NameRole, "name"},
            {HostNameRole, "hostName"},
            {MembersRole, "members"},
            {CapacityRole, "capacity"},
            {LockedRole, "locked"},
            {HasPasswordRole, "hasPassword"},
            {AddressRole, "address"},
            {InstanceRole, "instance"},
            {FingerprintRole, "fingerprint"}};
}

void PublicRoomsModel::onDatagram(const QByteArray &datagram, const QHostAddress &sender)
{
    const auto message = LanWire::decode(datagram);
    if (!message)
        return;
    switch (message->type) {
    case LanWire::Type::Announce: {
        // Link-local IPv6 needs a zone a ws:// URL cannot carry; the IPv4 copy will do.
        if (sender.protocol() == QAbstractSocket::IPv6Protocol && sender.isLinkLocal())
            return;
        const qint64 expires = nowMs() + qint64(message->ttlSeconds) * 1000;
        for (const LanWire::PublicRoom &room : message->rooms) {
            auto it = std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry &e) {
                return e.instance == message->instance && e.room.code == room.code;
            });
            if (it != m_entries.end()) {
                it->room = room;
                it->address = sender;
                it->port = message->port;
                it->fingerprint = message->fingerprint;
                it->expiresAtMs = expires;
                const QModelIndex changed = index(int(it - m_entries.begin()));
                Q_EMIT dataChanged(changed, changed);
                continue;
            }
            beginInsertRows({}, int(m_entries.size()), int(m_entries.size()));
            m_entries.append(Entry{message->instance, sender, message->port, message->fingerprint,
                                   room, expires});
            endInsertRows();
            Q_EMIT countChanged();
        }
        break;
    }
    case LanWire::Type::Gone:
        removeWhere([&](const Entry &e) {
            return e.instance == message->instance && message->codes.contains(e.room.code);
        });
        break;
    case LanWire::Type::Bye:
        removeWhere([&](const Entry &e) { return e.instance == message->instance; });
        break;
    default:
        break; // queries and answers are not for a listener
    }
}

void PublicRoomsModel::removeWhere(const std::function<bool(const Entry &)> &predicate)
{
    bool removed = false;
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (!predicate(m_entries.at(row)))
            continue;
        beginRemoveRows({}, row, row);
        m_entries.removeAt(row);
        endRemoveRows();
        removed = true;
    }
    if (removed)
        Q_EMIT countChanged();
}

void PublicRoomsModel::expire()
{
    const qint64 now = nowMs();
    removeWhere([now](const Entry &e) { return e.expiresAtMs <= now; });
}
