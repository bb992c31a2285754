#pragma once

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QAtomicInt>
#include <QtCore/QHash>

#include <vector>

class QSocketNotifier;

// A Linux event dispatcher on epoll, for `hearth serve` (app/servecommand.cpp). Qt's own UNIX
// dispatcher hands every socket to ppoll() on every pass of the event loop, which with a
// thousand connections and a thousand passes a second was a quarter of the server's CPU
// (docs/benchmarks.md); epoll reports only the sockets that are ready.
//
// Socket notifiers are level-triggered, like Qt's. Timers are kept in a small table (a server
// has a handful): due ones fire after the pass's socket notifiers, as in Qt's dispatcher, so a
// zero-interval timer runs at the end of the pass that started it (OutputFlusher relies on
// that only for batching, not for correctness). Posted events are sent at the start of each
// pass; postEvent() wakes a waiting dispatcher through an eventfd.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Notifiers {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events() const;
    };
    struct Timer {
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        qint64 dueNs;
        bool inEvent = false;
    };
    void updateEpoll(int fd, quint32 before, const Notifiers &now);
    int activateSocketNotifiers(int ready);
    int activateTimers();
    // Milliseconds to the next due timer; -1: none.
    int timeoutMs() const;
    void drainWakeUps();

    int m_epoll = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;
    QHash<int, Notifiers> m_notifiers;
    QHash<int, Timer> m_timers;
    std::vector<struct epoll_event> m_ready;
    std::vector<int> m_dueTimers;
};
