#pragma once

// A `hearth join --headless` process for the reconnect tests.

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtTest/QTest>

#include <csignal>

// A `hearth join --headless` process with its own config, data and identity file.
class HeadlessJoiner
{
public:
    explicit HeadlessJoiner(const QTemporaryDir &dir)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"),
                   dir.filePath(QStringLiteral("joiner/config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("joiner/data")));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_identityFile = dir.filePath(QStringLiteral("joiner/identity.json"));
    }
    ~HeadlessJoiner()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGCONT);
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    void start(const QUrl &url, const QString &code)
    {
        m_process.start(QStringLiteral(HEARTH_BINARY),
                        {QStringLiteral("join"), url.toString(), code, QStringLiteral("--headless"),
                         QStringLiteral("--name"), QStringLiteral("Ben"),
                         QStringLiteral("--identity-file"), m_identityFile});
    }
    bool waitForLine(const QString &pattern, int timeoutMs)
    {
        const QRegularExpression re(pattern);
        return QTest::qWaitFor(
            [&] {
                while (m_process.canReadLine())
                    m_lines << QString::fromUtf8(m_process.readLine()).trimmed();
                for (; m_scanned < m_lines.size(); ++m_scanned) {
                    if (re.match(m_lines.at(m_scanned)).hasMatch()) {
                        ++m_scanned;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
    }
    // A line typed on its stdin (sent as a chat message).
    void type(const QString &line) { m_process.write((line + u'\n').toUtf8()); }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    QString output() const { return m_lines.join(u'\n'); }

private:
    QProcess m_process;
    QString m_identityFile;
    QStringList m_lines;
    qsizetype m_scanned = 0;
};
