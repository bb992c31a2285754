// RoomClient's reconnect, resume and outbox (docs/protocol.md, "Reconnect and resume") against
// a real in-process RoomServer over real sockets: connections are broken abruptly (the client
// aborts its socket, or the server stops), and each test compares what the client holds with
// what the server stored.

#include "resumetest.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QSignalSpy>

using namespace Client;
using namespace Qt::StringLiterals;

class tst_Resume : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    bool startServer(const std::function<void(ServerConfig &)> &adjust = {})
    {
        m_server = std::make_unique<TestServer>([adjust](ServerConfig &c) {
            c.limits.requestsPerSecond = 100000;
            c.limits.chatPerSecond = 100000;
            if (adjust)
                adjust(c);
        });
        return m_server->start();
    }

    std::unique_ptr<RoomClient> newClient(bool autoReconnect,
                                          ReconnectPolicy policy = ReconnectPolicy(100, 1000))
    {
        auto client = std::make_unique<RoomClient>();
        client->setIdentity(Identity::generate());
        client->setAutoReconnect(autoReconnect);
        client->setReconnectPolicy(policy);
        QSignalSpy ready(client.get(), &RoomClient::ready);
        client->open(m_server->url());
        if (!ready.wait(10000))
            return nullptr;
        return client;
    }

    static QString createRoom(RoomClient *host, int capacity = 10)
    {
        std::optional<Result<RoomSnapshot>> reply;
        CreateRoomArgs args;
        args.name = u"Resume room"_s;
        args.displayName = u"Ana"_s;
        args.capacity = capacity;
        host->createRoom(args, host, [&reply](const Result<RoomSnapshot> &r) { reply = r; });
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, 10000) || !reply->ok())
            return {};
        return reply->value->room.code;
    }

    static std::optional<Result<RoomSnapshot>> join(RoomClient *client, const QString &code,
                                                    const QString &name = u"Ben"_s)
    {
        std::optional<Result<RoomSnapshot>> reply;
        client->joinRoom(JoinRoomArgs{code, name, Role::Member, {}}, client,
                         [&reply](const Result<RoomSnapshot> &r) { reply = r; });
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, 10000))
            return std::nullopt;
        return reply;
    }

    // Sends `count` chat messages and waits until all are acknowledged.
    static bool chat(RoomClient *client, const QString &code, int count, const QString &prefix)
    {
        int acked = 0;
        bool failed = false;
        for (int i = 0; i < count; ++i)
            client->sendChat(code, prefix + QString::number(i), client,
                             [&](const Result<ChatAck> &r) { r.ok() ? ++acked : failed = true; });
        return QTest::qWaitFor([&] { return acked == count || failed; }, 20000) && !failed;
    }

    // The guest's log from its join on equals the server's history after that seq, exactly.
    static void compareWithServer(RoomClient *member, const QString &code, const EventLog &log,
                                  qint64 joinedAt)
    {
        const QList<RoomEvent> stored = wholeHistory(member, code, joinedAt);
        QList<qint64> storedSeqs;
        for (const RoomEvent &e : stored)
            storedSeqs.append(e.seq);
        QCOMPARE(log.seqs(), storedSeqs);
        QVERIFY(log.contiguousFrom(joinedAt + 1));
        QCOMPARE(log.gaps, 0);
    }

