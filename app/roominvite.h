#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>

// What a person hands friends so they can join: a hearth:// link, and a sentence around it.
namespace RoomInvite {

// hearth://HOST:PORT/CODE?fp=FINGERPRINT (without "?fp=" when `fingerprint` is empty: a host
// that serves plain ws://).
QString link(const QString &host, quint16 port, const QString &code,
             const QByteArray &fingerprint = {});
// One link for each address others may reach this machine at (the network check).
QStringList links(const QStringList &hosts, quint16 port, const QString &code,
                  const QByteArray &fingerprint = {});
// The room's name, code and address in a sentence (without an address when `link` is not one).
QString text(const QString &link, const QString &roomName, const QString &code);

} // namespace RoomInvite
