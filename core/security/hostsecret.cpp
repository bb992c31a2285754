#include "hostsecret.h"

#include "fingerprint.h"

#include <QtCore/QMessageAuthenticationCode>

namespace HostSecret {

QString hostKey(const QUrl &serverUrl, const QByteArray &publicKeyFingerprint)
{
    if (!publicKeyFingerprint.isEmpty())
        return Fingerprint::toHex(publicKeyFingerprint);
    // Not the port: a host's port may change between runs (the desktop takes any free port
    // when 47800 is busy), and its database would then refuse every returning identity.
    QUrl authority;
    authority.setScheme(QStringLiteral("ws"));
    authority.setHost(serverUrl.host().toLower());
    return authority.toString();
}

QString derive(const QString &identitySecret, const QString &hostKey)
{
    const QByteArray mac =
        QMessageAuthenticationCode::hash("hearth-host-secret-v2|" + hostKey.toUtf8(),
                                         identitySecret.toUtf8(), QCryptographicHash::Sha256);
    return QString::fromLatin1(
        mac.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace HostSecret
