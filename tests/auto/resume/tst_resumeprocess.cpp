// Reconnect and resume across real process boundaries (docs/protocol.md, "Reconnect and
// resume"):
// - `hearth serve` killed with SIGKILL in the middle of a chat burst from 50 clients in 5 rooms
//   and started again: every client resumes by itself, and the sequence of events each one holds
//   is exactly the server's history; every acknowledged message is there, each once.
// - a `hearth join --headless` process stopped with SIGSTOP shows offline within the server's
//   idle timeout and comes back online by itself after SIGCONT, in the same seat; killed
//   outright it leaves with "timed_out" after the grace period.

#include "headlessjoiner.h"
#include "resumetest.h"
#include "serverprocess.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>

#include <csignal>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

// Shortened server timers, asserted against below.
constexpr int IdleTimeoutS = 3;
constexpr int GraceS = 8;

std::unique_ptr<RoomClient> readyClient(const QUrl &url, ReconnectPolicy policy)
{
    auto client = std::make_unique<RoomClient>();
    client->setIdentity(Identity::generate());
    client->setAutoReconnect(true);
    client->setReconnectPolicy(policy);
    client->setRequestTimeout(30000);
    QSignalSpy ready(client.get(), &RoomClient::ready);
    client->open(url);
    if (!ready.wait(15000))
        return nullptr;
    return client;
}

} // namespace

