#pragma once

#include <QtCore/QProcess>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

// A real `hearth serve` process on 127.0.0.1 and a free port, for tests that need a process
// boundary (restart, kill -9, signals). The binary is the one the build just made.
//
// It serves plain ws:// (--no-tls) unless the extra arguments name TLS (--tls-cert) or say
// "--tls-default" (removed before the call: `hearth serve`'s own certificate in its data
// directory); RoomClient and `hearth join` then trust its certificate on first use.
class ServerProcess
{
public:
    ServerProcess(QString databasePath, QStringList extraArguments = {});
    ~ServerProcess();

    // Starts it and waits for its "listening on" line.
    bool start(int timeoutMs = 10000);
    // SIGTERM and wait for a clean exit; returns the exit code (-1 if it had to be killed).
    int terminate(int timeoutMs = 10000);
    void kill(); // SIGKILL: no chance to flush anything
    QUrl url() const { return m_url; }
    qint64 pid() const { return m_process.processId(); }
    // Everything it printed on stdout so far.
    QString output()
    {
        m_output += QString::fromUtf8(m_process.readAllStandardOutput());
        return m_output;
    }

private:
    QString m_databasePath;
    QStringList m_extra;
    QProcess m_process;
    QUrl m_url;
    QString m_output;
};
