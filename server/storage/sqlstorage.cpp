#include "sqlstorage.h"

#include "walcheckpointer.h"

#include <QtCore/QAtomicInteger>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>
#include <QtSql/QSqlError>
#include <QtSql/QSqlRecord>

Q_LOGGING_CATEGORY(lcStorage, "hearth.server.storage")

namespace {
// Prepared statement slots.
enum Slot {
    SaveIdentity,
    SaveRoom,
    SaveParticipant,
    DeleteParticipant,
    SaveBan,
    AppendEvent,
    HistoryNewest,
    HistoryBefore,
    HistoryAfter,
    HistoryBetween,
    FirstSeq,
    TrimHistory,
    Begin,
    Commit,
};

// Typed NULLs: PostgreSQL must know a parameter's type even when its value is NULL.
QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant integerOrNull(qint64 value)
{
    return value ? QVariant(value) : QVariant(QMetaType::fromType<qint64>());
}

// How often the background checkpointer is asked to run: a commit adds a few pages to the
// log, so this keeps it near SQLite's own default of 1,000 pages.
constexpr int checkpointEveryCommits = 256;
// The writer's own automatic checkpoint stays as a backstop, far above that (64 MB of log at
// 4 KB pages), for when the checkpointer cannot keep up or could not start.
constexpr int writerAutoCheckpointPages = 16384;

QString nextConnectionName()
{
    static QAtomicInteger<int> counter;
    return QStringLiteral("hearth-storage-%1").arg(counter.fetchAndAddRelaxed(1));
}

// Migrations compiled into the binary: (version, resource path), ascending.
QList<QPair<int, QString>> migrationFiles(SqlStorage::Backend backend)
{
    const QString dir = backend == SqlStorage::Backend::Sqlite
                            ? QStringLiteral(":/hearth/sql/sqlite")
                            : QStringLiteral(":/hearth/sql/postgresql");
    QList<QPair<int, QString>> files;
    static const QRegularExpression name(QStringLiteral("^(\\d{3})_[a-z0-9_]+\\.sql$"));
    const QStringList entries = QDir(dir).entryList(QDir::Files, QDir::Name);
    for (const QString &entry : entries) {
        const auto match = name.match(entry);
        if (match.hasMatch())
            files.append({match.captured(1).toInt(), dir + u'/' + entry});
    }
    return files;
}

// SQL files hold plain DDL: statements end with ';' at the end of a line.
QStringList splitStatements(const QString &script)
{
    QStringList statements;
    QString current;
    const QStringList lines = script.split(u'\n');
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QLatin1String("--")) || trimmed.isEmpty())
            continue;
        current += line + u'\n';
        if (trimmed.endsWith(u';')) {
            statements.append(current.trimmed().chopped(1));
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements.append(current.trimmed());
    return statements;
}
} // namespace

SqlStorage::SqlStorage(QString location, bool syncFull)
    : m_location(std::move(location))
    , m_syncFull(syncFull)
    , m_backend(isPostgresUrl(m_location) ? Backend::PostgreSql : Backend::Sqlite)
    , m_connectionName(nextConnectionName())
{}

SqlStorage::~SqlStorage()
{
    close();
}

bool SqlStorage::isPostgresUrl(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://")) ||
           location.startsWith(QLatin1String("postgres://"));
}

QString SqlStorage::describe() const
{
    if (m_backend == Backend::Sqlite)
        return QStringLiteral("sqlite ") + m_location;
    const QUrl url(m_location);
    return QStringLiteral("postgresql %1/%2").arg(url.host(), url.path().mid(1));
}

bool SqlStorage::open()
{
    if (!connectDatabase() || !migrate())
        return false;
    if (m_backend == Backend::Sqlite) {
        auto checkpointer = std::make_unique<WalCheckpointer>(m_location);
        if (checkpointer->start() &&
            exec(QStringLiteral("PRAGMA wal_autocheckpoint=%1").arg(writerAutoCheckpointPages)))
            m_checkpointer = std::move(checkpointer);
        else
            qCWarning(lcStorage) << "no background checkpoints for" << describe() << ":"
                                 << checkpointer->errorString()
                                 << "- SQLite checkpoints inside commits instead";
    }
    return true;
}

