// Integration tests: a real RoomServer on 127.0.0.1 and real QWebSocket clients speaking
// protocol v1, with a real SQLite file underneath.

#include "protocol/identity.h"
#include "protocol/protocol.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QJsonArray>
#include <QtTest/QTest>

#include <memory>
#include <vector>

#include "protocolhelpers.h"

using namespace ProtocolHelpers;

namespace {
QList<qint64> seqs(const QList<QJsonObject> &events)
{
    QList<qint64> out;
    for (const auto &e : events)
        out.append(qint64(e.value(QStringLiteral("seq")).toDouble()));
    return out;
}
} // namespace

class tst_RoomServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    std::unique_ptr<TestClient> client()
    {
        auto c = std::make_unique<TestClient>();
        if (!c->connectTo(m_server->url()) || !c->hello())
            return nullptr;
        return c;
    }

    // A host with a room; returns the code.
    QString hostRoom(TestClient &host, int capacity = 10, const QJsonObject &settings = {})
    {
        const QJsonObject result =
            host.createRoom(str("Game night"), str("Ana"), capacity, settings);
        return result.value(QStringLiteral("room"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (TestServer::postgresMissing(&why)) {
            // In CI the PostgreSQL variant must run: a skip there would hide a broken setup.
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
    }

    void init()
    {
        m_server = std::make_unique<TestServer>([](ServerConfig &c) {
            c.limits.graceSeconds = 2;
            c.limits.requestsPerSecond = 1000;
            c.limits.chatPerSecond = 1000;
        });
        QVERIFY(m_server->start());
    }

    void cleanup() { m_server.reset(); }

    void helloReturnsVersionAndLimits()
    {
        TestClient c;
        QVERIFY(c.connectTo(m_server->url()));
        const Identity me = Identity::generate();
        const QJsonObject reply = c.request(
            {{str("type"), str("hello")},
             {str("version"), Protocol::Version},
             {str("identity"), QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}});
        QVERIFY(ok(reply));
        const QJsonObject result = reply.value(str("result")).toObject();
        QCOMPARE(result.value(str("version")).toInt(), Protocol::Version);
        QCOMPARE(result.value(str("participant")).toString(),
                 IdentityRules::participantIdFor(me.id));
        QCOMPARE(result.value(str("limits")).toObject().value(str("capacityMax")).toInt(), 50);
    }

    void upgradedConnectionOutlivesTheHandshakeTimeout()
    {
        // The handshake timeout must only ever hit sockets still in their HTTP upgrade.
        m_server = std::make_unique<TestServer>([](ServerConfig &c) { c.helloTimeoutSeconds = 1; });
        QVERIFY(m_server->start());
        auto c = client();
        QVERIFY(c);
        QTest::qWait(2500); // two sweeps past the timeout
        QVERIFY(c->isConnected());
        QVERIFY(ok(c->request(req("ping"))));
    }

    void identityCanOnlyBeClaimedByItsHolder()
    {
        const Identity me = Identity::generate();
        TestClient a;
        QVERIFY(a.connectTo(m_server->url()));
        QVERIFY(a.hello(me));
        TestClient thief;
        QVERIFY(thief.connectTo(m_server->url()));
        Identity stolen = me;
        stolen.secret = Identity::generate().secret;
        QVERIFY(!thief.hello(stolen));
        QCOMPARE(thief.lastError(), str("identity_rejected"));
    }

    void createAndJoinByTypedCode()
    {
        auto host = client();
        QVERIFY(host);
        const QJsonObject created = host->createRoom(str("Game night"), str("Ana"), 10);
        const QJsonObject room = created.value(str("room")).toObject();
        const QString code = room.value(str("code")).toString();
        QCOMPARE(code.size(), 6);
        QCOMPARE(room.value(str("seats")).toInt(), 1);
        QCOMPARE(room.value(str("lastSeq")).toInt(), 1);
        QCOMPARE(created.value(str("participants")).toArray().size(), 1);
        QCOMPARE(created.value(str("participants"))
                     .toArray()[0]
                     .toObject()
                     .value(str("role"))
                     .toString(),
                 str("host"));

        // Typed the way people type it: lower case, with a dash and spaces.
        const QString typed =
            QStringLiteral(" %1-%2 ").arg(code.left(3).toLower(), code.mid(3).toLower());
        auto ben = client();
        QVERIFY(ben);
        const QJsonObject joined = ben->joinRoom(typed, str("  Ben  "));
        QCOMPARE(ben->lastError(), QString());
        QCOMPARE(joined.value(str("room")).toObject().value(str("code")).toString(), code);
        QCOMPARE(joined.value(str("room")).toObject().value(str("seats")).toInt(), 2);
        QCOMPARE(joined.value(str("participants")).toArray().size(), 2);
        QCOMPARE(joined.value(str("self")).toString(), ben->participantId());

        // The host hears about Ben (seq 2), with the trimmed name.
        QVERIFY(host->waitForEventKind(str("participant_joined")));
        const QJsonObject ev = host->eventsOf(str("participant_joined")).first();
        QCOMPARE(ev.value(str("seq")).toInt(), 2);
        QCOMPARE(ev.value(str("room")).toString(), code);
        QCOMPARE(ev.value(str("data"))
                     .toObject()
                     .value(str("participant"))
                     .toObject()
                     .value(str("name"))
                     .toString(),
                 str("Ben"));
        // Ben does not get his own join pushed: it is in his snapshot.
        QTest::qWait(50);
        QVERIFY(ben->eventsOf(str("participant_joined")).isEmpty());
    }

    void chatFansOutToExactlyTheRoom()
    {
        auto hostA = client(), hostB = client();
        QVERIFY(hostA && hostB);
        const QString codeA = hostRoom(*hostA), codeB = hostRoom(*hostB);
        QVERIFY(codeA != codeB);
        std::vector<std::unique_ptr<TestClient>> inA, inB;
        for (int i = 0; i < 3; ++i) {
            inA.push_back(client());
            QVERIFY(!inA.back()->joinRoom(codeA, QStringLiteral("a%1").arg(i)).isEmpty());
            inB.push_back(client());
            QVERIFY(!inB.back()->joinRoom(codeB, QStringLiteral("b%1").arg(i)).isEmpty());
        }
        auto outsider = client(); // connected, said hello, in no room
        QVERIFY(outsider);

        const QJsonObject sent =
            inA[0]->request(req("send_chat", {{str("room"), codeA},
                                              {str("text"), str("only for A")},
                                              {str("clientMsgId"), str("m1")}}));
        QVERIFY2(ok(sent), qPrintable(errorCode(sent)));
        const qint64 seq =
            qint64(sent.value(str("result")).toObject().value(str("seq")).toDouble());
        auto isChat = [](const QJsonObject &e) {
            return e.value(str("event")).toString() == str("chat");
        };
        QVERIFY(hostA->waitForEvent(isChat));
        for (auto &c : inA) {
            QVERIFY(c->waitForEvent(isChat));
            const QJsonObject chat = c->eventsOf(str("chat")).first();
            QCOMPARE(qint64(chat.value(str("seq")).toDouble()), seq);
            QCOMPARE(chat.value(str("data")).toObject().value(str("text")).toString(),
                     str("only for A"));
            QCOMPARE(chat.value(str("data")).toObject().value(str("author")).toString(),
                     inA[0]->participantId());
        }
        // A round trip in room B and for the outsider proves nothing of A is still in flight.
        QVERIFY(ok(inB[0]->request(
            req("send_chat", {{str("room"), codeB}, {str("text"), str("B here")}}))));
        for (auto &c : inB)
            QVERIFY(c->waitForEvent(isChat));
        QVERIFY(ok(outsider->request(req("ping"))));
        for (auto &c : inB) {
            for (const QJsonObject &e : c->events())
                QCOMPARE(e.value(str("room")).toString(), codeB);
        }
        QVERIFY(hostB->eventsOf(str("chat")).size() == 1);
        QVERIFY(outsider->events().isEmpty());

        // A non-member cannot act on the room, nor learn whether it exists.
        const QJsonObject intrude =
            outsider->request(req("send_chat", {{str("room"), codeA}, {str("text"), str("hi")}}));
        QCOMPARE(errorCode(intrude), str("not_member"));
        const QJsonObject info = outsider->request(req("room_info", {{str("room"), codeA}}));
        QCOMPARE(errorCode(info), str("not_member"));
        const QJsonObject none =
            outsider->request(req("room_info", {{str("room"), str("ZZZZZZ")}}));
        QCOMPARE(errorCode(none), str("not_member"));
    }

    void historyPagesBackwardsAndForwards()
    {
        auto host = client();
        QVERIFY(host);
        const QString code = hostRoom(*host);
        for (int i = 0; i < 250; ++i)
            host->send(req("send_chat",
                           {{str("room"), code}, {str("text"), QStringLiteral("m%1").arg(i)}}));
        // The last reply arrives after all the others: replies come in completion order.
        QVERIFY(host->waitForEvent(
            [](const QJsonObject &e) { return e.value(str("seq")).toInt() == 251; }, 10000));

        const QJsonObject newest =
            host->request(req("history", {{str("room"), code}, {str("limit"), 200}}));
        QVERIFY(ok(newest));
        const QJsonObject page1 = newest.value(str("result")).toObject();
        QJsonArray events = page1.value(str("events")).toArray();
        QCOMPARE(events.size(), 200);
        QCOMPARE(events.first().toObject().value(str("seq")).toInt(), 52);
        QCOMPARE(events.last().toObject().value(str("seq")).toInt(), 251);
        QVERIFY(page1.value(str("hasMore")).toBool());
        QCOMPARE(page1.value(str("lastSeq")).toInt(), 251);
        QCOMPARE(page1.value(str("firstSeq")).toInt(), 1);

        const QJsonObject older = host->request(
            req("history", {{str("room"), code}, {str("before"), 52}, {str("limit"), 200}}));
        const QJsonObject page2 = older.value(str("result")).toObject();
        events = page2.value(str("events")).toArray();
        QCOMPARE(events.size(), 51);
        QCOMPARE(events.first().toObject().value(str("seq")).toInt(), 1);
        QCOMPARE(events.first().toObject().value(str("event")).toString(),
                 str("participant_joined"));
        QVERIFY(!page2.value(str("hasMore")).toBool());

        const QJsonObject after = host->request(
            req("history", {{str("room"), code}, {str("after"), 240}, {str("limit"), 5}}));
        events = after.value(str("result")).toObject().value(str("events")).toArray();
        QCOMPARE(events.size(), 5);
        QCOMPARE(events.first().toObject().value(str("seq")).toInt(), 241);
        QVERIFY(after.value(str("result")).toObject().value(str("hasMore")).toBool());

        // The stored events are the pushed ones, byte for byte in content.
        const QJsonObject pushed = host->eventsOf(str("chat")).last();
        const QJsonObject stored =
            host->request(req("history", {{str("room"), code}, {str("after"), 250}}))
                .value(str("result"))
                .toObject()
                .value(str("events"))
                .toArray()
                .first()
                .toObject();
        QCOMPARE(stored, pushed);

        QCOMPARE(
            errorCode(host->request(req("history", {{str("room"), code}, {str("limit"), 201}}))),
            str("bad_request"));
    }

    void historyRangeAndTrimming()
    {
        m_server = std::make_unique<TestServer>([](ServerConfig &c) {
            c.historyLimit = 300;
            c.limits.chatPerSecond = 100000;
            c.limits.requestsPerSecond = 100000;
        });
        QVERIFY(m_server->start());
        auto host = client();
        QVERIFY(host);
        const QString code = hostRoom(*host);
        for (int i = 0; i < 599; ++i)
            host->send(req("send_chat",
                           {{str("room"), code}, {str("text"), QStringLiteral("m%1").arg(i)}}));
        QVERIFY(host->waitForEvent(
            [](const QJsonObject &e) { return e.value(str("seq")).toInt() == 600; }, 20000));

        // Seq 512 trimmed everything up to 212: a resume from 100 hears that 112 are gone.
        const QJsonObject resumed =
            host->request(
                    req("history", {{str("room"), code}, {str("after"), 100}, {str("limit"), 10}}))
                .value(str("result"))
                .toObject();
        QCOMPARE(resumed.value(str("firstSeq")).toInt(), 213);
        QCOMPARE(resumed.value(str("missing")).toInt(), 112);
        QCOMPARE(
            resumed.value(str("events")).toArray().first().toObject().value(str("seq")).toInt(),
            213);
        // A resume from within what is kept reports nothing missing.
        const QJsonObject within =
            host->request(req("history",
                              {{str("room"), code}, {str("after"), 400}, {str("before"), 404}}))
                .value(str("result"))
                .toObject();
        QVERIFY(!within.contains(str("missing")));
        const QJsonArray between = within.value(str("events")).toArray();
        QCOMPARE(between.size(), 3);
        QCOMPARE(between.first().toObject().value(str("seq")).toInt(), 401);
        QCOMPARE(between.last().toObject().value(str("seq")).toInt(), 403);
        QVERIFY(!within.value(str("hasMore")).toBool());
        QCOMPARE(errorCode(host->request(req(
                     "history", {{str("room"), code}, {str("after"), 10}, {str("before"), 11}}))),
                 str("bad_request"));
    }

    void capacityRaceSeatsExactlyTheFreeSeats()
    {
        auto host = client();
        QVERIFY(host);
        const QString code = hostRoom(*host, 11); // the host's seat + 10 free
        std::vector<std::unique_ptr<TestClient>> racers;
        for (int i = 0; i < 60; ++i) {
            racers.push_back(client());
            QVERIFY(racers.back());
        }
        std::vector<qint64> ids;
        for (int i = 0; i < 60; ++i)
            ids.push_back(racers[i]->send(
                req("join_room",
                    {{str("code"), code}, {str("displayName"), QStringLiteral("p%1").arg(i)}})));
        int joined = 0, full = 0;
        for (int i = 0; i < 60; ++i) {
            const QJsonObject reply = racers[i]->waitReply(ids[i], 10000);
            if (ok(reply))
                ++joined;
            else if (errorCode(reply) == str("room_full"))
                ++full;
        }
        QCOMPARE(joined, 10);
        QCOMPARE(full, 50);
        // Spectators take no seat.
        auto watcher = client();
        QVERIFY(!watcher->joinRoom(code, str("Watcher"), str("spectator")).isEmpty());
        const QJsonObject info = host->request(req("room_info", {{str("room"), code}}));
        QCOMPARE(info.value(str("result"))
                     .toObject()
                     .value(str("room"))
                     .toObject()
                     .value(str("seats"))
                     .toInt(),
                 11);
        QCOMPARE(info.value(str("result"))
                     .toObject()
                     .value(str("room"))
                     .toObject()
                     .value(str("spectators"))
                     .toInt(),
                 1);
    }

    void sameIdentityTakesBackItsSeat()
    {
        auto host = client();
        const QString code = hostRoom(*host, 2);
        const Identity ben = Identity::generate();
        auto first = std::make_unique<TestClient>();
        QVERIFY(first->connectTo(m_server->url()));
        QVERIFY(first->hello(ben));
        QVERIFY(!first->joinRoom(code, str("Ben")).isEmpty());

        // The same identity from a new connection: the old one is closed, the seat is reused
        // although the room is now full.
        TestClient second;
        QVERIFY(second.connectTo(m_server->url()));
        QVERIFY(second.hello(ben));
        QVERIFY(first->waitForDisconnected());
        QCOMPARE(first->closeCode(), 4001);
        const QJsonObject again = second.joinRoom(code, str("Ben"));
        QCOMPARE(second.lastError(), QString());
        QVERIFY(again.value(str("rejoined")).toBool());
        const QJsonArray participants = again.value(str("participants")).toArray();
        QCOMPARE(participants.size(), 2);
        int bens = 0;
        for (const auto &p : participants)
            bens += p.toObject().value(str("id")).toString() == second.participantId();
        QCOMPARE(bens, 1);
        QCOMPARE(host->eventsOf(str("participant_joined")).size(), 1);
        // Chat from the new connection works; the old one got nothing after its close.
        QVERIFY(ok(
            second.request(req("send_chat", {{str("room"), code}, {str("text"), str("back")}}))));
    }

    void hostLeavesAndLongestPresentMemberTakesOver()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto first = client(), second = client(), spectator = client();
        QVERIFY(!spectator->joinRoom(code, str("Spec"), str("spectator")).isEmpty());
        QVERIFY(!first->joinRoom(code, str("First")).isEmpty());
        QVERIFY(!second->joinRoom(code, str("Second")).isEmpty());
        QVERIFY(ok(host->request(req("leave_room", {{str("room"), code}}))));
        QVERIFY(second->waitForEventKind(str("host_changed")));
        const QJsonObject changed =
            second->eventsOf(str("host_changed")).first().value(str("data")).toObject();
        QCOMPARE(changed.value(str("to")).toString(), first->participantId());
        QCOMPARE(changed.value(str("reason")).toString(), str("host_left"));
        const QJsonObject left =
            second->eventsOf(str("participant_left")).first().value(str("data")).toObject();
        QCOMPARE(left.value(str("reason")).toString(), str("left"));
        // The new host can use host operations; the old one is out.
        QVERIFY(ok(first->request(
            req("set_state", {{str("room"), code}, {str("state"), str("active")}}))));
        QCOMPARE(errorCode(second->request(
                     req("set_state", {{str("room"), code}, {str("state"), str("finished")}}))),
                 str("not_host"));
        QCOMPARE(errorCode(host->request(req("room_info", {{str("room"), code}}))),
                 str("not_member"));
    }

    void droppedHostTimesOutAndHostMoves()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto member = client();
        QVERIFY(!member->joinRoom(code, str("Ben")).isEmpty());
        host->disconnectNow();
        QVERIFY(member->waitForEvent([](const QJsonObject &e) {
            return e.value(str("event")).toString() == str("presence") &&
                   !e.value(str("data")).toObject().value(str("online")).toBool();
        }));
        // grace is 2 s in this test
        QVERIFY(member->waitForEventKind(str("host_changed"), 6000));
        const auto left = member->eventsOf(str("participant_left"));
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().value(str("data")).toObject().value(str("reason")).toString(),
                 str("timed_out"));
        QCOMPARE(member->eventsOf(str("host_changed"))
                     .first()
                     .value(str("data"))
                     .toObject()
                     .value(str("to"))
                     .toString(),
                 member->participantId());
        // Sequence numbers came without gaps.
        const QList<qint64> got = seqs(member->events());
        for (qsizetype i = 1; i < got.size(); ++i)
            QCOMPARE(got[i], got[i - 1] + 1);
    }

    void kickAndBan()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto ben = client(), cy = client();
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        QVERIFY(!cy->joinRoom(code, str("Cy")).isEmpty());

        QCOMPARE(errorCode(ben->request(req(
                     "kick", {{str("room"), code}, {str("participant"), cy->participantId()}}))),
                 str("not_host"));
        QVERIFY(ok(host->request(
            req("kick", {{str("room"), code}, {str("participant"), ben->participantId()}}))));
        QVERIFY(ben->waitForEventKind(str("participant_left")));
        const QJsonObject kicked =
            ben->eventsOf(str("participant_left")).first().value(str("data")).toObject();
        QCOMPARE(kicked.value(str("reason")).toString(), str("kicked"));
        QCOMPARE(kicked.value(str("by")).toString(), host->participantId());
        QCOMPARE(errorCode(ben->request(
                     req("send_chat", {{str("room"), code}, {str("text"), str("hey")}}))),
                 str("not_member"));
        // Kicked is not banned: Ben may come back.
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());

        QVERIFY(ok(host->request(
            req("ban", {{str("room"), code}, {str("participant"), cy->participantId()}}))));
        QVERIFY(cy->waitForEvent([](const QJsonObject &e) {
            return e.value(str("data")).toObject().value(str("reason")).toString() == str("banned");
        }));
        QVERIFY(cy->joinRoom(code, str("Cy")).isEmpty());
        QCOMPARE(cy->lastError(), str("banned"));
        // Also from a new connection of the same identity.
        TestClient cyAgain;
        QVERIFY(cyAgain.connectTo(m_server->url()));
        QVERIFY(cyAgain.hello(cy->identity()));
        QVERIFY(cyAgain.joinRoom(code, str("Cy")).isEmpty());
        QCOMPARE(cyAgain.lastError(), str("banned"));
        const QJsonObject stats = host->request(req("room_info", {{str("room"), code}}))
                                      .value(str("result"))
                                      .toObject()
                                      .value(str("stats"))
                                      .toObject();
        QCOMPARE(stats.value(str("kicks")).toInt(), 1);
        QCOMPARE(stats.value(str("bans")).toInt(), 1);
        // Members do not see the statistics.
        QVERIFY(!ben->request(req("room_info", {{str("room"), code}}))
                     .value(str("result"))
                     .toObject()
                     .contains(str("stats")));
    }

    void transferHost()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto ben = client(), spec = client();
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        QVERIFY(!spec->joinRoom(code, str("Spec"), str("spectator")).isEmpty());
        QCOMPARE(errorCode(host->request(
                     req("transfer_host",
                         {{str("room"), code}, {str("participant"), spec->participantId()}}))),
                 str("bad_request"));
        QVERIFY(ok(host->request(req(
            "transfer_host", {{str("room"), code}, {str("participant"), ben->participantId()}}))));
        QVERIFY(ben->waitForEventKind(str("host_changed")));
        QCOMPARE(ben->eventsOf(str("host_changed"))
                     .first()
                     .value(str("data"))
                     .toObject()
                     .value(str("reason"))
                     .toString(),
                 str("transferred"));
        QCOMPARE(errorCode(host->request(req("close_room", {{str("room"), code}}))),
                 str("not_host"));
        QVERIFY(ok(ben->request(req("close_room", {{str("room"), code}}))));
        QVERIFY(host->waitForEventKind(str("room_closed")));
        QVERIFY(spec->waitForEventKind(str("room_closed")));
        // A closed room frees its code.
        auto late = client();
        QVERIFY(late->joinRoom(code, str("Late")).isEmpty());
        QCOMPARE(late->lastError(), str("room_not_found"));
    }

    void approvalWaitingRoom()
    {
        auto host = client();
        const QString code = hostRoom(*host, 10, {{str("approval"), true}});
        auto ben = client(), cy = client();
        const qint64 benJoin =
            ben->send(req("join_room", {{str("code"), code}, {str("displayName"), str("Ben")}}));
        QVERIFY(ben->waitForNotice(str("join_pending")));
        QVERIFY(host->waitForNotice(str("join_request")));
        const qint64 cyJoin =
            cy->send(req("join_room", {{str("code"), code}, {str("displayName"), str("Cy")}}));
        QVERIFY(cy->waitForNotice(str("join_pending")));
        QVERIFY(ok(host->request(
            req("admit", {{str("room"), code}, {str("participant"), ben->participantId()}}))));
        const QJsonObject benReply = ben->waitReply(benJoin);
        QVERIFY(ok(benReply));
        QCOMPARE(
            benReply.value(str("result")).toObject().value(str("participants")).toArray().size(),
            2);
        QVERIFY(ok(host->request(
            req("deny", {{str("room"), code}, {str("participant"), cy->participantId()}}))));
        QCOMPARE(errorCode(cy->waitReply(cyJoin)), str("join_denied"));
        QCOMPARE(errorCode(host->request(req(
                     "admit", {{str("room"), code}, {str("participant"), cy->participantId()}}))),
                 str("participant_not_found"));
    }

    void settingsStateAndStatus()
    {
        auto host = client();
        const QString code = hostRoom(*host, 3, {{str("password"), str("sesame")}});
        auto ben = client();
        QVERIFY(ben->joinRoom(code, str("Ben")).isEmpty());
        QCOMPARE(ben->lastError(), str("wrong_password"));
        const QJsonObject withPassword =
            ben->request(req("join_room", {{str("code"), code},
                                           {str("displayName"), str("Ben")},
                                           {str("password"), str("sesame")}}));
        QVERIFY(ok(withPassword));
        QCOMPARE(withPassword.value(str("result"))
                     .toObject()
                     .value(str("room"))
                     .toObject()
                     .value(str("settings"))
                     .toObject()
                     .value(str("password"))
                     .toBool(),
                 true);

        QVERIFY(ok(host->request(req(
            "update_settings",
            {{str("room"), code},
             {str("name"), str("Study group")},
             {str("capacity"), 4},
             {str("settings"), QJsonObject{{str("locked"), true}, {str("password"), str("")}}}}))));
        QVERIFY(ben->waitForEventKind(str("room_updated")));
        const QJsonObject updated = ben->eventsOf(str("room_updated"))
                                        .first()
                                        .value(str("data"))
                                        .toObject()
                                        .value(str("room"))
                                        .toObject();
        QCOMPARE(updated.value(str("name")).toString(), str("Study group"));
        QCOMPARE(updated.value(str("capacity")).toInt(), 4);
        QVERIFY(updated.value(str("settings")).toObject().value(str("locked")).toBool());
        QVERIFY(!updated.value(str("settings")).toObject().value(str("password")).toBool());
        auto cy = client();
        QVERIFY(cy->joinRoom(code, str("Cy")).isEmpty());
        QCOMPARE(cy->lastError(), str("room_locked"));
        QCOMPARE(errorCode(host->request(
                     req("update_settings", {{str("room"), code}, {str("capacity"), 1}}))),
                 str("bad_request"));

        QCOMPARE(errorCode(host->request(
                     req("set_state", {{str("room"), code}, {str("state"), str("waiting")}}))),
                 str("bad_request"));
        QVERIFY(ok(
            host->request(req("set_state", {{str("room"), code}, {str("state"), str("active")}}))));
        QVERIFY(ok(host->request(
            req("set_state", {{str("room"), code}, {str("state"), str("finished")}}))));
        QCOMPARE(errorCode(host->request(
                     req("set_state", {{str("room"), code}, {str("state"), str("active")}}))),
                 str("invalid_transition"));

        QVERIFY(ok(ben->request(
            req("set_status",
                {{str("room"), code},
                 {str("status"), QJsonObject{{str("ready"), true}, {str("muted"), false}}}}))));
        QVERIFY(host->waitForEventKind(str("participant_updated")));
        const QJsonObject status =
            host->eventsOf(str("participant_updated")).first().value(str("data")).toObject();
        QCOMPARE(status.value(str("participant")).toString(), ben->participantId());
        QCOMPARE(status.value(str("status")).toObject(), (QJsonObject{{str("ready"), true}}));
        QCOMPARE(errorCode(ben->request(
                     req("set_status", {{str("room"), code},
                                        {str("status"), QJsonObject{{str("dancing"), true}}}}))),
                 str("bad_request"));
    }

    void chatResendIsIdempotent()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        const QJsonObject a = host->request(req(
            "send_chat",
            {{str("room"), code}, {str("text"), str("once")}, {str("clientMsgId"), str("x-1")}}));
        const QJsonObject b = host->request(req(
            "send_chat",
            {{str("room"), code}, {str("text"), str("once")}, {str("clientMsgId"), str("x-1")}}));
        QVERIFY(ok(a) && ok(b));
        QCOMPARE(b.value(str("result")).toObject().value(str("seq")),
                 a.value(str("result")).toObject().value(str("seq")));
        QVERIFY(b.value(str("result")).toObject().value(str("duplicate")).toBool());
        const QJsonArray history = host->request(req("history", {{str("room"), code}}))
                                       .value(str("result"))
                                       .toObject()
                                       .value(str("events"))
                                       .toArray();
        int chats = 0;
        for (const auto &e : history)
            chats += e.toObject().value(str("event")).toString() == str("chat");
        QCOMPARE(chats, 1);
    }

    void atMostFiveRoomsPerHost()
    {
        auto host = client();
        for (int i = 0; i < 5; ++i)
            QVERIFY(!hostRoom(*host).isEmpty());
        QVERIFY(hostRoom(*host).isEmpty());
        QCOMPARE(host->lastError(), str("too_many_rooms"));
    }

    void emptyRoomExpires()
    {
        m_server =
            std::make_unique<TestServer>([](ServerConfig &c) { c.emptyRoomExpirySeconds = 1; });
        QVERIFY(m_server->start());
        auto host = client();
        const QString code = hostRoom(*host);
        QVERIFY(ok(host->request(req("leave_room", {{str("room"), code}}))));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->server()->roomCount(), 0, 5000);
        auto late = client();
        QVERIFY(late->joinRoom(code, str("Late")).isEmpty());
        QCOMPARE(late->lastError(), str("room_not_found"));
    }

    void roomsMembersBansAndHistorySurviveRestart()
    {
        auto host = client();
        const Identity hostId = host->identity();
        const QString code = hostRoom(*host);
        auto ben = client(), cy = client();
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        QVERIFY(!cy->joinRoom(code, str("Cy")).isEmpty());
        QVERIFY(ok(host->request(
            req("ban", {{str("room"), code}, {str("participant"), cy->participantId()}}))));
        for (int i = 0; i < 20; ++i)
            QVERIFY(ok(ben->request(
                req("send_chat", {{str("room"), code},
                                  {str("text"), QStringLiteral("m%1").arg(i)},
                                  {str("clientMsgId"), QStringLiteral("c%1").arg(i)}}))));
        const qint64 lastSeq =
            qint64(ben->eventsOf(str("chat")).last().value(str("seq")).toDouble());
        const Identity cyIdentity = cy->identity();
        host.reset();
        ben->disconnectNow();
        cy.reset();

        QVERIFY(m_server->restart());
        TestClient back;
        QVERIFY(back.connectTo(m_server->url()));
        QVERIFY(back.hello(hostId));
        const QJsonObject snap = back.joinRoom(code, str("Ana"));
        QCOMPARE(back.lastError(), QString());
        QVERIFY(snap.value(str("rejoined")).toBool());
        QCOMPARE(snap.value(str("participants")).toArray().size(), 2);
        const QJsonArray history =
            back.request(req("history", {{str("room"), code}, {str("limit"), 200}}))
                .value(str("result"))
                .toObject()
                .value(str("events"))
                .toArray();
        QVERIFY(history.size() >= 20);
        int chats = 0;
        qint64 previous = 0;
        for (const auto &e : history) {
            const qint64 seq = qint64(e.toObject().value(str("seq")).toDouble());
            QCOMPARE(seq, previous + 1);
            previous = seq;
            chats += e.toObject().value(str("event")).toString() == str("chat");
        }
        QCOMPARE(chats, 20);
        QVERIFY(previous > lastSeq);
        // The ban and the idempotency index survived too.
        TestClient cyAgain;
        QVERIFY(cyAgain.connectTo(m_server->url()));
        QVERIFY(cyAgain.hello(cyIdentity));
        QVERIFY(cyAgain.joinRoom(code, str("Cy")).isEmpty());
        QCOMPARE(cyAgain.lastError(), str("banned"));
        TestClient benAgain;
        QVERIFY(benAgain.connectTo(m_server->url()));
        QVERIFY(benAgain.hello(ben->identity()));
        QVERIFY(!benAgain.joinRoom(code, str("Ben")).isEmpty());
        const QJsonObject resend = benAgain.request(req(
            "send_chat",
            {{str("room"), code}, {str("text"), str("m19")}, {str("clientMsgId"), str("c19")}}));
        QVERIFY(resend.value(str("result")).toObject().value(str("duplicate")).toBool());
    }
};

QTEST_GUILESS_MAIN(tst_RoomServer)
#include "tst_roomserver.moc"
