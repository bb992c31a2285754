#include "epolleventdispatcher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {
qint64 monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

constexpr int maxEventsPerPass = 1024;
} // namespace

quint32 EpollEventDispatcher::Notifiers::events() const
{
    return (read ? quint32(EPOLLIN) : 0) | (write ? quint32(EPOLLOUT) : 0) |
           (exception ? quint32(EPOLLPRI) : 0);
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_ready(maxEventsPerPass)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd: %s", strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

void EpollEventDispatcher::updateEpoll(int fd, quint32 before, const Notifiers &now)
{
    const quint32 after = now.events();
    if (after == before)
        return;
    epoll_event ev{};
    ev.events = after;
    ev.data.fd = fd;
    const int op = !before ? EPOLL_CTL_ADD : !after ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(m_epoll, op, fd, &ev) == 0 || op == EPOLL_CTL_DEL)
        return;
    // A descriptor closed while its notifiers were still enabled left epoll on its own, and
    // its number may be back for another socket: try the other way before giving up.
    const int retry = errno == ENOENT ? EPOLL_CTL_ADD : errno == EEXIST ? EPOLL_CTL_MOD : -1;
    if (retry < 0 || epoll_ctl(m_epoll, retry, fd, &ev) != 0)
        qWarning("EpollEventDispatcher: epoll_ctl on socket %d failed: %s", fd, strerror(errno));
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Notifiers &n = m_notifiers[fd];
    const quint32 before = n.events();
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        n.read = notifier;
        break;
    case QSocketNotifier::Write:
        n.write = notifier;
        break;
    case QSocketNotifier::Exception:
        n.exception = notifier;
        break;
    }
    updateEpoll(fd, before, n);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_notifiers.find(fd);
    if (it == m_notifiers.end())
        return;
    const quint32 before = it->events();
    if (it->read == notifier)
        it->read = nullptr;
    else if (it->write == notifier)
        it->write = nullptr;
    else if (it->exception == notifier)
        it->exception = nullptr;
    else
        return;
    updateEpoll(fd, before, *it);
    if (!it->events())
        m_notifiers.erase(it);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    m_timers.insert(timerId,
                    Timer{interval, timerType, object, monotonicNs() + interval * 1000000LL});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    return m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            list.append(TimerInfo(it.key(), int(it->intervalMs), it->type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    return int(std::max<qint64>(0, (it->dueNs - monotonicNs()) / 1000000LL));
}

void EpollEventDispatcher::wakeUp()
{
    // Any thread: one write per wait is enough.
    if (m_wakeUpPending.testAndSetAcquire(0, 1)) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

void EpollEventDispatcher::drainWakeUps()
{
    // Clear the flag first: a wakeUp() after this writes again, so none is lost. Events posted
    // before it are sent at the start of the next pass, which comes before the next wait.
    m_wakeUpPending.storeRelease(0);
    quint64 count = 0;
    [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
}

int EpollEventDispatcher::timeoutMs() const
{
    qint64 earliest = -1;
    for (const Timer &t : m_timers) {
        if (!t.inEvent && (earliest < 0 || t.dueNs < earliest))
            earliest = t.dueNs;
    }
    if (earliest < 0)
        return -1;
    const qint64 waitNs = earliest - monotonicNs();
    // Round up: waking a little early would only spin.
    return waitNs <= 0 ? 0 : int(std::min<qint64>((waitNs + 999999) / 1000000, 1 << 30));
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    const bool withTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    int timeout = 0;
    if (wait) {
        Q_EMIT aboutToBlock();
        timeout = withTimers ? timeoutMs() : -1;
    }
    int ready = epoll_wait(m_epoll, m_ready.data(), int(m_ready.size()), timeout);
    if (ready < 0)
        ready = 0; // EINTR: a signal; treat as a pass without events
    int handled = 0;
    if (!flags.testFlag(QEventLoop::ExcludeSocketNotifiers))
        handled += activateSocketNotifiers(ready);
    else
        for (int i = 0; i < ready; ++i)
            if (m_ready[size_t(i)].data.fd == m_wakeFd)
                drainWakeUps();
    if (withTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::activateSocketNotifiers(int ready)
{
    int activated = 0;
    for (int i = 0; i < ready; ++i) {
        const epoll_event &ev = m_ready[size_t(i)];
        const int fd = ev.data.fd;
        if (fd == m_wakeFd) {
            drainWakeUps();
            continue;
        }
        // Looked up afresh for each kind: an earlier notifier's handler may have removed
        // (or deleted) this socket's notifiers.
        const quint32 e = ev.events;
        if (e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
            const auto it = m_notifiers.constFind(fd);
            if (it != m_notifiers.cend() && it->read) {
                QEvent event(QEvent::SockAct);
                QCoreApplication::sendEvent(it->read, &event);
                ++activated;
            }
        }
        if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            const auto it = m_notifiers.constFind(fd);
            if (it != m_notifiers.cend() && it->write) {
                QEvent event(QEvent::SockAct);
                QCoreApplication::sendEvent(it->write, &event);
                ++activated;
            }
        }
        if (e & EPOLLPRI) {
            const auto it = m_notifiers.constFind(fd);
            if (it != m_notifiers.cend() && it->exception) {
                QEvent event(QEvent::SockAct);
                QCoreApplication::sendEvent(it->exception, &event);
                ++activated;
            }
        }
    }
    return activated;
}

int EpollEventDispatcher::activateTimers()
{
    const qint64 now = monotonicNs();
    m_dueTimers.clear();
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (!it->inEvent && it->dueNs <= now)
            m_dueTimers.push_back(it.key());
    }
    // Each due timer fires once per pass, even one restarted by its own handler.
    int fired = 0;
    for (int id : m_dueTimers) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->inEvent || it->dueNs > now)
            continue; // stopped or restarted by an earlier timer's handler
        // The next due time counts from now, never a burst of catch-up events.
        it->dueNs = now + it->intervalMs * 1000000LL;
        it->inEvent = true;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = m_timers.find(id); // the handler may have changed the table
        if (it != m_timers.end())
            it->inEvent = false;
    }
    return fired;
}
