#pragma once

#include "storage.h"

#include <QtCore/QLoggingCategory>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include <memory>

class WalCheckpointer;

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

// Storage over QtSql: SQLite (a file, WAL mode) or PostgreSQL (a postgresql:// URL).
//
// The schema lives in versioned SQL files (server/sql/<backend>/NNN_name.sql, compiled in as
// resources); open() applies those not yet recorded in the schema_version table, each in its
// own transaction. The connection belongs to the thread that calls open(): use the instance
// from that thread only.
class SqlStorage final : public Storage
{
public:
    enum class Backend { Sqlite, PostgreSql };

    // `location`: a file path, or a postgresql:// URL. `syncFull`: SQLite fsyncs every commit
    // (else only at checkpoints, which survives a process crash but not a power cut).
    explicit SqlStorage(QString location, bool syncFull = true);
    ~SqlStorage() override;

    static bool isPostgresUrl(const QString &location);

    bool open() override;
    void close() override;
    QString errorString() const override { return m_error; }
    QString describe() const override;

    bool beginBatch() override;
    bool commitBatch() override;
    void rollbackBatch() override;

    bool saveIdentity(const StoredIdentity &identity) override;
    bool saveRoom(const StoredRoom &room) override;
    bool saveParticipant(qint64 roomId, const StoredParticipant &participant) override;
    bool deleteParticipant(qint64 roomId, const QString &participantId) override;
    bool saveBan(qint64 roomId, const StoredBan &ban) override;
    bool appendEvent(const StoredEvent &event) override;
    bool trimHistory(qint64 roomId, qint64 throughSeq) override;

    std::optional<LoadedState> loadLiveState() override;
    std::optional<StoredHistoryPage> history(qint64 roomId, qint64 before, qint64 after,
                                             int limit) override;

    // The newest schema version the compiled-in migrations reach, and the database's own.
    int latestSchemaVersion() const;
    int schemaVersion();
    // SQLite: checkpoints the background checkpointer ran so far (0 without one).
    quint64 backgroundCheckpoints() const;

private:
    bool connectDatabase();
    bool migrate();
    bool exec(const QString &sql);
    bool run(QSqlQuery &query);
    QSqlQuery &prepared(int slot, const char *sql);

    QString m_location;
    bool m_syncFull;
    Backend m_backend;
    QString m_connectionName;
    QSqlDatabase m_db;
    QString m_error;
    // Prepared statements, made on first use and kept for the connection's life.
    std::unique_ptr<QSqlQuery> m_statements[16];
    // SQLite: checkpoints off the storage thread (see WalCheckpointer); asked for every
    // checkpointEveryCommits commits.
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    int m_commitsSinceCheckpoint = 0;
};
