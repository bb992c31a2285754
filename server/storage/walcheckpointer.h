#pragma once

#include <QtCore/QString>

#include <condition_variable>
#include <mutex>
#include <thread>

// Checkpoints an SQLite database in WAL mode from a thread and a connection of its own.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the writer
// copies the log back into the database file and syncs it, and every commit queued behind it
// (with every chat message waiting to be acknowledged and delivered) waits for the disk. A
// PASSIVE checkpoint on another connection does the same work without the write lock, so the
// storage thread keeps committing meanwhile; once it has caught up, SQLite starts the log from
// its beginning again at the next commit, so the file stops growing.
class WalCheckpointer
{
public:
    explicit WalCheckpointer(QString databasePath);
    ~WalCheckpointer();

    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    // Opens its connection on its own thread. False (with errorString()) when that failed.
    bool start();
    // Asks for a checkpoint soon; returns at once. Requests made while one runs are merged.
    void request();
    // Runs a last checkpoint if one was asked for, closes the connection, joins the thread.
    void stop();

    QString errorString() const { return m_error; }
    // Checkpoints run so far (for tests and logs).
    quint64 checkpoints() const;

private:
    void run();

    QString m_path;
    QString m_connectionName;
    QString m_error;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_requested = false;
    bool m_stopping = false;
    bool m_opened = false;
    bool m_startDone = false;
    quint64 m_checkpoints = 0;
};
