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
// wss: hosts serve TLS by default, and a typed address pins its host on first use. A host
// serving plain ws:// (`hearth serve --no-tls`) is typed with its scheme.
inline constexpr auto DefaultScheme = "wss";

// "192.168.1.5", "host:47801", "ws://host:47801/", "wss://host:47801/",
// "hearth://host:47801/XJ9K2M?fp=…" → the server's URL. `code` receives the code a hearth://
// link carries, `fingerprint` its certificate fingerprint (empty when it has none).
std::optional<QUrl> parseHostAddress(const QString &typed, QString *code = nullptr,
                                     QByteArray *fingerprint = nullptr);

} // namespace NetworkAddresses
