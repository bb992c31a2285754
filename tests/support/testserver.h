#pragma once

#include "roomserver.h"

#include <QtCore/QTemporaryDir>

#include <functional>
#include <memory>

// An in-process RoomServer on 127.0.0.1, any free port, on the transport HEARTH_TEST_TRANSPORT
// names (qt, the default, or native; scripts/test.sh runs the suites on both), on a fresh
// database: an SQLite file in a temporary directory, or — when HEARTH_TEST_BACKEND=postgresql — the
// PostgreSQL database at HEARTH_TEST_POSTGRES_URL, emptied first. restart() stops it and starts a
// new one on the same database.
class TestServer
{
public:
    explicit TestServer(std::function<void(ServerConfig &)> adjust = {});
    ~TestServer();

    bool start();
    bool restart();
    void stop();
    RoomServer *server() const { return m_server.get(); }
    QUrl url() const { return m_server->url(); }
    QString databasePath() const;
    ServerConfig &config() { return m_config; }

    // True when this run is meant for PostgreSQL but no server was given: tests then skip
    // with that message (scripts/test.sh always provides one).
    static bool postgresMissing(QString *why);
    // The transport HEARTH_TEST_TRANSPORT names (qt when unset).
    static ServerConfig::Transport transportFromEnvironment();

private:
    QTemporaryDir m_dir;
    ServerConfig m_config;
    std::unique_ptr<RoomServer> m_server;
};
