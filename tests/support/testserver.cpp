#include "testserver.h"

#include <QtTest/QSignalSpy>

TestServer::TestServer(std::function<void(ServerConfig &)> adjust)
{
    m_config.bindAddress = QHostAddress(QHostAddress::LocalHost);
    m_config.port = 0;
    m_config.database = databasePath();
    m_config.syncFull = false; // tests need crash safety of the process, not of the machine
    if (adjust)
        adjust(m_config);
}

TestServer::~TestServer()
{
    stop();
}

QString TestServer::databasePath() const
{
    return m_dir.filePath(QStringLiteral("hearth.sqlite"));
}

bool TestServer::start()
{
    m_server = std::make_unique<RoomServer>(m_config);
    if (!m_server->start()) {
        qWarning("test server did not start: %s", qPrintable(m_server->errorString()));
        return false;
    }
    return true;
}

void TestServer::stop()
{
    if (!m_server)
        return;
    if (m_server->isListening()) {
        QSignalSpy stopped(m_server.get(), &RoomServer::stopped);
        m_server->stop();
        if (stopped.isEmpty())
            stopped.wait(5000);
    }
    m_server.reset();
}

bool TestServer::restart()
{
    stop();
    return start();
}