quint64 SqlStorage::backgroundCheckpoints() const
{
    return m_checkpointer ? m_checkpointer->checkpoints() : 0;
}

void SqlStorage::close()
{
    // The checkpointer's connection goes first, so that the writer's close is the last one
    // and folds the log into the database file.
    m_checkpointer.reset();
    for (auto &statement : m_statements)
        statement.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool SqlStorage::connectDatabase()
{
    const QString driver =
        m_backend == Backend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        m_error = QStringLiteral("the Qt SQL driver %1 is not installed").arg(driver);
        return false;
    }
    m_db = QSqlDatabase::addDatabase(driver, m_connectionName);
    if (m_backend == Backend::Sqlite) {
        const QFileInfo file(m_location);
        if (!QDir().mkpath(file.absolutePath())) {
            m_error = QStringLiteral("cannot create the directory %1").arg(file.absolutePath());
            return false;
        }
        m_db.setDatabaseName(m_location);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else {
        const QUrl url(m_location);
        m_db.setHostName(url.host());
        m_db.setPort(url.port(5432));
        m_db.setUserName(url.userName());
        m_db.setPassword(url.password());
        m_db.setDatabaseName(url.path().mid(1));
    }
    if (!m_db.open()) {
        m_error = QStringLiteral("cannot open %1: %2").arg(describe(), m_db.lastError().text());
        return false;
    }
    if (m_backend == Backend::Sqlite) {
        // WAL: readers never block the writer, and a commit appends to one file.
        if (!exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !exec(m_syncFull ? QStringLiteral("PRAGMA synchronous=FULL")
                             : QStringLiteral("PRAGMA synchronous=NORMAL")) ||
            !exec(QStringLiteral("PRAGMA foreign_keys=ON")))
            return false;
    }
    return true;
}

int SqlStorage::latestSchemaVersion() const
{
    const auto files = migrationFiles(m_backend);
    return files.isEmpty() ? 0 : files.last().first;
}

int SqlStorage::schemaVersion()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !query.next())
        return 0;
    return query.value(0).toInt();
}

bool SqlStorage::migrate()
{
    if (!exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version ("
                             "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")))
        return false;
    const int current = schemaVersion();
    const auto files = migrationFiles(m_backend);
    if (files.isEmpty()) {
        m_error = QStringLiteral("no schema migrations are compiled in");
        return false;
    }
    if (current > files.last().first) {
        m_error = QStringLiteral("the database has schema version %1, newer than this program "
                                 "knows (%2)")
                      .arg(current)
                      .arg(files.last().first);
        return false;
    }
    for (const auto &[version, path] : files) {
        if (version <= current)
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read migration %1").arg(path);
            return false;
        }
        const QStringList statements = splitStatements(QString::fromUtf8(file.readAll()));
        if (!beginBatch())
            return false;
        bool ok = true;
        for (const QString &statement : statements)
            ok = ok && exec(statement);
        QSqlQuery record(m_db);
        record.prepare(QStringLiteral("INSERT INTO schema_version (version, applied_at) "
                                      "VALUES (?, ?)"));
        record.addBindValue(version);
        record.addBindValue(QDateTime::currentMSecsSinceEpoch());
        ok = ok && run(record);
        if (!ok || !commitBatch()) {
            const QString why = m_error;
            rollbackBatch();
            m_error = QStringLiteral("migration %1 failed: %2").arg(path, why);
            return false;
        }
        qCInfo(lcStorage) << "applied schema migration" << version << "to" << describe();
    }
    return true;
}

bool SqlStorage::exec(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql)) {
        m_error = query.lastError().text();
        qCWarning(lcStorage) << "statement failed:" << sql.left(80) << m_error;
        return false;
    }
    return true;
}

bool SqlStorage::run(QSqlQuery &query)
{
    if (!query.exec()) {
        m_error = query.lastError().text();
        qCWarning(lcStorage) << "statement failed:" << query.lastQuery().left(80) << m_error;
        return false;
    }
    return true;
}

