#include "commitqueue.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcCommit, "hearth.server.commit")

CommitQueue::CommitQueue(std::unique_ptr<Storage> storage, QObject *parent)
    : QObject(parent)
    , m_storage(std::move(storage))
{}

CommitQueue::~CommitQueue()
{
    stop();
}

bool CommitQueue::start(const std::function<bool(Storage &)> &init)
{
    bool ok = false;
    bool initDone = false;
    m_thread = std::thread([this, &init, &ok, &initDone] {
        const bool result = init(*m_storage);
        {
            QMutexLocker lock(&m_mutex);
            ok = result;
            initDone = true;
            if (!result)
                m_error = m_storage->errorString();
            m_running = result;
        }
        m_idle.wakeAll();
        if (result)
            run();
        else
            m_storage->close();
    });
    QMutexLocker lock(&m_mutex);
    while (!initDone)
        m_idle.wait(&m_mutex);
    lock.unlock();
    if (!ok) {
        m_thread.join();
        return false;
    }
    return true;
}

void CommitQueue::submit(Work work, Done done)
{
    QMutexLocker lock(&m_mutex);
    if (!m_running) {
        lock.unlock();
        qCWarning(lcCommit) << "write refused: the storage is not running";
        if (done)
            done(false);
        return;
    }
    m_queue.push_back({std::move(work), std::move(done)});
    ++m_submitted;
    if (m_queue.size() == 1)
        m_wake.wakeOne();
}

int CommitQueue::pendingJobs() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_submitted - m_committed);
}

void CommitQueue::run()
{
    std::vector<Job> batch;
    std::vector<bool> results;
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_queue.empty() && m_stopping)
                break;
            batch.swap(m_queue);
        }
        results.assign(batch.size(), false);
        bool committed = m_storage->beginBatch();
        if (committed) {
            for (std::size_t i = 0; i < batch.size(); ++i)
                results[i] = batch[i].work(*m_storage);
            committed = m_storage->commitBatch();
            if (!committed) {
                qCCritical(lcCommit) << "commit failed:" << m_storage->errorString();
                m_storage->rollbackBatch();
            }
        } else {
            qCCritical(lcCommit) << "cannot begin a transaction:" << m_storage->errorString();
        }
        if (!committed)
            results.assign(batch.size(), false);
        m_commits.fetchAndAddRelaxed(1);
        m_jobsDone.fetchAndAddRelaxed(batch.size());
        const std::size_t count = batch.size();
        complete(batch, results);
        batch.clear();
        {
            QMutexLocker lock(&m_mutex);
            m_committed += count;
        }
        m_idle.wakeAll();
    }
    m_storage->close();
}

void CommitQueue::complete(std::vector<Job> &batch, std::vector<bool> &results)
{
    // Hand the completions to the owner's thread in one queued call, keeping their order.
    auto jobs = std::make_shared<std::vector<Job>>(std::move(batch));
    auto oks = std::make_shared<std::vector<bool>>(std::move(results));
    QMetaObject::invokeMethod(
        this,
        [this, jobs, oks] {
            for (std::size_t i = 0; i < jobs->size(); ++i) {
                if ((*jobs)[i].done)
                    (*jobs)[i].done((*oks)[i]);
            }
        },
        Qt::QueuedConnection);
}

void CommitQueue::flush()
{
    {
        QMutexLocker lock(&m_mutex);
        while (m_committed != m_submitted)
            m_idle.wait(&m_mutex);
    }
    // The completions were posted to this object; run them now, in order.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

void CommitQueue::stop()
{
    if (!m_thread.joinable())
        return;
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread.join();
    {
        QMutexLocker lock(&m_mutex);
        m_running = false;
    }
    // Deliver what the thread finished last.
    QCoreApplication::sendPostedEvents(this);
}
