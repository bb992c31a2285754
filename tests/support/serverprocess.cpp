#include "serverprocess.h"

#include <QtTest/QTest>

#include <csignal>

ServerProcess::ServerProcess(QString databasePath, QStringList extraArguments)
    : m_databasePath(std::move(databasePath))
    , m_extra(std::move(extraArguments))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        kill();
}

bool ServerProcess::start(int timeoutMs)
{
    m_output.clear();
    m_url.clear();
    QStringList args{QStringLiteral("serve"),
                     QStringLiteral("--port"),
                     QStringLiteral("0"),
                     QStringLiteral("--bind"),
                     QStringLiteral("127.0.0.1"),
                     QStringLiteral("--db"),
                     m_databasePath};
    QStringList extra = m_extra;
    const bool tls = extra.removeAll(QStringLiteral("--tls-default")) > 0 ||
                     extra.contains(QStringLiteral("--tls-cert"));
    if (!tls && !extra.contains(QStringLiteral("--no-tls")))
        args += QStringLiteral("--no-tls");
    args += extra;
    m_process.start(QStringLiteral(HEARTH_BINARY), args);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    const QString marker = QStringLiteral("hearth: listening on ");
    const bool ready = QTest::qWaitFor(
        [&] {
            m_output += QString::fromUtf8(m_process.readAllStandardOutput());
            const qsizetype at = m_output.indexOf(marker);
            if (at < 0)
                return m_process.state() == QProcess::NotRunning;
            const qsizetype end = m_output.indexOf(u'\n', at);
            if (end < 0)
                return false;
            m_url = QUrl(m_output.mid(at + marker.size(), end - at - marker.size()).trimmed());
            return true;
        },
        timeoutMs);
    if (!ready || !m_url.isValid()) {
        qWarning("hearth serve did not start: %s %s", qPrintable(m_output),
                 qPrintable(QString::fromUtf8(m_process.readAllStandardError())));
        return false;
    }
    return true;
}

int ServerProcess::terminate(int timeoutMs)
{
    // Once reaped, processId() is 0, and kill(0, …) would signal our whole process group.
    if (m_process.state() == QProcess::NotRunning || m_process.processId() <= 0)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs)) {
        kill();
        return -1;
    }
    m_output += QString::fromUtf8(m_process.readAllStandardOutput());
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void ServerProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}
