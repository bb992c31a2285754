#include "hostsecret.h"

#include "fingerprint.h"

#include <QtCore/QMessageAuthenticationCode>

namespace HostSecret {

QString hostKey(const QUrl &serverUrl, const QByteArray &certificateFingerprint)
{
    if (!certificateFingerprint.isEmpty())
        return Fingerprint::toHex(certificateFingerprint);
    QUrl authority;
    authority.setScheme(QStringLiteral("ws"));
    authority.setHost(serverUrl.host().toLower());
    authority.setPort(serverUrl.port());
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
