#pragma once

#include "discovery/discoveryconfig.h"
#include "security/hostcertificate.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtNetwork/QHostAddress>

// Where and how the room server of host mode runs.
struct RoomHostConfig {
    QHostAddress bindAddress = QHostAddress::Any;
    quint16 port = 0; // 0: any free port
    // An SQLite file path, or a PostgreSQL URL.
    QString database;
    // Answering code queries and announcing public rooms on the LAN.
    DiscoveryConfig discovery;
    // wss:// with this installation's certificate (HostCredentialStore); invalid: plain ws://.
    HostCertificate certificate = {};
};

// The room server this app runs when it hosts, as the desktop side sees it: something that
// starts, stops and says so. The desktop libraries (and the QML module above them) know only
// this interface, so they never link the server; the `hearth` binary, and the tests that
// host, hand AppController the real one (EmbeddedServer, in hearth_host).
class RoomHost : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Starts listening; started() or failed() follows.
    virtual void start(const RoomHostConfig &config) = 0;
    // Closes every connection and flushes; stopped() follows.
    virtual void stop() = 0;

    virtual bool isRunning() const = 0;
    virtual bool isStopping() const = 0;
    // Whether the running server answers on the LAN, and if not, why.
    virtual bool isDiscoverable() const = 0;
    virtual QString discoveryProblem() const = 0;
    // The SHA-256 fingerprint (Fingerprint::of) of the certificate the running server serves
    // wss:// with — what LAN discovery vouches for, what the app pins when it joins its own
    // room, and what its words show; empty while not running or when serving plain ws://.
    virtual QByteArray certificateFingerprint() const = 0;

Q_SIGNALS:
    void started(quint16 port);
    void failed(const QString &message);
    void stopped();
};
