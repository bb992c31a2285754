#include "lantransport.h"

#include "lanwire.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QNetworkDatagram>
#include <QtNetwork/QNetworkInterface>
#include <QtNetwork/QUdpSocket>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLan, "hearth.lan")

LanTransport::LanTransport(const DiscoveryConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

LanTransport::~LanTransport() = default;

bool LanTransport::open(Binding binding)
{
    close();
    m_targets = m_config.sendTargets();
    const quint16 port = binding == Binding::SharedPort ? m_config.port : 0;
    const auto mode = binding == Binding::SharedPort
                          ? QUdpSocket::ShareAddress | QUdpSocket::ReuseAddressHint
                          : QUdpSocket::DefaultForPlatform;

    m_v4 = new QUdpSocket(this);
    if (!m_v4->bind(QHostAddress::AnyIPv4, port, mode)) {
        m_error = m_v4->errorString();
        delete m_v4;
        m_v4 = nullptr;
        return false;
    }
    connect(m_v4, &QUdpSocket::readyRead, this, [this] { drain(m_v4); });

    const bool wantsIPv6 = std::any_of(m_targets.cbegin(), m_targets.cend(), [](const auto &a) {
        return a.protocol() == QAbstractSocket::IPv6Protocol;
    });
    if (wantsIPv6) {
        m_v6 = new QUdpSocket(this);
        if (!m_v6->bind(QHostAddress::AnyIPv6, port, mode)) {
            qCInfo(lcLan) << "no IPv6 discovery:" << m_v6->errorString();
            delete m_v6;
            m_v6 = nullptr;
        } else {
            connect(m_v6, &QUdpSocket::readyRead, this, [this] { drain(m_v6); });
            if (binding == Binding::SharedPort) {
                // Hosts join the group on each interface a target names, to hear queries.
                for (const QHostAddress &target : std::as_const(m_targets)) {
                    if (!target.isMulticast() || target.protocol() != QAbstractSocket::IPv6Protocol)
                        continue;
                    QHostAddress group = target;
                    const QString scope = group.scopeId();
                    group.setScopeId({});
                    const QNetworkInterface iface = QNetworkInterface::interfaceFromName(scope);
                    const bool joined = iface.isValid() ? m_v6->joinMulticastGroup(group, iface)
                                                        : m_v6->joinMulticastGroup(group);
                    if (!joined)
                        qCInfo(lcLan) << "could not join" << target << m_v6->errorString();
                }
            }
        }
    }
    m_error.clear();
    return true;
}

void LanTransport::close()
{
    delete m_v4;
    m_v4 = nullptr;
    delete m_v6;
    m_v6 = nullptr;
}

bool LanTransport::isOpen() const
{
    return m_v4 != nullptr;
}

void LanTransport::sendToTargets(const QByteArray &datagram)
{
    for (const QHostAddress &target : std::as_const(m_targets))
        sendTo(target, m_config.port, datagram);
}

void LanTransport::sendTo(const QHostAddress &address, quint16 port, const QByteArray &datagram)
{
    QUdpSocket *socket = address.protocol() == QAbstractSocket::IPv6Protocol ? m_v6 : m_v4;
    if (!socket)
        return;
    if (socket->writeDatagram(datagram, address, port) < 0)
        qCDebug(lcLan) << "send to" << address << port << "failed:" << socket->errorString();
}

void LanTransport::drain(QUdpSocket *socket)
{
    while (socket && socket->hasPendingDatagrams()) {
        // One byte more than allowed: a datagram that fills it was too large.
        const QNetworkDatagram datagram = socket->receiveDatagram(LanWire::MaxDatagramSize + 1);
        if (!datagram.isValid() || datagram.data().size() > LanWire::MaxDatagramSize)
            continue;
        QHostAddress sender = datagram.senderAddress();
        bool mapped = false;
        const quint32 v4 = sender.toIPv4Address(&mapped);
        if (mapped && sender.protocol() == QAbstractSocket::IPv6Protocol)
            sender = QHostAddress(v4);
        Q_EMIT received(datagram.data(), sender, quint16(datagram.senderPort()));
    }
}
