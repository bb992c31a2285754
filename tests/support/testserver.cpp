#include "testserver.h"

#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QSignalSpy>

namespace {
bool wantsPostgres()
{
    return qEnvironmentVariable("HEARTH_TEST_BACKEND") == QLatin1String("postgresql");
}

// Drops everything of a previous test so each one starts from an empty schema.
void resetPostgres(const QString &url)
{
    const QUrl u(url);
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("hearth-test-reset"));
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
        if (!db.open()) {
            qWarning("cannot reset the PostgreSQL test database: %s",
                     qPrintable(db.lastError().text()));
        } else {
            QSqlQuery q(db);
            q.exec(QStringLiteral("DROP SCHEMA public CASCADE"));
            q.exec(QStringLiteral("CREATE SCHEMA public"));
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("hearth-test-reset"));
}
} // namespace

bool TestServer::postgresMissing(QString *why)
{
    if (!wantsPostgres() || !qEnvironmentVariableIsEmpty("HEARTH_TEST_POSTGRES_URL"))
        return false;
    *why = QStringLiteral("HEARTH_TEST_BACKEND=postgresql but HEARTH_TEST_POSTGRES_URL is not "
                          "set (scripts/test.sh starts a PostgreSQL server and sets it)");
    return true;
}

TestServer::TestServer(std::function<void(ServerConfig &)> adjust)
{
    m_config.bindAddress = QHostAddress(QHostAddress::LocalHost);
    m_config.port = 0;
    m_config.database = databasePath();
    if (wantsPostgres() && !qEnvironmentVariableIsEmpty("HEARTH_TEST_POSTGRES_URL")) {
        m_config.database = qEnvironmentVariable("HEARTH_TEST_POSTGRES_URL");
        resetPostgres(m_config.database);
    }
    m_config.syncFull = false; // tests need crash safety of the process, not of the machine
    m_config.transport = transportFromEnvironment();
    if (adjust)
        adjust(m_config);
    // The native transport serves plain ws:// only: a test that asks for TLS gets the Qt one
    // whatever the environment says.
    if (!m_config.certificate.isNull())
        m_config.transport = ServerConfig::Transport::Qt;
}

ServerConfig::Transport TestServer::transportFromEnvironment()
{
    const QString name = qEnvironmentVariable("HEARTH_TEST_TRANSPORT");
    if (name.isEmpty() || name == QLatin1String("qt"))
        return ServerConfig::Transport::Qt;
    if (name != QLatin1String("native"))
        qWarning("HEARTH_TEST_TRANSPORT=%s is neither qt nor native: using qt", qPrintable(name));
    return name == QLatin1String("native") ? ServerConfig::Transport::Native
                                           : ServerConfig::Transport::Qt;
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
