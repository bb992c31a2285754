#pragma once

#include "discovery/discoveryconfig.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QUrl>

#include <functional>

class HostCredentialStore;
class RoomHost;

// Host mode's server as AppController needs it: started on the configured port (or, when none
// was asked for, the default port and any free one if that is taken), on this profile's
// database, serving wss:// with this installation's certificate (read from, or on the first
// start made and kept in, the keychain by HostCredentialStore), and stopped again when the room
// ends. Remembers whether it is hosting and where.
class LocalHosting : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QString profile;     // the database is host-<profile>.sqlite for a profile
        int port = -1;       // -1: the default port if free, else any free port
        QString database;    // empty: the data directory's host[-profile].sqlite
        QString bindAddress; // empty: all interfaces
        // Where the certificate is kept: empty, the keychain (or its fallback file); else this
        // file (as with --identity-file).
        QString certificateFile;
        bool ephemeralCertificate = false; // a throwaway one, kept nowhere (demo, bench)
        bool resetCertificate = false;     // forget the stored one first (--reset-identity)
    };

    // `host` may be null (a build without a server): starting then fails, saying so.
    LocalHosting(const Options &options, RoomHost *host, const DiscoveryConfig &discovery,
                 QObject *parent = nullptr);

    // The server listens and takes no leave: a room can be created on it now.
    bool isReady() const;
    // Starts the server (after the previous one has stopped, if it is still stopping);
    // started() or failed() follows.
    void start();
    // Stops the server if it runs (or is starting), then calls `then`.
    void stop(std::function<void()> then);

    bool isHosting() const { return m_hosting; }
    int port() const { return m_port; }
    // The server as this app's own client reaches it: wss:// when it serves TLS.
    QUrl loopbackUrl() const;
    // The running server's certificate fingerprint (RoomHost::certificateFingerprint()).
    QByteArray fingerprint() const;
    // Why the certificate is not the lasting one, or where it is kept, in plain words; empty
    // when it is safely in the keychain (HostCredentialStore::warning()).
    QString certificateWarning() const;
    const DiscoveryConfig &discovery() const { return m_discovery; }
    bool isDiscoverable() const;
    // Why joiners cannot find the room on the LAN, in plain words; empty when they can.
    QString discoveryProblem() const;

    // The database file the desktop app uses when hosting.
    static QString defaultDatabasePath();

Q_SIGNALS:
    void started(quint16 port);
    void failed(const QString &message);
    void hostingChanged();

private:
    void startServer();
    void onCredentialsLoaded();
    void onFailed(const QString &message);
    void setHosting(bool hosting, int port);

    Options m_options;
    RoomHost *m_host;
    HostCredentialStore *m_credentials;
    DiscoveryConfig m_discovery;
    bool m_credentialsLoading = false;
    bool m_hosting = false;
    int m_port = 0;
    bool m_triedDefaultPort = false;
    bool m_startAfterStop = false;
};
