#pragma once

#include <QtCore/QObject>

class QSocketNotifier;

// Turns SIGINT and SIGTERM into a Qt signal, delivered from the event loop (a POSIX signal
// handler may do almost nothing itself; it writes one byte to a pipe the loop watches).
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};
