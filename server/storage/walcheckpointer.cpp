#include "walcheckpointer.h"

#include "sqlstorage.h"

#include <QtCore/QAtomicInteger>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

namespace {
QString nextConnectionName()
{
    static QAtomicInteger<int> counter;
    return QStringLiteral("hearth-checkpointer-%1").arg(counter.fetchAndAddRelaxed(1));
}
} // namespace

WalCheckpointer::WalCheckpointer(QString databasePath)
    : m_path(std::move(databasePath))
    , m_connectionName(nextConnectionName())
{}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

bool WalCheckpointer::start()
{
    m_thread = std::thread([this] { run(); });
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_startDone; });
    if (!m_opened) {
        lock.unlock();
        m_thread.join();
        return false;
    }
    return true;
}

void WalCheckpointer::request()
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_requested)
            return;
        m_requested = true;
    }
    m_wake.notify_all();
}

void WalCheckpointer::stop()
{
    if (!m_thread.joinable())
        return;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

quint64 WalCheckpointer::checkpoints() const
{
    const std::lock_guard lock(m_mutex);
    return m_checkpoints;
}

void WalCheckpointer::run()
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(m_path);
        const bool opened = db.open();
        {
            const std::lock_guard lock(m_mutex);
            m_opened = opened;
            m_startDone = true;
            if (!opened)
                m_error = db.lastError().text();
        }
        m_wake.notify_all();
        if (opened) {
            QSqlQuery checkpoint(db);
            checkpoint.setForwardOnly(true);
            checkpoint.prepare(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
            for (;;) {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_requested || m_stopping; });
                const bool wanted = m_requested;
                const bool last = m_stopping;
                m_requested = false;
                lock.unlock();
                if (wanted) {
                    // PASSIVE: copies what no reader needs, never waits for a lock.
                    if (!checkpoint.exec())
                        qCWarning(lcStorage)
                            << "checkpoint failed:" << checkpoint.lastError().text();
                    checkpoint.finish();
                    lock.lock();
                    ++m_checkpoints;
                    lock.unlock();
                }
                if (last)
                    break;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}
