#pragma once

#include "discovery/discoveryconfig.h"
#include "serverconfig.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>

class QThread;
class EmbeddedServerWorker;

Q_DECLARE_LOGGING_CATEGORY(lcEmbedded)

// The room server of host mode: the same RoomServer that `hearth serve` runs, on a worker
// thread of its own so that its database writes never stall the window, and reached by the
// app only through the protocol, over loopback, like any remote joiner.
//
// RoomServer (and its QSqlDatabase connection) belongs to the thread that creates it, so it is
// created, started, stopped and destroyed inside the worker thread.
class EmbeddedServer : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedServer(QObject *parent = nullptr);
    // Stops the server (waiting a few seconds at most for its last writes) and the thread.
    ~EmbeddedServer() override;

    // Starts listening; started() or failed() follows.
    void start(const ServerConfig &config);
    // Closes every connection (1001) and flushes; stopped() follows.
    void stop();

    // LAN discovery of the hosted rooms (answering code queries, announcing public rooms).
    // Applies from the next start(); on by default, configured from the environment.
    void setDiscovery(const DiscoveryConfig &discovery) { m_discovery = discovery; }
    const DiscoveryConfig &discovery() const { return m_discovery; }
    // Whether the running server answers on the LAN, and if not, why.
    bool isDiscoverable() const { return m_discoverable; }
    QString discoveryProblem() const { return m_discoveryProblem; }

    bool isRunning() const { return m_running; }
    bool isStopping() const { return m_stopping; }
    quint16 port() const { return m_port; }

    // The database file the desktop app uses when hosting.
    static QString defaultDatabasePath();

Q_SIGNALS:
    void started(quint16 port);
    void failed(const QString &message);
    void stopped();

private:
    QThread *m_thread = nullptr;
    EmbeddedServerWorker *m_worker = nullptr;
    bool m_running = false;
    bool m_stopping = false;
    quint16 m_port = 0;
    DiscoveryConfig m_discovery = DiscoveryConfig::fromEnvironment();
    bool m_discoverable = false;
    QString m_discoveryProblem;
};
