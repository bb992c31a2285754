#include "fingerprint.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>

namespace {
// The BIP-39 English word list (MIT licence, from the Debian package python3-mnemonic), a
// resource of this library: 2,048 lines, one word each.
const QStringList &wordList()
{
    static const QStringList list = [] {
        QFile file(QStringLiteral(":/hearth/security/fingerprintwords.txt"));
        if (!file.open(QIODevice::ReadOnly))
            return QStringList();
        return QString::fromLatin1(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }();
    return list;
}
} // namespace

namespace Fingerprint {

QByteArray of(const QSslCertificate &certificate)
{
    return certificate.isNull() ? QByteArray() : certificate.digest(QCryptographicHash::Sha256);
}

QByteArray ofPublicKey(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.isNull() ? QByteArray() : certificate.publicKey().toDer();
    return der.isEmpty() ? QByteArray() : QCryptographicHash::hash(der, QCryptographicHash::Sha256);
}

QString toHex(const QByteArray &fingerprint)
{
    return QString::fromLatin1(fingerprint.toHex());
}

QByteArray fromHex(QStringView text)
{
    QByteArray hex = text.toLatin1();
    hex.replace(':', QByteArray());
    if (hex.size() != 2 * Size)
        return {};
    for (char c : std::as_const(hex)) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return {};
    }
    return QByteArray::fromHex(hex);
}

QStringList words(const QByteArray &fingerprint)
{
    const QStringList &list = wordList();
    if (fingerprint.size() < 6 || list.size() != 2048)
        return {};
    quint64 bits = 0;
    for (int i = 0; i < 6; ++i)
        bits = (bits << 8) | quint8(fingerprint[i]);
    QStringList result;
    for (int i = 0; i < WordCount; ++i)
        result.append(list.at(int((bits >> (48 - 11 * (i + 1))) & 0x7ff)));
    return result;
}

QString wordsText(const QByteArray &fingerprint)
{
    return words(fingerprint).join(QStringLiteral(" · "));
}

} // namespace Fingerprint