QSqlQuery &SqlStorage::prepared(int slot, const char *sql)
{
    auto &statement = m_statements[slot];
    if (!statement) {
        statement = std::make_unique<QSqlQuery>(m_db);
        statement->setForwardOnly(true);
        if (!statement->prepare(QString::fromLatin1(sql)))
            qCCritical(lcStorage) << "cannot prepare" << sql << statement->lastError().text();
    }
    return *statement;
}

bool SqlStorage::beginBatch()
{
    // SQLite: take the write lock up front. A plain BEGIN (what QSqlDatabase::transaction()
    // sends) starts as a reader and can fail with SQLITE_BUSY half way through the batch.
    // SQLite parses BEGIN and COMMIT once (a group commit runs them hundreds of times a second).
    if (m_backend == Backend::Sqlite)
        return run(prepared(Begin, "BEGIN IMMEDIATE"));
    return exec(QStringLiteral("BEGIN"));
}

bool SqlStorage::commitBatch()
{
    if (!(m_backend == Backend::Sqlite ? run(prepared(Commit, "COMMIT"))
                                       : exec(QStringLiteral("COMMIT"))))
        return false;
    if (m_checkpointer && ++m_commitsSinceCheckpoint >= checkpointEveryCommits) {
        m_commitsSinceCheckpoint = 0;
        m_checkpointer->request();
    }
    return true;
}

void SqlStorage::rollbackBatch()
{
    QSqlQuery query(m_db);
    query.exec(QStringLiteral("ROLLBACK"));
}

bool SqlStorage::saveIdentity(const StoredIdentity &identity)
{
    QSqlQuery &q =
        prepared(SaveIdentity, "INSERT INTO identities (participant_id, secret_hash, created_at) "
                               "VALUES (?, ?, ?) ON CONFLICT (participant_id) DO NOTHING");
    q.bindValue(0, identity.participantId);
    q.bindValue(1, QString::fromLatin1(identity.secretHash));
    q.bindValue(2, identity.createdAt);
    return run(q);
}

bool SqlStorage::saveRoom(const StoredRoom &r)
{
    QSqlQuery &q = prepared(
        SaveRoom,
        "INSERT INTO rooms (id, code, name, capacity, state, allow_spectators, "
        "approval_required, locked, is_public, password_hash, host_id, creator_id, created_at, "
        "closed_at, peak_seats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, capacity = excluded.capacity, "
        "state = excluded.state, allow_spectators = excluded.allow_spectators, "
        "approval_required = excluded.approval_required, locked = excluded.locked, "
        "is_public = excluded.is_public, password_hash = excluded.password_hash, "
        "host_id = excluded.host_id, closed_at = excluded.closed_at, "
        "peak_seats = excluded.peak_seats");
    q.bindValue(0, r.id);
    q.bindValue(1, r.code);
    q.bindValue(2, r.name);
    q.bindValue(3, r.capacity);
    q.bindValue(4, r.state);
    q.bindValue(5, int(r.allowSpectators));
    q.bindValue(6, int(r.approvalRequired));
    q.bindValue(7, int(r.locked));
    q.bindValue(8, int(r.isPublic));
    q.bindValue(9, textOrNull(r.passwordHash));
    q.bindValue(10, textOrNull(r.hostId));
    q.bindValue(11, r.creatorId);
    q.bindValue(12, r.createdAt);
    q.bindValue(13, integerOrNull(r.closedAt));
    q.bindValue(14, r.peakSeats);
    return run(q);
}

bool SqlStorage::saveParticipant(qint64 roomId, const StoredParticipant &p)
{
    QSqlQuery &q = prepared(
        SaveParticipant,
        "INSERT INTO participants (room_id, participant_id, name, role, status, joined_seq, "
        "joined_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (room_id, participant_id) DO UPDATE SET name = excluded.name, "
        "role = excluded.role, status = excluded.status, joined_seq = excluded.joined_seq, "
        "joined_at = excluded.joined_at, last_seen = excluded.last_seen");
    q.bindValue(0, roomId);
    q.bindValue(1, p.participantId);
    q.bindValue(2, p.name);
    q.bindValue(3, p.role);
    q.bindValue(4, int(p.status));
    q.bindValue(5, p.joinedSeq);
    q.bindValue(6, p.joinedAt);
    q.bindValue(7, p.lastSeen);
    return run(q);
}

