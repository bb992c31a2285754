#pragma once

#include "roomhost.h"

#include <QtCore/QLoggingCategory>

class QThread;
class EmbeddedServerWorker;

Q_DECLARE_LOGGING_CATEGORY(lcEmbedded)

// The room server of host mode: the same RoomServer that `hearth serve` runs, on a worker
// thread of its own so that its database writes never stall the window, and reached by the
// app only through the protocol, over loopback, like any remote joiner.
//
// RoomServer (and its QSqlDatabase connection) belongs to the thread that creates it, so it is
// created, started, stopped and destroyed inside the worker thread.
//
// It lives in hearth_host, the one desktop library that links hearth_server.
class EmbeddedServer : public RoomHost
{
    Q_OBJECT
public:
    explicit EmbeddedServer(QObject *parent = nullptr);
    // Stops the server (waiting a few seconds at most for its last writes) and the thread.
    ~EmbeddedServer() override;

    // stop() closes every connection with 1001 (going away).
    void start(const RoomHostConfig &config) override;
    void stop() override;

    bool isRunning() const override { return m_running; }
    bool isStopping() const override { return m_stopping; }
    bool isDiscoverable() const override { return m_discoverable; }
    QString discoveryProblem() const override { return m_discoveryProblem; }
    QByteArray certificateFingerprint() const override { return m_fingerprint; }
    quint16 port() const { return m_port; }

private:
    QThread *m_thread = nullptr;
    EmbeddedServerWorker *m_worker = nullptr;
    bool m_running = false;
    bool m_stopping = false;
    quint16 m_port = 0;
    bool m_discoverable = false;
    QString m_discoveryProblem;
    QByteArray m_fingerprint;
};
