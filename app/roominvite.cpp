#include "roominvite.h"

#include "invite/invitelink.h"

#include <QtCore/QCoreApplication>

namespace RoomInvite {

QString link(const QString &host, quint16 port, const QString &code, const QByteArray &fingerprint)
{
    return InviteLink{host, port, code, fingerprint}.toString();
}

QStringList links(const QStringList &hosts, quint16 port, const QString &code,
                  const QByteArray &fingerprint)
{
    QStringList all;
    for (const QString &host : hosts)
        all.append(link(host, port, code, fingerprint));
    return all;
}

QString text(const QString &link, const QString &roomName, const QString &code)
{
    const auto parsed = InviteLink::parse(link);
    if (!parsed)
        return QCoreApplication::translate("AppController",
                                           "Join my Hearth room “%1” with the code %2")
            .arg(roomName, code);
    return parsed->inviteText(roomName);
}

} // namespace RoomInvite
