#include "lanrooms.h"

#include "discovery/codefinder.h"
#include "discovery/publicroomsmodel.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcLanRooms, "hearth.app.discovery")

LanRooms::LanRooms(const DiscoveryConfig &discovery, QObject *parent)
    : QObject(parent)
    , m_discovery(discovery)
    , m_finder(new CodeFinder(discovery, this))
    , m_publicRooms(new PublicRoomsModel(discovery, this))
{
    connect(m_finder, &CodeFinder::found, this,
            [this](const QUrl &serverUrl, const QString &code, const QByteArray &fingerprint,
                   qint64 elapsedMs) {
                qCInfo(lcLanRooms) << "found room" << code << "at" << serverUrl.toString() << "in"
                                   << elapsedMs << "ms";
                Q_EMIT found(serverUrl, code, fingerprint);
            });
    connect(m_finder, &CodeFinder::notFound, this,
            [this](const QString &code, const QString &detail) {
                Q_EMIT notFound(
                    code, tr("%1 Type the host's address below (the host sees it under “Network "
                             "check” in the room). If the host is on this network, a firewall may "
                             "block UDP port %2 (finding rooms) or the room's TCP port.")
                              .arg(detail)
                              .arg(m_discovery.port));
            });
}

void LanRooms::watchPublicRooms()
{
    if (m_publicRooms->isActive())
        m_publicRooms->refresh();
    else if (!m_publicRooms->start())
        qCInfo(lcLanRooms).noquote()
            << "not listening for public rooms:" << m_publicRooms->problem();
}

void LanRooms::find(const QString &code)
{
    m_finder->find(code);
}

void LanRooms::cancel()
{
    m_finder->cancel();
}

void LanRooms::setFailed(bool failed)
{
    if (m_failed == failed)
        return;
    m_failed = failed;
    Q_EMIT failedChanged();
}