bool SqlStorage::deleteParticipant(qint64 roomId, const QString &participantId)
{
    QSqlQuery &q = prepared(DeleteParticipant,
                            "DELETE FROM participants WHERE room_id = ? AND participant_id = ?");
    q.bindValue(0, roomId);
    q.bindValue(1, participantId);
    return run(q);
}

bool SqlStorage::saveBan(qint64 roomId, const StoredBan &ban)
{
    QSqlQuery &q =
        prepared(SaveBan, "INSERT INTO bans (room_id, participant_id, banned_by, banned_at) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (room_id, participant_id) DO NOTHING");
    q.bindValue(0, roomId);
    q.bindValue(1, ban.participantId);
    q.bindValue(2, ban.bannedBy);
    q.bindValue(3, ban.bannedAt);
    return run(q);
}

bool SqlStorage::appendEvent(const StoredEvent &e)
{
    QSqlQuery &q = prepared(AppendEvent, "INSERT INTO events (room_id, seq, ts, kind, author_id, "
                                         "client_msg_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bindValue(0, e.roomId);
    q.bindValue(1, e.seq);
    q.bindValue(2, e.ts);
    q.bindValue(3, e.kind);
    q.bindValue(4, textOrNull(e.authorId));
    q.bindValue(5, textOrNull(e.clientMsgId));
    q.bindValue(6, QString::fromUtf8(e.body));
    return run(q);
}

bool SqlStorage::trimHistory(qint64 roomId, qint64 throughSeq)
{
    QSqlQuery &q = prepared(TrimHistory, "DELETE FROM events WHERE room_id = ? AND seq <= ?");
    q.bindValue(0, roomId);
    q.bindValue(1, throughSeq);
    return run(q);
}

std::optional<LoadedState> SqlStorage::loadLiveState()
{
    LoadedState state;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT participant_id, secret_hash, created_at FROM identities"))) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    while (q.next())
        state.identities.append(
            {q.value(0).toString(), q.value(1).toString().toLatin1(), q.value(2).toLongLong()});

    if (!q.exec(QStringLiteral(
            "SELECT id, code, name, capacity, state, allow_spectators, approval_required, "
            "locked, is_public, password_hash, host_id, creator_id, created_at, peak_seats "
            "FROM rooms WHERE closed_at IS NULL"))) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    QHash<qint64, int> indexOf;
    while (q.next()) {
        LoadedRoom loaded;
        StoredRoom &r = loaded.room;
        r.id = q.value(0).toLongLong();
        r.code = q.value(1).toString();
        r.name = q.value(2).toString();
        r.capacity = q.value(3).toInt();
        r.state = q.value(4).toString();
        r.allowSpectators = q.value(5).toInt();
        r.approvalRequired = q.value(6).toInt();
        r.locked = q.value(7).toInt();
        r.isPublic = q.value(8).toInt();
        r.passwordHash = q.value(9).toString();
        r.hostId = q.value(10).toString();
        r.creatorId = q.value(11).toString();
        r.createdAt = q.value(12).toLongLong();
        r.peakSeats = q.value(13).toInt();
        indexOf.insert(r.id, int(state.rooms.size()));
        state.rooms.append(loaded);
    }

    if (!q.exec(QStringLiteral(
            "SELECT p.room_id, p.participant_id, p.name, p.role, p.status, p.joined_seq, "
            "p.joined_at, p.last_seen FROM participants p JOIN rooms r ON r.id = p.room_id "
            "WHERE r.closed_at IS NULL ORDER BY p.room_id, p.joined_seq"))) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    while (q.next()) {
        const auto it = indexOf.constFind(q.value(0).toLongLong());
        if (it == indexOf.constEnd())
            continue;
        state.rooms[*it].participants.append({q.value(1).toString(), q.value(2).toString(),
                                              q.value(3).toString(), quint8(q.value(4).toInt()),
                                              q.value(5).toLongLong(), q.value(6).toLongLong(),
                                              q.value(7).toLongLong()});
    }

    if (!q.exec(QStringLiteral("SELECT b.room_id, b.participant_id, b.banned_by, b.banned_at "
                               "FROM bans b JOIN rooms r ON r.id = b.room_id "
                               "WHERE r.closed_at IS NULL"))) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    while (q.next()) {
        const auto it = indexOf.constFind(q.value(0).toLongLong());
        if (it != indexOf.constEnd())
            state.rooms[*it].bans.append(
                {q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    }

    if (!q.exec(QStringLiteral("SELECT e.room_id, e.kind, COUNT(*), MAX(e.seq) FROM events e "
                               "JOIN rooms r ON r.id = e.room_id WHERE r.closed_at IS NULL "
                               "GROUP BY e.room_id, e.kind"))) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    while (q.next()) {
        const auto it = indexOf.constFind(q.value(0).toLongLong());
        if (it == indexOf.constEnd())
            continue;
        LoadedRoom &room = state.rooms[*it];
        room.eventCounts.insert(q.value(1).toString(), q.value(2).toLongLong());
        room.lastSeq = std::max(room.lastSeq, q.value(3).toLongLong());
    }

    // The recent client message ids make resends after a restart idempotent too.
    QSqlQuery recent(m_db);
    recent.setForwardOnly(true);
    recent.prepare(QStringLiteral("SELECT author_id, client_msg_id, seq FROM events "
                                  "WHERE room_id = ? AND client_msg_id IS NOT NULL "
                                  "ORDER BY seq DESC LIMIT 1024"));
    for (LoadedRoom &room : state.rooms) {
        recent.bindValue(0, room.room.id);
        if (!recent.exec()) {
            m_error = recent.lastError().text();
            return std::nullopt;
        }
        while (recent.next())
            room.recentClientMessages.prepend({recent.value(0).toString(),
                                               recent.value(1).toString(),
                                               recent.value(2).toLongLong()});
    }
    return state;
}

std::optional<StoredHistoryPage> SqlStorage::history(qint64 roomId, qint64 before, qint64 after,
                                                     int limit)
{
    StoredHistoryPage page;
    // One more row than asked tells whether there is more.
    QSqlQuery *q = nullptr;
    if (after >= 0 && before > 0) {
        q = &prepared(HistoryBetween, "SELECT body FROM events WHERE room_id = ? AND seq > ? "
                                      "AND seq < ? ORDER BY seq ASC LIMIT ?");
        q->bindValue(1, after);
        q->bindValue(2, before);
    } else if (after >= 0) {
        q = &prepared(HistoryAfter, "SELECT body FROM events WHERE room_id = ? AND seq > ? "
                                    "ORDER BY seq ASC LIMIT ?");
        q->bindValue(1, after);
    } else if (before > 0) {
        q = &prepared(HistoryBefore, "SELECT body FROM events WHERE room_id = ? AND seq < ? "
                                     "ORDER BY seq DESC LIMIT ?");
        q->bindValue(1, before);
    } else {
        q = &prepared(HistoryNewest,
                      "SELECT body FROM events WHERE room_id = ? ORDER BY seq DESC LIMIT ?");
    }
    q->bindValue(0, roomId);
    const int limitSlot = after >= 0 && before > 0 ? 3 : (after >= 0 || before > 0 ? 2 : 1);
    q->bindValue(limitSlot, limit + 1);
    if (!run(*q))
        return std::nullopt;
    while (q->next())
        page.bodies.append(q->value(0).toString().toUtf8());
    q->finish();
    if (page.bodies.size() > limit) {
        page.hasMore = true;
        page.bodies.removeLast();
    }
    if (after < 0)
        std::reverse(page.bodies.begin(), page.bodies.end());

    QSqlQuery &first = prepared(FirstSeq, "SELECT MIN(seq) FROM events WHERE room_id = ?");
    first.bindValue(0, roomId);
    if (!run(first))
        return std::nullopt;
    if (first.next())
        page.firstSeq = first.value(0).toLongLong();
    first.finish();
    return page;
}
