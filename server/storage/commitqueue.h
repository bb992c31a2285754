#pragma once

#include "storage.h"

#include <QtCore/QAtomicInteger>
#include <QtCore/QMutex>
#include <QtCore/QObject>
#include <QtCore/QWaitCondition>

#include <functional>
#include <memory>
#include <thread>
#include <vector>

// Runs a Storage on a thread of its own and commits in groups.
//
// The room server submits jobs (a write, or a read) from its thread. The storage thread takes
// everything queued, runs it in ONE transaction, commits, and hands the completions back to
// the server's thread in submission order. While one commit syncs to disk, the next group
// gathers, so a burst of N messages costs a few commits instead of N (group commit), and
// nothing is acknowledged before its commit returned.
//
// Ordering: jobs run and complete in the order submitted; a read sees every write submitted
// before it.
class CommitQueue : public QObject
{
    Q_OBJECT
public:
    // Work runs on the storage thread; it returns false on failure.
    using Work = std::function<bool(Storage &)>;
    // Done runs on the owner's thread after the group holding its work committed (ok) or failed.
    using Done = std::function<void(bool ok)>;

    // Takes the storage; it must not be opened yet: open() happens on the storage thread.
    explicit CommitQueue(std::unique_ptr<Storage> storage, QObject *parent = nullptr);
    ~CommitQueue() override;

    // Starts the thread and runs `init` (open, load) there; blocks until it is done.
    // False (with errorString()) when init failed.
    bool start(const std::function<bool(Storage &)> &init);

    void submit(Work work, Done done = {});

    // Blocks until every job submitted so far has committed, then runs their completions.
    // Call from the owner's thread.
    void flush();

    // Finishes queued jobs, closes the storage and joins the thread.
    void stop();

    QString errorString() const { return m_error; }
    int pendingJobs() const;
    // Figures for benchmarks and logs.
    quint64 commits() const { return m_commits.loadRelaxed(); }
    quint64 jobs() const { return m_jobsDone.loadRelaxed(); }

private:
    struct Job {
        Work work;
        Done done;
    };
    void run();
    void complete(std::vector<Job> &batch, std::vector<bool> &results);

    std::unique_ptr<Storage> m_storage;
    std::thread m_thread;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_idle;
    std::vector<Job> m_queue;
    bool m_stopping = false;
    bool m_running = false;
    quint64 m_submitted = 0; // guarded by m_mutex
    quint64 m_committed = 0; // guarded by m_mutex: jobs whose group finished
    QString m_error;
    QAtomicInteger<quint64> m_commits;
    QAtomicInteger<quint64> m_jobsDone;
};
