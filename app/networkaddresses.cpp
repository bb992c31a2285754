#include "networkaddresses.h"

#include "discovery/discoveryconfig.h"
#include "invite/invitelink.h"
#include "protocol/protocol.h"

#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;

namespace {

bool isPrivateIPv4(const QHostAddress &address)
{
    const quint32 ip = address.toIPv4Address();
    return (ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1u) ||
           (ip >> 16) == ((192u << 8) | 168u);
}

} // namespace

namespace NetworkAddresses {

QStringList lanAddresses()
{
    QStringList privateV4;
    QStringList otherV4;
    QStringList v6;
    const auto interfaces = DiscoveryConfig::lanInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress address = entry.ip();
            if (address.isLoopback())
                continue;
            if (address.protocol() == QAbstractSocket::IPv4Protocol)
                (isPrivateIPv4(address) ? privateV4 : otherV4).append(address.toString());
            else if (address.protocol() == QAbstractSocket::IPv6Protocol && !address.isLinkLocal())
                v6.append(address.toString()); // link-local needs a zone no URL carries
        }
    }
    QStringList all = privateV4 + otherV4 + v6;
    all.removeDuplicates();
    if (all.isEmpty())
        all.append(u"127.0.0.1"_s);
    return all;
}

QString lanAddress()
{
    // IPv4 only: it goes into a ws:// URL without brackets or a zone.
    const QStringList addresses = lanAddresses();
    for (const QString &address : addresses) {
        if (QHostAddress(address).protocol() == QAbstractSocket::IPv4Protocol)
            return address;
    }
    return u"127.0.0.1"_s;
}

std::optional<QUrl> parseHostAddress(const QString &typed, QString *code, QByteArray *fingerprint)
{
    const QString text = typed.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    QUrl url;
    if (InviteLink::looksLikeLink(text)) {
        const auto link = InviteLink::parse(text);
        if (!link)
            return std::nullopt;
        if (code)
            *code = link->code;
        if (fingerprint)
            *fingerprint = link->fingerprint;
        url = link->serverUrl();
    } else if (text.startsWith("ws://"_L1, Qt::CaseInsensitive) ||
               text.startsWith("wss://"_L1, Qt::CaseInsensitive)) {
        url = QUrl(text, QUrl::StrictMode);
        if (url.port() < 0)
            url.setPort(Protocol::DefaultPort);
    } else {
        url = QUrl(QLatin1StringView(DefaultScheme) + u"://"_s + text, QUrl::StrictMode);
        if (url.port() < 0)
            url.setPort(Protocol::DefaultPort);
        if (!url.path().isEmpty() && url.path() != "/"_L1)
            return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    url.setPath(u"/"_s);
    return url;
}

} // namespace NetworkAddresses
