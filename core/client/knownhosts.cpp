#include "knownhosts.h"

#include "protocol/protocol.h"
#include "security/fingerprint.h"

#include <QtCore/QSettings>

using namespace Qt::StringLiterals;

namespace {
// Not under a profile's prefix: a host's certificate is the same whoever joins it.
constexpr auto Group = "knownHosts/"_L1;

QString settingsKey(const QUrl &serverUrl)
{
    // QSettings treats '/' as a group separator and '\' specially in keys; a host never has
    // either, but an INI key must not split: percent-encode ':' and brackets too.
    return Group + QString::fromLatin1(QUrl::toPercentEncoding(KnownHosts::keyFor(serverUrl)));
}
} // namespace

KnownHosts::KnownHosts(const QString &settingsPath)
    : m_path(settingsPath)
{}

QString KnownHosts::keyFor(const QUrl &serverUrl)
{
    const QString host = serverUrl.host().toLower();
    const QString port = QString::number(serverUrl.port(Protocol::DefaultPort));
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + port;
}

QByteArray KnownHosts::pinned(const QUrl &serverUrl) const
{
    const QSettings settings(m_path, QSettings::IniFormat);
    return Fingerprint::fromHex(settings.value(settingsKey(serverUrl)).toString());
}

void KnownHosts::pin(const QUrl &serverUrl, const QByteArray &fingerprint)
{
    QSettings settings(m_path, QSettings::IniFormat);
    if (fingerprint.isEmpty())
        settings.remove(settingsKey(serverUrl));
    else
        settings.setValue(settingsKey(serverUrl), Fingerprint::toHex(fingerprint));
    settings.sync();
}
