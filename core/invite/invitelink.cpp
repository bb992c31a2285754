#include "invitelink.h"

#include "protocol/protocol.h"
#include "protocol/roomcode.h"
#include "security/fingerprint.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QHostAddress>

using namespace Qt::StringLiterals;

namespace {
constexpr auto Scheme = "hearth://"_L1;
constexpr auto FingerprintKey = "fp"_L1;
} // namespace

bool InviteLink::looksLikeLink(QStringView text)
{
    return text.trimmed().startsWith(Scheme, Qt::CaseInsensitive);
}

std::optional<InviteLink> InviteLink::parse(QStringView text)
{
    const QString trimmed = text.trimmed().toString();
    if (!looksLikeLink(trimmed))
        return std::nullopt;
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasFragment())
        return std::nullopt;
    // The only query a link may have is one fingerprint: anything else is not a link this
    // build understands, and a link whose fingerprint is damaged must not lead anywhere (it
    // would silently lose its pin).
    QByteArray fingerprint;
    if (url.hasQuery()) {
        const QUrlQuery query(url);
        const auto items = query.queryItems(QUrl::FullyDecoded);
        if (items.size() != 1 || items.first().first != FingerprintKey)
            return std::nullopt;
        fingerprint = Fingerprint::fromHex(items.first().second);
        if (fingerprint.isEmpty())
            return std::nullopt;
    }
    // QUrl accepts "hearth://host:0/…" and an empty port ("host:/"); neither reaches a server.
    const int port = url.port(Protocol::DefaultPort);
    if (port <= 0 || port > 65535)
        return std::nullopt;
    QString path = url.path();
    if (!path.startsWith(u'/'))
        return std::nullopt;
    path.remove(0, 1);
    if (path.endsWith(u'/'))
        path.chop(1);
    if (path.contains(u'/'))
        return std::nullopt;
    const auto code = RoomCode::normalize(path);
    if (!code)
        return std::nullopt;
    InviteLink link;
    link.host = url.host();
    link.port = quint16(port);
    link.code = *code;
    link.fingerprint = fingerprint;
    return link;
}

QString InviteLink::toString() const
{
    const bool ipv6 = host.contains(u':');
    QString text =
        Scheme + (ipv6 ? u'[' + host + u']' : host) + u':' + QString::number(port) + u'/' + code;
    if (!fingerprint.isEmpty())
        text += u"?fp="_s + Fingerprint::toHex(fingerprint);
    return text;
}

QUrl InviteLink::serverUrl() const
{
    QUrl url;
    url.setScheme(fingerprint.isEmpty() ? u"ws"_s : u"wss"_s);
    url.setHost(host);
    url.setPort(port);
    url.setPath(u"/"_s);
    return url;
}

QString InviteLink::inviteText(const QString &roomName) const
{
    return QCoreApplication::translate("InviteLink",
                                       "Join my Hearth room “%1” with the code %2 (on the same "
                                       "network, the code is enough), or open %3")
        .arg(roomName, code, toString());
}
