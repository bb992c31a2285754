// SqlStorage on a temporary SQLite file (schema, WAL, everything saved comes back, closed rooms
// free their code, history paging, a too-new schema is refused) and CommitQueue (group commit,
// completions in order on the owner's thread, flush).

#include "storage/commitqueue.h"
#include "storage/sqlstorage.h"

#include <QtCore/QAtomicInteger>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <chrono>
#include <memory>
#include <thread>

namespace {
QString str(const char *s)
{
    return QString::fromUtf8(s);
}

// A second, independent connection to the same file, for looking behind the storage's back.
class Inspector
{
public:
    explicit Inspector(const QString &path)
        : m_name(QStringLiteral("inspector-%1").arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~Inspector()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool isOpen() const { return m_ok; }
    QVariant value(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next()) {
            qWarning("inspector: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        return q.value(0);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql)) {
            qWarning("inspector: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        return true;
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_ok = false;
};

StoredRoom makeRoom(qint64 id, const QString &code)
{
    StoredRoom r;
    r.id = id;
    r.code = code;
    r.name = QStringLiteral("Room %1").arg(id);
    r.capacity = 12;
    r.state = str("active");
    r.allowSpectators = false;
    r.approvalRequired = true;
    r.locked = true;
    r.isPublic = true;
    r.passwordHash = str("00ff$abcd");
    r.hostId = str("aaaaaaaaaaaaaaaa");
    r.creatorId = str("bbbbbbbbbbbbbbbb");
    r.createdAt = 1763760000000 + id;
    r.peakSeats = 7;
    return r;
}

StoredEvent makeEvent(qint64 roomId, qint64 seq, const QString &text = {},
                      const QString &clientMsgId = {})
{
    const QString kind = text.isEmpty() ? str("presence") : str("chat");
    QJsonObject data;
    if (!text.isEmpty())
        data = {{str("author"), str("aaaaaaaaaaaaaaaa")}, {str("text"), text}};
    const QJsonObject frame{{str("type"), str("event")}, {str("seq"), seq}, {str("data"), data}};
    return StoredEvent{roomId,
                       seq,
                       1763760000000 + seq,
                       kind,
                       text.isEmpty() ? QString() : str("aaaaaaaaaaaaaaaa"),
                       clientMsgId,
                       QJsonDocument(frame).toJson(QJsonDocument::Compact)};
}

qint64 seqOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(str("seq")).toInteger();
}

const LoadedRoom *findRoom(const LoadedState &state, qint64 id)
{
    for (const LoadedRoom &r : state.rooms) {
        if (r.room.id == id)
            return &r;
    }
    return nullptr;
}

// A Storage that only counts, with a commit that takes a while (as an fsync does).
class FakeStorage final : public Storage
{
public:
    QAtomicInteger<int> begins, commits, works;
    QAtomicInteger<int> failNextCommit = 0;
    int commitMs = 20;

    bool open() override { return true; }
    void close() override {}
    QString errorString() const override { return str("fake failure"); }
    QString describe() const override { return str("fake"); }
    bool beginBatch() override
    {
        ++begins;
        return true;
    }
    bool commitBatch() override
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(commitMs));
        ++commits;
        return !failNextCommit.testAndSetRelaxed(1, 0);
    }
    void rollbackBatch() override {}
    bool saveIdentity(const StoredIdentity &) override { return true; }
    bool saveRoom(const StoredRoom &) override { return true; }
    bool saveParticipant(qint64, const StoredParticipant &) override { return true; }
    bool deleteParticipant(qint64, const QString &) override { return true; }
    bool saveBan(qint64, const StoredBan &) override { return true; }
    bool appendEvent(const StoredEvent &) override { return true; }
    bool trimHistory(qint64, qint64) override { return true; }
    std::optional<LoadedState> loadLiveState() override { return LoadedState{}; }
    std::optional<StoredHistoryPage> history(qint64, qint64, qint64, int) override
    {
        return StoredHistoryPage{};
    }
};
} // namespace

class tst_SqlStorage : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;

    std::unique_ptr<SqlStorage> openStorage()
    {
        auto storage = std::make_unique<SqlStorage>(m_path, false);
        if (!storage->open()) {
            qWarning("open failed: %s", qPrintable(storage->errorString()));
            return nullptr;
        }
        return storage;
    }

