#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QUrl>

// What a client sends as its identity's secret to one host: never the identity's own secret,
// but HMAC-SHA256(identity secret, "hearth-host-secret-v2|" + host key), base64url without
// padding (43 characters). The host key is the SHA-256 (hex) of the host certificate's public
// key (Fingerprint::ofPublicKey) when the connection is TLS, so that a certificate renewed with
// the same key keeps every identity; else the server URL's "ws://host" (no port: see
// hostsecret.cpp). What one host receives therefore lets nobody claim the identity at any other
// host (docs/protocol.md, "Identity across hosts").
namespace HostSecret {

QString hostKey(const QUrl &serverUrl, const QByteArray &publicKeyFingerprint);
QString derive(const QString &identitySecret, const QString &hostKey);

} // namespace HostSecret
