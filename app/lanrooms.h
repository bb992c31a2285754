#pragma once

#include "discovery/discoveryconfig.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>

class CodeFinder;
class PublicRoomsModel;

// LAN discovery as the lobby uses it: finding the host of a typed code, and the public rooms
// hosts announce. Also remembers whether the last lookup found nobody, for the lobby's hint.
class LanRooms : public QObject
{
    Q_OBJECT
public:
    explicit LanRooms(const DiscoveryConfig &discovery, QObject *parent = nullptr);

    const DiscoveryConfig &discovery() const { return m_discovery; }
    PublicRoomsModel *publicRooms() const { return m_publicRooms; }
    // Starts listening for public rooms, or asks hosts again when listening already.
    void watchPublicRooms();

    // Asks the LAN who hosts `code`; found() or notFound() follows unless cancel() comes first.
    void find(const QString &code);
    void cancel();

    bool hasFailed() const { return m_failed; }
    void setFailed(bool failed);

Q_SIGNALS:
    // `fingerprint`: the certificate the code vouched for (CodeFinder::found); empty when the
    // host serves plain ws://.
    void found(const QUrl &serverUrl, const QString &code, const QByteArray &fingerprint);
    // `message` says, in plain words, what to try instead (the address, a firewall).
    void notFound(const QString &code, const QString &message);
    void failedChanged();

private:
    DiscoveryConfig m_discovery;
    CodeFinder *m_finder;
    PublicRoomsModel *m_publicRooms;
    bool m_failed = false;
};
