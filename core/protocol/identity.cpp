#include "identity.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QRandomGenerator>

namespace {
bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
           u == u'_' || u == u'-';
}

bool isToken(QStringView s, int min, int max)
{
    if (s.size() < min || s.size() > max)
        return false;
    for (QChar c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

QString randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

bool Identity::isWellFormed() const
{
    return IdentityRules::isWellFormedId(id) && IdentityRules::isWellFormedSecret(secret);
}

Identity Identity::generate()
{
    // 16 random bytes of id (22 characters) and 32 of secret (43 characters).
    return Identity{randomToken(16), randomToken(32)};
}

namespace IdentityRules {

bool isWellFormedId(QStringView id)
{
    return isToken(id, 16, 64);
}

bool isWellFormedSecret(QStringView secret)
{
    return isToken(secret, 32, 128);
}

QString participantIdFor(QStringView identityId)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView("hearth-participant:"));
    hash.addData(identityId.toUtf8());
    return QString::fromLatin1(hash.result().left(8).toHex());
}

QByteArray secretHash(QStringView secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace IdentityRules
