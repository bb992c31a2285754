#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QUrl>

// What a client sends as its identity's secret to one host: never the identity's own secret,
// but HMAC-SHA256(identity secret, "hearth-host-secret-v2|" + host key), base64url without
// padding (43 characters). The host key is the host's certificate fingerprint (hex) when the
// connection is TLS, else the server URL's "ws://host" (no port: see hostsecret.cpp). What one host
// receives therefore lets nobody claim the identity at any other host (docs/protocol.md,
// "Identity").
namespace HostSecret {

QString hostKey(const QUrl &serverUrl, const QByteArray &certificateFingerprint);
QString derive(const QString &identitySecret, const QString &hostKey);

} // namespace HostSecret
