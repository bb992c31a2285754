#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

#include <optional>

// Addresses as the lobby and the room show them: what this machine is reachable at on the
// LAN, and what a person typed to reach a host.
namespace NetworkAddresses {

// This machine's addresses others may reach: IPv4 of up interfaces (private ones first), then
// global IPv6. Loopback only when there is nothing else.
QStringList lanAddresses();
// This machine's address on the LAN (the first IPv4 of lanAddresses()), or 127.0.0.1.
QString lanAddress();
// The scheme of an address typed without one ("192.168.1.5", "host:47801").
// TODO(merge): "wss" once hosts serve TLS by default (the Qt transport); a typed address then
// pins the host on first use. Plain ws:// until then, so that typed addresses reach the hosts
// this branch runs.
inline constexpr auto DefaultScheme = "ws";

// "192.168.1.5", "host:47801", "ws://host:47801/", "wss://host:47801/",
// "hearth://host:47801/XJ9K2M?fp=…" → the server's URL. `code` receives the code a hearth://
// link carries, `fingerprint` its certificate fingerprint (empty when it has none).
std::optional<QUrl> parseHostAddress(const QString &typed, QString *code = nullptr,
                                     QByteArray *fingerprint = nullptr);

} // namespace NetworkAddresses
