#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QUrl>

// The hosts this installation has met over wss://, each with the fingerprint of the
// certificate it showed (trust on first use): a join by address, by link or across subnets
// expects the pinned fingerprint, and a host that shows another certificate is refused until
// the person accepts the new one (docs/protocol.md, "Trust").
//
// Kept in a QSettings INI file (the app's settings; tests give a temporary one), one entry per
// host instance, keyed "host:port" of the server's URL: one machine may run several hosts
// (`hearth serve` and the desktop app, or two profiles), each on its own port with its own
// certificate, so the host alone would make them overwrite each other's pin. The key is the
// address as typed: the same host reached by its name and by its IP address is pinned twice.
class KnownHosts
{
public:
    explicit KnownHosts(const QString &settingsPath);

    // "192.168.1.5:47800", "[::1]:47800", "example.org:47800" (host in lower case; the
    // default port when the URL has none).
    static QString keyFor(const QUrl &serverUrl);

    // Empty when this host was never pinned.
    QByteArray pinned(const QUrl &serverUrl) const;
    // Remembers (or replaces) the host's fingerprint; an empty one forgets it.
    void pin(const QUrl &serverUrl, const QByteArray &fingerprint);

private:
    QString m_path;
};