private Q_SLOTS:
    void init()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
    }

    void cleanup() { m_server.reset(); }

    void backoffGrowsWithJitterAndIsCapped()
    {
        const ReconnectPolicy policy(500, 8000);
        QCOMPARE(policy.ceilingFor(1), 500);
        QCOMPARE(policy.ceilingFor(2), 1000);
        QCOMPARE(policy.ceilingFor(4), 4000);
        QCOMPARE(policy.ceilingFor(5), 8000);
        QCOMPARE(policy.ceilingFor(60), 8000); // no overflow, no last attempt
        // The jitter covers [d/2, d]: its extremes, and real random draws inside.
        QCOMPARE(policy.delayFor(3, [](int) { return 0; }), 1000);
        QCOMPARE(policy.delayFor(3, [](int bound) { return bound - 1; }), 2000);
        QSet<int> seen;
        for (int i = 0; i < 200; ++i) {
            const int d = policy.delayFor(3);
            QVERIFY2(d >= 1000 && d <= 2000, qPrintable(QString::number(d)));
            seen.insert(d);
        }
        QVERIFY(seen.size() > 20); // jittered, not one fixed value
    }

    void dropAndResumeDeliversExactlyTheMissedEvents()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        QVERIFY(!code.isEmpty());
        auto guest = newClient(true);
        QVERIFY(guest);
        const auto joined = join(guest.get(), code);
        QVERIFY(joined && joined->ok());
        const qint64 joinedAt = joined->value->room.lastSeq;
        EventLog log(guest.get(), code);
        EventLog hostLog(host.get(), code);
        QSignalSpy resumedRooms(guest.get(), &RoomClient::roomResumed);
        QSignalSpy reconnecting(guest.get(), &RoomClient::reconnecting);

        QVERIFY(chat(host.get(), code, 5, u"before "_s));
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));

        guest->dropConnection();
        QCOMPARE(guest->state(), RoomClient::State::Reconnecting);
        QCOMPARE(guest->reconnectAttempt(), 1);
        QCOMPARE(reconnecting.count(), 1);
        QVERIFY(chat(host.get(), code, 10, u"while away "_s));

        QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 15000);
        QCOMPARE(guest->reconnectAttempt(), 0);
        QCOMPARE(resumedRooms.count(), 1);
        QVERIFY(resumedRooms.at(0).at(0).value<RoomSnapshot>().rejoined);
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));
        compareWithServer(guest.get(), code, log, joinedAt);
        // Same seat: no leave or join, for the guest nor for anybody watching.
        QCOMPARE(log.count<Events::ParticipantLeft>(), 0);
        QCOMPARE(log.count<Events::ParticipantJoined>(), 0);
        QCOMPARE(hostLog.count<Events::ParticipantLeft>(), 0);
        QCOMPARE(hostLog.count<Events::ParticipantJoined>(), 0);
        QCOMPARE(log.count<Events::Chat>(), 15);
    }

    void resumeAfterZeroEventsSeen()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true);
        QVERIFY(guest);
        const auto joined = join(guest.get(), code);
        QVERIFY(joined && joined->ok());
        const qint64 joinedAt = joined->value->room.lastSeq;
        EventLog log(guest.get(), code);
        // Not one event delivered since the snapshot.
        QCOMPARE(guest->lastSeq(code), joinedAt);
        guest->dropConnection();
        QVERIFY(chat(host.get(), code, 3, u"missed "_s));
        QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 15000);
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));
        compareWithServer(guest.get(), code, log, joinedAt);
        QCOMPARE(log.count<Events::Chat>(), 3);
    }

    void threeReconnectsInARowUnderLoad()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true);
        QVERIFY(guest);
        const auto joined = join(guest.get(), code);
        QVERIFY(joined && joined->ok());
        const qint64 joinedAt = joined->value->room.lastSeq;
        EventLog log(guest.get(), code);
        QSignalSpy resumed(guest.get(), &RoomClient::resumed);

        // Load: the host chats every 5 ms, the guest every 40 ms, all along.
        int hostSent = 0, hostAcked = 0, guestSent = 0, guestAcked = 0, failures = 0;
        QTimer hostLoad, guestLoad;
        connect(&hostLoad, &QTimer::timeout, this, [&] {
            host->sendChat(code, u"load "_s + QString::number(++hostSent), this,
                           [&](const Result<ChatAck> &r) { r.ok() ? ++hostAcked : ++failures; });
        });
        connect(&guestLoad, &QTimer::timeout, this, [&] {
            guest->sendChat(code, u"mine "_s + QString::number(++guestSent), this,
                            [&](const Result<ChatAck> &r) { r.ok() ? ++guestAcked : ++failures; });
        });
        hostLoad.start(5);
        guestLoad.start(40);
        for (int cycle = 1; cycle <= 3; ++cycle) {
            QTest::qWait(300);
            guest->dropConnection();
            QCOMPARE(guest->state(), RoomClient::State::Reconnecting);
            QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 15000);
            QCOMPARE(resumed.count(), cycle);
        }
        QTest::qWait(300);
        hostLoad.stop();
        guestLoad.stop();
        QTRY_COMPARE_WITH_TIMEOUT(guestAcked, guestSent, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(hostAcked, hostSent, 15000);
        QCOMPARE(failures, 0);
        QCOMPARE(guest->unsentMessages(), 0);
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));
        compareWithServer(guest.get(), code, log, joinedAt);
        // Every message once, the guest's own resent ones included.
        const QHash<QString, int> ids = log.clientMsgIds();
        QCOMPARE(ids.size(), hostSent + guestSent);
        for (auto it = ids.cbegin(); it != ids.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        qInfo("%d host and %d guest messages over three reconnects", hostSent, guestSent);
    }

    void unacknowledgedMessagesAreResentAndShownOnce()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true, ReconnectPolicy(300, 1000));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        EventLog hostLog(host.get(), code);
        EventLog log(guest.get(), code);

        // One message the server has stored, whose acknowledgement the guest "did not get":
        // it sends it again with the same clientMsgId while reconnecting.
        const QString stored = guest->sendChat(code, u"stored once"_s, this, {});
        QTRY_COMPARE(hostLog.count<Events::Chat>(), 1);
        guest->dropConnection();
        QList<Result<ChatAck>> acks;
        guest->sendChat(
            code, u"stored once"_s, this, [&](const Result<ChatAck> &r) { acks.append(r); },
            stored);
        // And ten that never left: written, then the connection is gone.
        for (int i = 0; i < 10; ++i)
            guest->sendChat(code, u"queued "_s + QString::number(i), this,
                            [&](const Result<ChatAck> &r) { acks.append(r); });
        QCOMPARE(guest->unsentMessages(), 11);
        QCOMPARE(guest->state(), RoomClient::State::Reconnecting);

        QTRY_COMPARE_WITH_TIMEOUT(acks.size(), 11, 15000);
        for (const Result<ChatAck> &ack : std::as_const(acks))
            QVERIFY(ack.ok());
        QVERIFY(acks.first().value->duplicate); // the server knew it
        for (int i = 1; i < acks.size(); ++i)
            QVERIFY(!acks.at(i).value->duplicate);
        QCOMPARE(guest->unsentMessages(), 0);
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));
        // In order, each once, for both of them and in the stored history.
        const QList<RoomEvent> history = wholeHistory(host.get(), code);
        QStringList texts;
        for (const RoomEvent &e : history) {
            if (const auto *chat = e.as<Events::Chat>())
                texts << chat->text;
        }
        QStringList expected{u"stored once"_s};
        for (int i = 0; i < 10; ++i)
            expected << u"queued "_s + QString::number(i);
        QCOMPARE(texts, expected);
        QCOMPARE(hostLog.count<Events::Chat>(), 11);
        QCOMPARE(log.count<Events::Chat>(), 11);
    }

    void trimmedHistoryIsReportedAsMissing()
    {
        QVERIFY(startServer([](ServerConfig &c) { c.historyLimit = 10; }));
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        // Away long enough for 300 messages and a trim.
        auto guest = newClient(true, ReconnectPolicy(6000, 6000));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        EventLog log(guest.get(), code);
        const qint64 seen = guest->lastSeq(code);
        guest->dropConnection();
        QVERIFY(chat(host.get(), code, 300, u"flood "_s));
        QVERIFY(guest->state() == RoomClient::State::Reconnecting);
        QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 20000);
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));

        // The server trims in steps: everything up to 256 - 10 is gone.
        qint64 storedMissing = 0;
        const QList<RoomEvent> stored = wholeHistory(host.get(), code, 0, &storedMissing);
        QVERIFY(!stored.isEmpty());
        const qint64 firstKept = stored.first().seq;
        QVERIFY(firstKept > seen + 1);
        QCOMPARE(log.missing, firstKept - seen - 1);
        QCOMPARE(log.gaps, 0);
        QCOMPARE(log.events.first().seq, firstKept);
        QVERIFY(log.contiguousFrom(firstKept));
    }

    void seatIsKeptWhileTheRoomFillsUp()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get(), 2);
        auto guest = newClient(true, ReconnectPolicy(1500, 1500));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        guest->dropConnection();
        // The guest's seat is its own for the grace period: a newcomer finds the room full.
        auto other = newClient(false);
        QVERIFY(other);
        const auto refused = join(other.get(), code, u"Cleo"_s);
        QVERIFY(refused && !refused->ok());
        QCOMPARE(refused->error.code(), ErrorCode::RoomFull);
        QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 15000);
        QCOMPARE(guest->rooms(), QStringList{code});
    }

    void seatLostAfterTheGracePeriodIsSaid()
    {
        QVERIFY(startServer([](ServerConfig &c) { c.limits.graceSeconds = 1; }));
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true, ReconnectPolicy(5000, 5000));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        EventLog hostLog(host.get(), code);
        QSignalSpy left(guest.get(), &RoomClient::roomLeft);
        guest->dropConnection();
        QTRY_COMPARE_WITH_TIMEOUT(hostLog.count<Events::ParticipantLeft>(), 1, 10000);
        QVERIFY(hostLog.events.last().as<Events::ParticipantLeft>());
        QCOMPARE(hostLog.events.last().as<Events::ParticipantLeft>()->reason,
                 LeaveReason::TimedOut);
        QTRY_COMPARE_WITH_TIMEOUT(left.count(), 1, 15000);
        QCOMPARE(left.at(0).at(0).toString(), code);
        QCOMPARE(left.at(0).at(1).toString(), u"timed_out"_s);
        QTRY_COMPARE(guest->state(), RoomClient::State::Connected);
        QVERIFY(guest->seats().isEmpty());
    }

    void hostRoleMovesOnAfterTheHostsGracePeriod()
    {
        QVERIFY(startServer([](ServerConfig &c) { c.limits.graceSeconds = 2; }));
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true);
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        EventLog log(guest.get(), code);
        QElapsedTimer gone;
        host->dropConnection(); // no auto-reconnect: the host does not come back
        gone.start();
        QTRY_COMPARE_WITH_TIMEOUT(log.count<Events::HostChanged>(), 1, 10000);
        // Not before the grace period: the seat (and the role) waited for the host.
        QVERIFY(gone.elapsed() >= 1500);
        const auto *changed = log.events.last().as<Events::HostChanged>();
        QVERIFY(changed);
        QCOMPARE(changed->to, guest->participantId());
        QCOMPARE(changed->reason, HostChangeReason::HostLeft);
        QCOMPARE(log.count<Events::ParticipantLeft>(), 1);
        const auto *left = log.events.at(log.events.size() - 2).as<Events::ParticipantLeft>();
        QVERIFY(left);
        QCOMPARE(left->reason, LeaveReason::TimedOut);
    }

    void roomClosedWhileAwayEndsIt()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true, ReconnectPolicy(1500, 1500));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        QSignalSpy left(guest.get(), &RoomClient::roomLeft);
        guest->dropConnection();
        std::optional<Result<Done>> closed;
        host->closeRoom(code, this, [&](const Result<Done> &r) { closed = r; });
        QTRY_VERIFY(closed && closed->ok());
        QTRY_COMPARE_WITH_TIMEOUT(left.count(), 1, 15000);
        QCOMPARE(left.at(0).at(1).toString(), u"closed"_s);
    }

    void keepsTryingUntilTheServerIsBack()
    {
        QVERIFY(startServer());
        auto host = newClient(true, ReconnectPolicy(100, 400));
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true, ReconnectPolicy(100, 400));
        QVERIFY(guest);
        const auto joined = join(guest.get(), code);
        QVERIFY(joined && joined->ok());
        EventLog log(guest.get(), code);
        QVERIFY(chat(host.get(), code, 3, u"before "_s));
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));

        // Same port after the restart: the clients knock at the address they know.
        m_server->config().port = m_server->server()->port();
        m_server->stop();
        QTRY_COMPARE(guest->state(), RoomClient::State::Reconnecting);
        QTRY_VERIFY_WITH_TIMEOUT(guest->reconnectAttempt() >= 3, 10000);
        QVERIFY(m_server->start());
        QTRY_COMPARE_WITH_TIMEOUT(guest->state(), RoomClient::State::Joined, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(host->state(), RoomClient::State::Joined, 15000);
        QVERIFY(chat(host.get(), code, 3, u"after "_s));
        QTRY_COMPARE(log.lastSeq(), host->lastSeq(code));
        compareWithServer(guest.get(), code, log, joined->value->room.lastSeq);
        QCOMPARE(log.count<Events::Chat>(), 6);
    }

    void resumeFlagOnTheWire()
    {
        QVERIFY(startServer());
        TestClient host, guest;
        QVERIFY(host.connectTo(m_server->url()) && host.hello());
        const QString code = host.createRoom(u"Wire"_s, u"Ana"_s)
                                 .value("room"_L1)
                                 .toObject()
                                 .value("code"_L1)
                                 .toString();
        QVERIFY(!code.isEmpty());
        QVERIFY(guest.connectTo(m_server->url()) && guest.hello());
        auto joinWith = [&](const QJsonValue &resume) {
            return guest.request({{"type"_L1, u"join_room"_s},
                                  {"code"_L1, code},
                                  {"displayName"_L1, u"Ben"_s},
                                  {"resume"_L1, resume}});
        };
        // Not a boolean: bad_request.
        QJsonObject reply = joinWith(u"yes"_s);
        QCOMPARE(reply.value("error"_L1).toObject().value("code"_L1).toString(), u"bad_request"_s);
        // No seat to take back: not_member, and no seat is made.
        reply = joinWith(true);
        QCOMPARE(reply.value("error"_L1).toObject().value("code"_L1).toString(), u"not_member"_s);
        QVERIFY(!reply.value("error"_L1).toObject().contains("reason"_L1));
        // A seat: taken back, rejoined.
        reply = joinWith(false);
        QVERIFY(reply.value("ok"_L1).toBool());
        reply = joinWith(true);
        QVERIFY(reply.value("ok"_L1).toBool());
        QVERIFY(reply.value("result"_L1).toObject().value("rejoined"_L1).toBool());
        // Left: the server says why the seat is gone.
        QVERIFY(guest.request({{"type"_L1, u"leave_room"_s}, {"room"_L1, code}})
                    .value("ok"_L1)
                    .toBool());
        reply = joinWith(true);
        QCOMPARE(reply.value("error"_L1).toObject().value("code"_L1).toString(), u"not_member"_s);
        QCOMPARE(reply.value("error"_L1).toObject().value("reason"_L1).toString(), u"left"_s);
    }

    void closeStopsReconnecting()
    {
        QVERIFY(startServer());
        auto host = newClient(false);
        QVERIFY(host);
        const QString code = createRoom(host.get());
        auto guest = newClient(true, ReconnectPolicy(500, 500));
        QVERIFY(guest);
        QVERIFY(join(guest.get(), code)->ok());
        guest->dropConnection();
        std::optional<Result<ChatAck>> unsent;
        guest->sendChat(code, u"never"_s, this, [&](const Result<ChatAck> &r) { unsent = r; });
        QCOMPARE(guest->unsentMessages(), 1);
        guest->close();
        QCOMPARE(guest->state(), RoomClient::State::Disconnected);
        QCOMPARE(guest->reconnectAttempt(), 0);
        QTRY_VERIFY(unsent.has_value());
        QVERIFY(!unsent->ok());
        QTest::qWait(1000);
        QCOMPARE(guest->state(), RoomClient::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_Resume)
#include "tst_resume.moc"