class tst_ResumeProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killNineDuringABurstFromFiftyClients()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"serve.sqlite"_s);
        auto server = std::make_unique<ServerProcess>(db, QStringList{u"--relaxed-limits"_s});
        QVERIFY(server->start());
        const QUrl url = server->url();
        const ReconnectPolicy policy(200, 2000);

        constexpr int rooms = 5, perRoom = 10;
        struct Member {
            std::unique_ptr<RoomClient> client;
            QString room;
            qint64 joinedAt = 0;
            std::unique_ptr<EventLog> log;
            int sent = 0;
            QSet<QString> acked;
        };
        std::vector<Member> members;
        QStringList codes;
        for (int r = 0; r < rooms; ++r) {
            Member host;
            host.client = readyClient(url, policy);
            QVERIFY(host.client);
            std::optional<Result<RoomSnapshot>> created;
            CreateRoomArgs args;
            args.name = u"Room %1"_s.arg(r);
            args.displayName = u"Host %1"_s.arg(r);
            host.client->createRoom(args, nullptr,
                                    [&](const Result<RoomSnapshot> &res) { created = res; });
            QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 15000);
            QVERIFY(created->ok());
            host.room = created->value->room.code;
            host.joinedAt = created->value->room.lastSeq;
            host.log = std::make_unique<EventLog>(host.client.get(), host.room);
            codes << host.room;
            members.push_back(std::move(host));
            for (int m = 1; m < perRoom; ++m) {
                Member guest;
                guest.client = readyClient(url, policy);
                QVERIFY(guest.client);
                std::optional<Result<RoomSnapshot>> joined;
                guest.client->joinRoom(
                    JoinRoomArgs{codes.last(), u"Guest %1-%2"_s.arg(r).arg(m), Role::Member, {}},
                    nullptr, [&](const Result<RoomSnapshot> &res) { joined = res; });
                QTRY_VERIFY_WITH_TIMEOUT(joined.has_value(), 15000);
                QVERIFY(joined->ok());
                guest.room = codes.last();
                guest.joinedAt = joined->value->room.lastSeq;
                guest.log = std::make_unique<EventLog>(guest.client.get(), guest.room);
                members.push_back(std::move(guest));
            }
        }

        // The burst: every client sends a message every 100 ms (500 a second in all).
        int failures = 0;
        QTimer burst;
        int tick = 0;
        connect(&burst, &QTimer::timeout, this, [&] {
            Member &m = members[std::size_t(tick++) % members.size()];
            Member *mp = &m;
            ++m.sent;
            const QString id = m.client->sendChat(
                m.room, u"burst %1"_s.arg(m.sent), nullptr, [mp, &failures](const auto &res) {
                    if (res.ok())
                        mp->acked.insert(QString::number(res.value->seq));
                    else
                        ++failures;
                });
            Q_UNUSED(id);
        });
        burst.start(2); // 500 per second, round robin
        QTest::qWait(1500);

        // kill -9 in the middle of it; acknowledged messages must survive.
        int ackedBeforeKill = 0;
        for (const Member &m : members)
            ackedBeforeKill += int(m.acked.size());
        const quint16 port = quint16(url.port());
        server->kill();
        QVERIFY(ackedBeforeKill > 0);
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(members.begin(), members.end(),
                                             [](const Member &m) {
                                                 return m.client->state() ==
                                                        RoomClient::State::Reconnecting;
                                             }),
                                 15000);
        QTest::qWait(500); // messages keep coming into the outboxes while the server is down
        server = std::make_unique<ServerProcess>(
            db, QStringList{u"--relaxed-limits"_s, u"--port"_s, QString::number(port)});
        QVERIFY(server->start());
        QCOMPARE(server->url().port(), int(port));
        QTest::qWait(1000);
        burst.stop();

        // Everyone resumes by itself, and every message is acknowledged in the end.
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(members.begin(), members.end(),
                                             [](const Member &m) {
                                                 return m.client->state() ==
                                                            RoomClient::State::Joined &&
                                                        m.client->unsentMessages() == 0;
                                             }),
                                 45000);
        QCOMPARE(failures, 0);

        // What each client holds is exactly the server's history after its join.
        for (const QString &code : std::as_const(codes)) {
            const auto owner = std::find_if(members.begin(), members.end(),
                                            [&](const Member &m) { return m.room == code; });
            const QList<RoomEvent> stored = wholeHistory(owner->client.get(), code);
            QVERIFY(!stored.isEmpty());
            QCOMPARE(stored.first().seq, 1);
            QCOMPARE(stored.last().seq, owner->client->lastSeq(code));
            QHash<QString, int> storedIds;
            QSet<QString> storedSeqs;
            for (const RoomEvent &e : stored) {
                storedSeqs.insert(QString::number(e.seq));
                if (const auto *chat = e.as<Events::Chat>())
                    ++storedIds[chat->author + u'/' + chat->clientMsgId];
            }
            for (auto it = storedIds.cbegin(); it != storedIds.cend(); ++it)
                QVERIFY2(it.value() == 1, qPrintable(u"stored twice: "_s + it.key()));
            for (const Member &m : members) {
                if (m.room != code)
                    continue;
                QTRY_COMPARE(m.log->lastSeq(), stored.last().seq);
                QList<qint64> expected;
                for (const RoomEvent &e : stored) {
                    if (e.seq > m.joinedAt)
                        expected.append(e.seq);
                }
                QCOMPARE(m.log->seqs(), expected);
                QCOMPARE(m.log->gaps, 0);
                QCOMPARE(m.log->missing, 0);
                // The same events, not only the same numbers.
                for (const RoomEvent &e : std::as_const(m.log->events)) {
                    const RoomEvent &s = stored.at(int(e.seq - 1));
                    QCOMPARE(e.toFrame(), s.toFrame());
                }
                // Every acknowledged seq is in the history (acknowledged means durable).
                for (const QString &seq : m.acked)
                    QVERIFY2(storedSeqs.contains(seq), qPrintable(seq));
                QCOMPARE(int(m.acked.size()), m.sent);
            }
        }
        int sent = 0;
        for (const Member &m : members)
            sent += m.sent;
        qInfo("%d messages from 50 clients in 5 rooms; %d acknowledged before the kill", sent,
              ackedBeforeKill);
    }

    void stoppedClientGoesOfflineAndComesBack()
    {
        QTemporaryDir dir;
        // wss:// with `hearth serve`'s own certificate, as people run it.
        ServerProcess server(dir.filePath(u"serve.sqlite"_s),
                             {u"--idle-timeout"_s, QString::number(IdleTimeoutS), u"--grace"_s,
                              QString::number(GraceS), u"--tls-default"_s});
        QVERIFY(server.start());
        QCOMPARE(server.url().scheme(), u"wss"_s);
        auto host = readyClient(server.url(), ReconnectPolicy(200, 1000));
        QVERIFY(host);
        std::optional<Result<RoomSnapshot>> created;
        CreateRoomArgs args;
        args.name = u"Presence"_s;
        args.displayName = u"Ana"_s;
        host->createRoom(args, nullptr, [&](const Result<RoomSnapshot> &r) { created = r; });
        QTRY_VERIFY(created.has_value() && created->ok());
        const QString code = created->value->room.code;
        EventLog log(host.get(), code);

        HeadlessJoiner ben(dir);
        ben.start(server.url(), code);
        QVERIFY2(ben.waitForLine(u"^hearth: joined room"_s, 20000), qPrintable(ben.output()));
        // The joiner met the certificate the server printed: the same four words.
        const QRegularExpression wordsLine(u"^hearth: certificate words: (.+)$"_s,
                                           QRegularExpression::MultilineOption);
        const auto served = wordsLine.match(server.output());
        QVERIFY2(served.hasMatch(), qPrintable(server.output()));
        QVERIFY2(ben.waitForLine(u"^hearth: certificate words: "_s +
                                     QRegularExpression::escape(served.captured(1)) + u'$',
                                 5000),
                 qPrintable(ben.output()));
        QTRY_COMPARE_WITH_TIMEOUT(log.count<Events::ParticipantJoined>(), 1, 10000);
        const QString benId = log.events.last().as<Events::ParticipantJoined>()->participant.id;
        QVERIFY(!benId.isEmpty());
        auto presenceOf = [&](bool online) {
            return std::count_if(log.events.cbegin(), log.events.cend(), [&](const RoomEvent &e) {
                const auto *presence = e.as<Events::Presence>();
                return presence && presence->participant == benId && presence->online == online;
            });
        };

        // SIGSTOP: the process answers nothing, not even pings; its TCP stays up.
        QElapsedTimer stopped;
        ben.signal(SIGSTOP);
        stopped.start();
        QTRY_VERIFY_WITH_TIMEOUT(presenceOf(false) == 1, (IdleTimeoutS + 10) * 1000);
        const qint64 offlineAfterMs = stopped.elapsed();
        qInfo("offline %lld ms after SIGSTOP (idle timeout %d s)", offlineAfterMs, IdleTimeoutS);
        // Within the idle timeout plus the server's one-second sweep (and a loaded machine).
        QVERIFY2(offlineAfterMs <= IdleTimeoutS * 1000 + 2000,
                 qPrintable(QString::number(offlineAfterMs)));

        ben.signal(SIGCONT);
        QTRY_VERIFY2_WITH_TIMEOUT(presenceOf(true) >= 1, qPrintable(ben.output()), 15000);
        if (presenceOf(true) != 1 || presenceOf(false) != 1) {
            for (const RoomEvent &e : std::as_const(log.events))
                qWarning() << e.toFrame();
            QFAIL(qPrintable(u"more than one offline/online pair:\n"_s + ben.output()));
        }
        QVERIFY2(ben.waitForLine(u"^hearth: reconnected"_s, 15000), qPrintable(ben.output()));
        // The same seat: no leave, no second join, two people in the room.
        QCOMPARE(log.count<Events::ParticipantLeft>(), 0);
        QCOMPARE(log.count<Events::ParticipantJoined>(), 1);
        std::optional<Result<RoomInfoResult>> info;
        host->roomInfo(code, nullptr, [&](const Result<RoomInfoResult> &r) { info = r; });
        QTRY_VERIFY(info.has_value() && info->ok());
        QCOMPARE(info->value->room.seats, 2);
        QCOMPARE(info->value->room.online, 2);

        // Killed outright: offline at once (the kernel closes its socket), and after the grace
        // period it leaves with "timed_out".
        QElapsedTimer killed;
        ben.kill();
        killed.start();
        QTRY_VERIFY_WITH_TIMEOUT(presenceOf(false) == 2, (IdleTimeoutS + 10) * 1000);
        QTRY_COMPARE_WITH_TIMEOUT(log.count<Events::ParticipantLeft>(), 1, (GraceS + 15) * 1000);
        const RoomEvent left = log.events.last();
        QVERIFY(left.as<Events::ParticipantLeft>());
        QCOMPARE(left.as<Events::ParticipantLeft>()->participant, benId);
        QCOMPARE(left.as<Events::ParticipantLeft>()->reason, LeaveReason::TimedOut);
        QVERIFY2(killed.elapsed() >= (GraceS - 1) * 1000,
                 qPrintable(QString::number(killed.elapsed())));
    }
};

QTEST_GUILESS_MAIN(tst_ResumeProcess)
#include "tst_resumeprocess.moc"
