#pragma once

#include "discoveryconfig.h"

#include <QtCore/QObject>

class QUdpSocket;

// The UDP sockets of one discovery endpoint: an IPv4 socket and, where IPv6 targets exist, an
// IPv6 one. Either bound to the shared discovery port (several processes on one machine may
// bind it: each receives every broadcast and multicast datagram, while a unicast datagram
// reaches only one of them), or to a port of its own, which is where unicast replies go.
class LanTransport : public QObject
{
    Q_OBJECT
public:
    enum class Binding { SharedPort, OwnPort };

    explicit LanTransport(const DiscoveryConfig &config, QObject *parent = nullptr);
    ~LanTransport() override;

    // False (errorString() says why) when not even the IPv4 socket could be bound.
    bool open(Binding binding);
    void close();
    bool isOpen() const;
    QString errorString() const { return m_error; }

    // To every target of the configuration, on the discovery port.
    void sendToTargets(const QByteArray &datagram);
    void sendTo(const QHostAddress &address, quint16 port, const QByteArray &datagram);

Q_SIGNALS:
    // A datagram of at most LanWire::MaxDatagramSize bytes (larger ones are dropped unread).
    // IPv4-mapped senders arrive as plain IPv4.
    void received(const QByteArray &datagram, const QHostAddress &sender, quint16 senderPort);

private:
    void drain(QUdpSocket *socket);

    DiscoveryConfig m_config;
    QList<QHostAddress> m_targets;
    QUdpSocket *m_v4 = nullptr;
    QUdpSocket *m_v6 = nullptr;
    QString m_error;
};
