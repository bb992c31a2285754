#include "invitelink.h"

#include "protocol/protocol.h"
#include "protocol/roomcode.h"

#include <QtCore/QCoreApplication>
#include <QtNetwork/QHostAddress>

using namespace Qt::StringLiterals;

namespace {
constexpr auto Scheme = "hearth://"_L1;
}

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
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery() ||
        url.hasFragment())
        return std::nullopt;
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
    return link;
}

QString InviteLink::toString() const
{
    const bool ipv6 = host.contains(u':');
    return Scheme + (ipv6 ? u'[' + host + u']' : host) + u':' + QString::number(port) + u'/' + code;
}

QUrl InviteLink::serverUrl() const
{
    QUrl url;
    url.setScheme(u"ws"_s);
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