    // Writes in one batch, as the CommitQueue does.
    template <typename F> static bool batch(SqlStorage &storage, F &&writes)
    {
        if (!storage.beginBatch())
            return false;
        if (!writes()) {
            storage.rollbackBatch();
            return false;
        }
        return storage.commitBatch();
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(str("sub/dir/hearth.sqlite")); // the directory is made too
    }

    void cleanup() { m_dir.reset(); }

    void openCreatesTheSchema()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        QVERIFY(storage->latestSchemaVersion() >= 1);
        QCOMPARE(storage->schemaVersion(), storage->latestSchemaVersion());
        QVERIFY(storage->describe().contains(m_path));

        Inspector db(m_path);
        QVERIFY(db.isOpen());
        for (const char *table :
             {"identities", "rooms", "participants", "bans", "events", "schema_version"}) {
            QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE "
                                             "type = 'table' AND name = '%1'")
                                  .arg(QLatin1String(table)))
                         .toInt(),
                     1);
        }
        QCOMPARE(db.value(str("SELECT COUNT(*) FROM schema_version")).toInt(),
                 storage->latestSchemaVersion());
    }

    void reopeningIsANoOp()
    {
        qint64 appliedAt = 0;
        {
            auto first = openStorage();
            QVERIFY(first);
            QVERIFY(batch(*first, [&] { return first->saveRoom(makeRoom(1, str("AAAAAA"))); }));
            Inspector db(m_path);
            appliedAt = db.value(str("SELECT MAX(applied_at) FROM schema_version")).toLongLong();
        }
        for (int i = 0; i < 3; ++i) {
            auto again = openStorage();
            QVERIFY(again);
            QCOMPARE(again->schemaVersion(), again->latestSchemaVersion());
            const auto state = again->loadLiveState();
            QVERIFY(state);
            QCOMPARE(state->rooms.size(), 1);
        }
        Inspector db(m_path);
        QCOMPARE(db.value(str("SELECT COUNT(*) FROM schema_version")).toInt(),
                 SqlStorage(m_path).latestSchemaVersion());
        QCOMPARE(db.value(str("SELECT MAX(applied_at) FROM schema_version")).toLongLong(),
                 appliedAt);
    }

    // A database made by an earlier version is migrated in place: here one at schema version 1,
    // whose identities table still had a rowid (migration 2), and whose identity hashes are of
    // protocol v1's raw secrets (forgotten by migration 3).
    void migratesAVersion1Database()
    {
        QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
        {
            Inspector db(m_path);
            QVERIFY(db.isOpen());
            QFile v1(str(":/hearth/sql/sqlite/001_initial.sql"));
            QVERIFY(v1.open(QIODevice::ReadOnly));
            QString script;
            for (const QString &line : QString::fromUtf8(v1.readAll()).split(u'\n')) {
                if (!line.trimmed().startsWith(str("--")))
                    script += line + u'\n';
            }
            for (const QString &statement : script.split(u';')) {
                if (!statement.trimmed().isEmpty())
                    QVERIFY(db.exec(statement));
            }
            QVERIFY(db.exec(str("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                                "applied_at BIGINT NOT NULL)")));
            QVERIFY(db.exec(str("INSERT INTO schema_version VALUES (1, 1763760000000)")));
            QVERIFY(db.exec(str("INSERT INTO identities VALUES ('p-one', 'hash-one', 1), "
                                "('p-two', 'hash-two', 2)")));
        }
        auto storage = openStorage();
        QVERIFY(storage);
        QCOMPARE(storage->schemaVersion(), storage->latestSchemaVersion());
        QVERIFY(storage->latestSchemaVersion() >= 3);
        // Migration 3 forgets the hashes of protocol v1's raw secrets: v2 clients send a secret
        // derived per host, and would all be refused as impostors (identity_rejected).
        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QCOMPARE(state->identities.size(), 0);
        // New identities go in (the same participant again, with its derived secret's hash),
        // and one id still cannot be stored twice (the second is ignored).
        QVERIFY(batch(*storage, [&] {
            return storage->saveIdentity({str("p-one"), "derived-one", 3}) &&
                   storage->saveIdentity({str("p-three"), "hash-three", 3}) &&
                   storage->saveIdentity({str("p-one"), "other", 4});
        }));
        storage.reset();
        Inspector db(m_path);
        QVERIFY(db.value(str("SELECT sql FROM sqlite_master WHERE name = 'identities'"))
                    .toString()
                    .contains(str("WITHOUT ROWID")));
        QCOMPARE(db.value(str("SELECT COUNT(*) FROM identities")).toInt(), 2);
        QCOMPARE(db.value(str("SELECT secret_hash FROM identities WHERE participant_id = 'p-one'"))
                     .toString(),
                 str("derived-one"));
    }

    void walModeIsOn()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        Inspector db(m_path);
        QCOMPARE(db.value(str("PRAGMA journal_mode")).toString().toLower(), str("wal"));
    }

    void everythingSavedIsLoaded()
    {
        {
            auto storage = openStorage();
            QVERIFY(storage);
            const StoredRoom room = makeRoom(4611686018427387903, str("XJ9K2M")); // 2^62-1
            StoredRoom other = makeRoom(2, str("ABCDEF"));
            other.passwordHash.clear();
            other.hostId.clear();
            QVERIFY(batch(*storage, [&] {
                bool ok = storage->saveIdentity({str("1111111111111111"),
                                                 "ab"
                                                 "cd",
                                                 11}) &&
                          storage->saveIdentity({str("2222222222222222"), "ef01", 22})
                          // A second save of an identity keeps the first (nobody can re-register).
                          && storage->saveIdentity({str("1111111111111111"), "ffff", 33}) &&
                          storage->saveRoom(room) && storage->saveRoom(other);
                // Participants saved out of join order come back in join order.
                ok = ok &&
                     storage->saveParticipant(room.id, {str("cccccccccccccccc"), str("Cy"),
                                                        str("spectator"), 0b10101, 9, 90, 95}) &&
                     storage->saveParticipant(room.id,
                                              {str("aaaaaaaaaaaaaaaa"), str("Ana \xF0\x9F\x98\x80"),
                                               str("host"), 0, 1, 10, 15}) &&
                     storage->saveParticipant(room.id, {str("dddddddddddddddd"), str("Dee"),
                                                        str("member"), 0, 4, 40, 45}) &&
                     storage->saveParticipant(room.id, {str("bbbbbbbbbbbbbbbb"), str("Ben"),
                                                        str("member"), 1, 2, 20, 25});
                // An update replaces, a delete removes.
                ok = ok &&
                     storage->saveParticipant(room.id, {str("bbbbbbbbbbbbbbbb"), str("Benny"),
                                                        str("member"), 3, 2, 20, 99}) &&
                     storage->deleteParticipant(room.id, str("dddddddddddddddd")) &&
                     storage->saveParticipant(
                         other.id, {str("aaaaaaaaaaaaaaaa"), str("A"), str("member"), 0, 1, 1, 1});
                ok = ok &&
                     storage->saveBan(room.id,
                                      {str("eeeeeeeeeeeeeeee"), str("aaaaaaaaaaaaaaaa"), 77}) &&
                     storage->saveBan(room.id,
                                      {str("eeeeeeeeeeeeeeee"), str("aaaaaaaaaaaaaaaa"), 78});
                for (qint64 seq = 1; seq <= 5; ++seq)
                    ok = ok && storage->appendEvent(makeEvent(room.id, seq));
                ok = ok && storage->appendEvent(makeEvent(room.id, 6, str("hi"), str("c-1"))) &&
                     storage->appendEvent(makeEvent(room.id, 7, str("again"), str("c-2"))) &&
                     storage->appendEvent(makeEvent(room.id, 8, str("no id"))) &&
                     storage->appendEvent(makeEvent(other.id, 1));
                return ok;
            }));
            // A seq is stored once per room.
            QVERIFY(!batch(*storage, [&] { return storage->appendEvent(makeEvent(room.id, 8)); }));
        }

        auto storage = openStorage();
        QVERIFY(storage);
        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QCOMPARE(state->identities.size(), 2);
        for (const StoredIdentity &identity : state->identities) {
            if (identity.participantId == str("1111111111111111")) {
                QCOMPARE(identity.secretHash, QByteArray("abcd"));
                QCOMPARE(identity.createdAt, 11);
            } else {
                QCOMPARE(identity.participantId, str("2222222222222222"));
                QCOMPARE(identity.secretHash, QByteArray("ef01"));
            }
        }

        QCOMPARE(state->rooms.size(), 2);
        const LoadedRoom *loaded = findRoom(*state, 4611686018427387903);
        QVERIFY(loaded);
        const StoredRoom expected = makeRoom(4611686018427387903, str("XJ9K2M"));
        const StoredRoom &r = loaded->room;
        QCOMPARE(r.code, expected.code);
        QCOMPARE(r.name, expected.name);
        QCOMPARE(r.capacity, expected.capacity);
        QCOMPARE(r.state, expected.state);
        QCOMPARE(r.allowSpectators, false);
        QCOMPARE(r.approvalRequired, true);
        QCOMPARE(r.locked, true);
        QCOMPARE(r.isPublic, true);
        QCOMPARE(r.passwordHash, expected.passwordHash);
        QCOMPARE(r.hostId, expected.hostId);
        QCOMPARE(r.creatorId, expected.creatorId);
        QCOMPARE(r.createdAt, expected.createdAt);
        QCOMPARE(r.peakSeats, 7);

        QCOMPARE(loaded->participants.size(), 3);
        QCOMPARE(loaded->participants[0].participantId, str("aaaaaaaaaaaaaaaa"));
        QCOMPARE(loaded->participants[0].name, str("Ana \xF0\x9F\x98\x80"));
        QCOMPARE(loaded->participants[0].role, str("host"));
        QCOMPARE(loaded->participants[1].name, str("Benny"));
        QCOMPARE(int(loaded->participants[1].status), 3);
        QCOMPARE(loaded->participants[1].lastSeen, 99);
        QCOMPARE(loaded->participants[2].participantId, str("cccccccccccccccc"));
        QCOMPARE(int(loaded->participants[2].status), 0b10101);
        QCOMPARE(loaded->participants[2].joinedSeq, 9);
        QCOMPARE(loaded->participants[2].joinedAt, 90);

        QCOMPARE(loaded->bans.size(), 1);
        QCOMPARE(loaded->bans[0].participantId, str("eeeeeeeeeeeeeeee"));
        QCOMPARE(loaded->bans[0].bannedBy, str("aaaaaaaaaaaaaaaa"));
        QCOMPARE(loaded->bans[0].bannedAt, 77);

        QCOMPARE(loaded->lastSeq, 8);
        QCOMPARE(loaded->eventCounts.value(str("chat")), 3);
        QCOMPARE(loaded->eventCounts.value(str("presence")), 5);
        QCOMPARE(loaded->recentClientMessages.size(), 2);
        QCOMPARE(loaded->recentClientMessages.last().clientMsgId, str("c-2")); // newest last
        QCOMPARE(loaded->recentClientMessages.last().seq, 7);
        QCOMPARE(loaded->recentClientMessages.first().authorId, str("aaaaaaaaaaaaaaaa"));

        const LoadedRoom *second = findRoom(*state, 2);
        QVERIFY(second);
        QVERIFY(second->room.passwordHash.isEmpty());
        QVERIFY(second->room.hostId.isEmpty());
        QCOMPARE(second->participants.size(), 1);
        QCOMPARE(second->lastSeq, 1);
        QVERIFY(second->bans.isEmpty());
    }

    void closedRoomsAreNotLoadedAndFreeTheirCode()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        StoredRoom a = makeRoom(10, str("SAMEXX"));
        StoredRoom b = makeRoom(11, str("SAMEXX"));
        QVERIFY(batch(*storage, [&] {
            return storage->saveRoom(a) &&
                   storage->saveParticipant(
                       a.id, {str("aaaaaaaaaaaaaaaa"), str("A"), str("host"), 0, 1, 1, 1}) &&
                   storage->appendEvent(makeEvent(a.id, 1));
        }));
        // Two live rooms cannot share a code (the partial UNIQUE index).
        QVERIFY(!batch(*storage, [&] { return storage->saveRoom(b); }));
        QVERIFY(!storage->errorString().isEmpty());

        a.closedAt = 1763760009999;
        QVERIFY(batch(*storage, [&] { return storage->saveRoom(a); }));
        // Closed and live with one code: fine.
        QVERIFY(batch(*storage, [&] { return storage->saveRoom(b); }));
        // Even several closed ones.
        StoredRoom c = makeRoom(12, str("SAMEXX"));
        c.closedAt = 5;
        QVERIFY(batch(*storage, [&] { return storage->saveRoom(c); }));

        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QCOMPARE(state->rooms.size(), 1);
        QCOMPARE(state->rooms[0].room.id, 11);
        QCOMPARE(state->rooms[0].room.code, str("SAMEXX"));
        QVERIFY(state->rooms[0].participants.isEmpty()); // A's host is not B's
        QCOMPARE(state->rooms[0].lastSeq, 0);

        // The closed room's history is still there for whoever kept it.
        const auto page = storage->history(a.id, -1, -1, 10);
        QVERIFY(page);
        QCOMPARE(page->bodies.size(), 1);
    }

    void historyPaging_data()
    {
        QTest::addColumn<qint64>("before");
        QTest::addColumn<qint64>("after");
        QTest::addColumn<int>("limit");
        QTest::addColumn<qint64>("first"); // 0: empty page
        QTest::addColumn<qint64>("last");
        QTest::addColumn<bool>("hasMore");
        // The room has events 1..250.
        QTest::newRow("newest 100")
            << qint64(-1) << qint64(-1) << 100 << qint64(151) << qint64(250) << true;
        QTest::newRow("newest 250 exactly")
            << qint64(-1) << qint64(-1) << 250 << qint64(1) << qint64(250) << false;
        QTest::newRow("newest, more than there is")
            << qint64(-1) << qint64(-1) << 300 << qint64(1) << qint64(250) << false;
        QTest::newRow("before 151")
            << qint64(151) << qint64(-1) << 100 << qint64(51) << qint64(150) << true;
        QTest::newRow("before 51: the oldest page")
            << qint64(51) << qint64(-1) << 100 << qint64(1) << qint64(50) << false;
        QTest::newRow("before 101 limit 100: exactly the rest")
            << qint64(101) << qint64(-1) << 100 << qint64(1) << qint64(100) << false;
        QTest::newRow("before 1: nothing")
            << qint64(1) << qint64(-1) << 100 << qint64(0) << qint64(0) << false;
        QTest::newRow("before beyond the end")
            << qint64(1000) << qint64(-1) << 10 << qint64(241) << qint64(250) << true;
        QTest::newRow("after 0: from the start")
            << qint64(-1) << qint64(0) << 100 << qint64(1) << qint64(100) << true;
        QTest::newRow("after 200")
            << qint64(-1) << qint64(200) << 100 << qint64(201) << qint64(250) << false;
        QTest::newRow("after 150 limit 100: exactly the rest")
            << qint64(-1) << qint64(150) << 100 << qint64(151) << qint64(250) << false;
        QTest::newRow("after 249 limit 1")
            << qint64(-1) << qint64(249) << 1 << qint64(250) << qint64(250) << false;
        QTest::newRow("after 248 limit 1")
            << qint64(-1) << qint64(248) << 1 << qint64(249) << qint64(249) << true;
        QTest::newRow("after the last")
            << qint64(-1) << qint64(250) << 100 << qint64(0) << qint64(0) << false;
        // Both: the oldest page between them (both exclusive), as a client catching up asks.
        QTest::newRow("between 10 and 21")
            << qint64(21) << qint64(10) << 100 << qint64(11) << qint64(20) << false;
        QTest::newRow("between 10 and 121, limit 100")
            << qint64(121) << qint64(10) << 100 << qint64(11) << qint64(110) << true;
        QTest::newRow("between 10 and 111, limit 100: exactly")
            << qint64(111) << qint64(10) << 100 << qint64(11) << qint64(110) << false;
        QTest::newRow("between 0 and 1000")
            << qint64(1000) << qint64(0) << 200 << qint64(1) << qint64(200) << true;
        QTest::newRow("between 5 and 6: nothing")
            << qint64(6) << qint64(5) << 100 << qint64(0) << qint64(0) << false;
    }

    void historyPaging()
    {
        QFETCH(qint64, before);
        QFETCH(qint64, after);
        QFETCH(int, limit);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        QFETCH(bool, hasMore);
        auto storage = openStorage();
        QVERIFY(storage);
        QVERIFY(batch(*storage, [&] {
            bool ok = storage->saveRoom(makeRoom(1, str("AAAAAA"))) &&
                      storage->saveRoom(makeRoom(2, str("BBBBBB")));
            // Interleaved with another room's events, which must never show up.
            for (qint64 seq = 1; seq <= 250 && ok; ++seq)
                ok = storage->appendEvent(makeEvent(1, seq, QStringLiteral("m%1").arg(seq))) &&
                     storage->appendEvent(makeEvent(2, seq + 1000));
            return ok;
        }));

        const auto page = storage->history(1, before, after, limit);
        QVERIFY(page);
        QCOMPARE(page->hasMore, hasMore);
        QCOMPARE(page->firstSeq, 1);
        if (first == 0) {
            QVERIFY(page->bodies.isEmpty());
            return;
        }
        QCOMPARE(page->bodies.size(), qsizetype(last - first + 1));
        for (qsizetype i = 0; i < page->bodies.size(); ++i) {
            QCOMPARE(seqOf(page->bodies[i]), first + i); // ascending, no gap
            QCOMPARE(page->bodies[i],
                     makeEvent(1, first + i, QStringLiteral("m%1").arg(first + i)).body);
        }
    }

    void historyOfAnEmptyOrTrimmedRoom()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        QVERIFY(batch(*storage, [&] { return storage->saveRoom(makeRoom(1, str("AAAAAA"))); }));
        auto page = storage->history(1, -1, -1, 100);
        QVERIFY(page);
        QVERIFY(page->bodies.isEmpty());
        QVERIFY(!page->hasMore);
        QCOMPARE(page->firstSeq, 0);

        // Trimmed history: firstSeq says where what is left begins; other rooms keep theirs.
        QVERIFY(batch(*storage, [&] {
            bool ok = storage->saveRoom(makeRoom(2, str("BBBBBB")));
            for (qint64 seq = 1; seq <= 20; ++seq)
                ok = ok && storage->appendEvent(makeEvent(1, seq)) &&
                     storage->appendEvent(makeEvent(2, seq));
            return ok;
        }));
        QVERIFY(batch(*storage, [&] { return storage->trimHistory(1, 12); }));
        page = storage->history(1, -1, 0, 100);
        QVERIFY(page);
        QCOMPARE(page->firstSeq, 13);
        QCOMPARE(page->bodies.size(), 8);
        QCOMPARE(seqOf(page->bodies.first()), 13);
        page = storage->history(1, 13, -1, 100); // everything before 13 is gone
        QVERIFY(page);
        QVERIFY(page->bodies.isEmpty());
        QVERIFY(!page->hasMore);
        page = storage->history(2, -1, -1, 100);
        QVERIFY(page);
        QCOMPARE(page->firstSeq, 1);
        QCOMPARE(page->bodies.size(), 20);
        // Trimming again below what is left, or past nothing, is harmless.
        QVERIFY(batch(*storage,
                      [&] { return storage->trimHistory(1, 5) && storage->trimHistory(3, 100); }));
        // The room's last seq survives a restart through what is left.
        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QCOMPARE(findRoom(*state, 1)->lastSeq, 20);
        QCOMPARE(findRoom(*state, 1)->eventCounts.value(str("presence")), 8);
    }

    void bodiesAreKeptByteForByte()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        const QString text =
            str("quotes \" backslash \\ newline \n </script> \xE6\x97\xA5\xE6\x9C\xAC "
                "\xF0\x9F\x98\x80 \xE2\x80\xAE");
        const StoredEvent event = makeEvent(1, 1, text, str("c-\xC3\xA9"));
        QVERIFY(batch(*storage, [&] {
            return storage->saveRoom(makeRoom(1, str("AAAAAA"))) && storage->appendEvent(event);
        }));
        const auto page = storage->history(1, -1, -1, 1);
        QVERIFY(page);
        QCOMPARE(page->bodies.size(), 1);
        QCOMPARE(page->bodies.first(), event.body);
        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QCOMPARE(state->rooms.first().recentClientMessages.first().clientMsgId, str("c-\xC3\xA9"));
    }

    // SQLite's own checkpoint would run inside a commit and make everything queued behind it
    // wait for the disk; the storage hands it to a connection and thread of its own instead.
    // Proof that it runs: the log is folded back and starts over, so it stops growing.
    void checkpointsRunInTheBackground()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        QVERIFY(batch(*storage, [&] { return storage->saveRoom(makeRoom(1, str("AAAAAA"))); }));
        const QString padding(1000, QLatin1Char('x'));
        const QFileInfo wal(m_path + str("-wal"));
        qint64 seq = 0;
        qint64 largestLog = 0;
        const int rounds = 6;
        const quint64 before = storage->backgroundCheckpoints();
        // 255 commits more make 256 since opening: the last commit of each round asks for one.
        for (int round = 0; round < rounds; ++round) {
            for (int i = 0; i < (round == 0 ? 255 : 256); ++i) {
                ++seq;
                QVERIFY(batch(*storage,
                              [&] { return storage->appendEvent(makeEvent(1, seq, padding)); }));
            }
            QTRY_COMPARE(storage->backgroundCheckpoints(), before + quint64(round + 1));
            largestLog = std::max(largestLog, QFileInfo(wal.filePath()).size());
        }
        // One round is ~256 commits of a few pages each; six rounds without checkpoints would
        // be six times that, and SQLite's backstop (64 MB) would not have stepped in yet.
        const qint64 oneRound = 256 * 4 * 4096;
        QVERIFY2(largestLog < 2 * oneRound, qPrintable(QString::number(largestLog)));
        const auto page = storage->history(1, -1, -1, 200);
        QVERIFY(page);
        QCOMPARE(page->bodies.size(), 200);
        storage.reset();
        Inspector db(m_path);
        QCOMPARE(db.value(str("SELECT COUNT(*) FROM events")).toLongLong(), seq);
    }

    void rollbackLeavesNothing()
    {
        auto storage = openStorage();
        QVERIFY(storage);
        QVERIFY(storage->beginBatch());
        QVERIFY(storage->saveRoom(makeRoom(1, str("AAAAAA"))));
        storage->rollbackBatch();
        const auto state = storage->loadLiveState();
        QVERIFY(state);
        QVERIFY(state->rooms.isEmpty());
    }

    void newerSchemaIsRefused()
    {
        int latest = 0;
        {
            auto storage = openStorage();
            QVERIFY(storage);
            latest = storage->latestSchemaVersion();
        }
        {
            Inspector db(m_path);
            QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_version (version, applied_at) "
                                           "VALUES (%1, 0)")
                                .arg(latest + 98)));
        }
        SqlStorage storage(m_path, false);
        QVERIFY(!storage.open());
        const QString why = storage.errorString();
        QVERIFY2(why.contains(str("newer")), qPrintable(why));
        QVERIFY2(why.contains(QString::number(latest + 98)), qPrintable(why));
        QVERIFY2(why.contains(QString::number(latest)), qPrintable(why));
        // And it did not touch the database.
        Inspector db(m_path);
        QCOMPARE(db.value(str("SELECT MAX(version) FROM schema_version")).toInt(), latest + 98);
    }

    void garbageFileIsRefused()
    {
        QDir().mkpath(QFileInfo(m_path).absolutePath());
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        SqlStorage storage(m_path, false);
        QVERIFY(!storage.open());
        QVERIFY(!storage.errorString().isEmpty());
    }

    // --- CommitQueue ---------------------------------------------------------------------------

    void commitQueueGroupsAndKeepsOrder()
    {
        auto owned = std::make_unique<FakeStorage>();
        FakeStorage *fake = owned.get();
        CommitQueue queue(std::move(owned));
        QVERIFY(queue.start([](Storage &st) { return st.open(); }));

        constexpr int n = 500;
        std::vector<int> completed;
        completed.reserve(n);
        bool allOnOwnerThread = true;
        bool allOk = true;
        QThread *owner = QThread::currentThread();
        QAtomicInteger<int> ranOnOwnerThread = 0;
        for (int i = 0; i < n; ++i) {
            queue.submit(
                [owner, &ranOnOwnerThread, fake](Storage &) {
                    ++fake->works;
                    if (QThread::currentThread() == owner)
                        ++ranOnOwnerThread;
                    return true;
                },
                [i, owner, &completed, &allOnOwnerThread, &allOk](bool ok) {
                    completed.push_back(i);
                    allOnOwnerThread = allOnOwnerThread && QThread::currentThread() == owner;
                    allOk = allOk && ok;
                });
        }
        // flush() returns once everything has committed and its completions ran: no event loop
        // needed.
        queue.flush();
        QCOMPARE(int(completed.size()), n);
        QCOMPARE(fake->works.loadRelaxed(), n);
        QCOMPARE(queue.pendingJobs(), 0);
        QCOMPARE(queue.jobs(), quint64(n));
        QVERIFY(allOnOwnerThread);
        QVERIFY(allOk);
        QCOMPARE(ranOnOwnerThread.loadRelaxed(), 0); // the work ran on the storage thread
        for (int i = 0; i < n; ++i)
            QCOMPARE(completed[std::size_t(i)], i);
        // Group commit: a commit takes 20 ms, submitting 500 jobs takes far less.
        QVERIFY2(
            queue.commits() < queue.jobs(),
            qPrintable(
                QStringLiteral("%1 commits for %2 jobs").arg(queue.commits()).arg(queue.jobs())));
        QVERIFY2(queue.commits() <= quint64(n / 10),
                 qPrintable(QStringLiteral("%1 commits").arg(queue.commits())));
        QCOMPARE(quint64(fake->commits.loadRelaxed()), queue.commits());
        queue.stop();
    }

    void commitQueueCompletionsWithTheEventLoop()
    {
        auto owned = std::make_unique<FakeStorage>();
        owned->commitMs = 1;
        CommitQueue queue(std::move(owned));
        QVERIFY(queue.start([](Storage &) { return true; }));
        std::vector<int> completed;
        for (int i = 0; i < 100; ++i) {
            queue.submit([](Storage &) { return true; },
                         [i, &completed](bool) { completed.push_back(i); });
            if (i % 10 == 0)
                QTest::qWait(2);
        }
        // Completions arrive through the event loop too, in order.
        QTRY_COMPARE(int(completed.size()), 100);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(completed[std::size_t(i)], i);
        queue.stop();
    }

    void commitQueueReportsFailures()
    {
        auto owned = std::make_unique<FakeStorage>();
        FakeStorage *fake = owned.get();
        CommitQueue queue(std::move(owned));
        QVERIFY(queue.start([](Storage &) { return true; }));

        // A job whose work fails is reported failed; the others of its group are not.
        QList<bool> results;
        queue.submit([](Storage &) { return true; }, [&](bool ok) { results.append(ok); });
        queue.submit([](Storage &) { return false; }, [&](bool ok) { results.append(ok); });
        queue.submit([](Storage &) { return true; }, [&](bool ok) { results.append(ok); });
        queue.flush();
        QCOMPARE(results, (QList<bool>{true, false, true}));

        // A failed commit fails every job of the group.
        results.clear();
        fake->failNextCommit = 1;
        queue.submit([](Storage &) { return true; }, [&](bool ok) { results.append(ok); });
        queue.flush();
        QCOMPARE(results, (QList<bool>{false}));
        // And the queue goes on.
        queue.submit([](Storage &) { return true; }, [&](bool ok) { results.append(ok); });
        queue.flush();
        QCOMPARE(results, (QList<bool>{false, true}));

        // After stop(), a submit is refused at once.
        queue.stop();
        bool refused = false;
        queue.submit([](Storage &) { return true; }, [&](bool ok) { refused = !ok; });
        QVERIFY(refused);
    }

    void commitQueueStartFailure()
    {
        CommitQueue queue(std::make_unique<SqlStorage>(m_path));
        QVERIFY(!queue.start([](Storage &) { return false; }));
        bool called = false, okValue = true;
        queue.submit([](Storage &) { return true; },
                     [&](bool ok) {
                         called = true;
                         okValue = ok;
                     });
        QVERIFY(called);
        QVERIFY(!okValue);
    }

    void commitQueueOverSqlite()
    {
        // The real thing: writes through the queue are in the file once flush() returns.
        CommitQueue queue(std::make_unique<SqlStorage>(m_path, true));
        QVERIFY(queue.start([](Storage &st) { return st.open(); }));
        queue.submit([](Storage &st) { return st.saveRoom(makeRoom(1, str("AAAAAA"))); });
        int acknowledged = 0;
        for (qint64 seq = 1; seq <= 300; ++seq)
            queue.submit([seq](Storage &st) { return st.appendEvent(makeEvent(1, seq, str("x"))); },
                         [&](bool ok) { acknowledged += ok; });
        queue.flush();
        QCOMPARE(acknowledged, 300);
        QVERIFY(queue.commits() < queue.jobs());
        Inspector db(m_path);
        QCOMPARE(db.value(str("SELECT COUNT(*) FROM events WHERE room_id = 1")).toInt(), 300);
        queue.stop();
    }
};

QTEST_GUILESS_MAIN(tst_SqlStorage)
#include "tst_sqlstorage.moc"
