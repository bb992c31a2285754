#pragma once

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtNetwork/QHostAddress>

#include <optional>

// Where LAN discovery listens and sends. The default, for real use, is the discovery port on
// every up interface: each IPv4 broadcast address and the IPv6 link-local group on each
// multicast-capable interface. Tests (and anybody who wants to keep discovery off a network)
// list the targets explicitly, e.g. only 127.255.255.255, so nothing leaves the machine.
//
// Environment (read by fromEnvironment()):
//   HEARTH_DISCOVERY=off            no discovery at all
//   HEARTH_DISCOVERY_PORT=N         the UDP port (default 47800)
//   HEARTH_DISCOVERY_TARGETS=A,B    addresses to send to instead of every interface's
struct DiscoveryConfig {
    bool enabled = true;
    quint16 port = 47800;
    QList<QHostAddress> targets; // empty: automatic (every up interface)

    bool isAutomatic() const { return targets.isEmpty(); }
    // The addresses datagrams go to: `targets`, or in automatic mode every up interface's
    // broadcast address and the IPv6 group scoped to each multicast-capable interface.
    QList<QHostAddress> sendTargets() const;
    // The IPv6 link-local multicast group hosts join and joiners send to.
    static QHostAddress ipv6Group();

    // The defaults overridden by the environment. `error` (if given) says what was ignored.
    static DiscoveryConfig fromEnvironment(QString *error = nullptr);
    // "127.255.255.255,ff02::4865:6172:7468%lo" → addresses; nullopt if one does not parse.
    static std::optional<QList<QHostAddress>> parseTargets(const QString &text);
};
