// Two people never look alike in a room (docs/protocol.md, "join_room" and `name_taken`): a real
// RoomServer on 127.0.0.1 and real QWebSocket clients. A join whose display name matches, after
// trimming, NFKC and case folding, the name of someone holding a place in the room (online, or
// offline within grace) or waiting for approval is refused; the same identity taking back its
// own seat never is. Also: `room_full` says whether the room would take a spectator.

#include "protocolhelpers.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

#include <memory>

using namespace ProtocolHelpers;

class tst_Names : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    std::unique_ptr<TestClient> client(const Identity &identity = Identity::generate())
    {
        auto c = std::make_unique<TestClient>();
        if (!c->connectTo(m_server->url()) || !c->hello(identity))
            return nullptr;
        return c;
    }

    // A host called Ana with a room; returns the code.
    QString hostRoom(TestClient &host, int capacity = 10, const QJsonObject &settings = {})
    {
        return host.createRoom(str("Game night"), str("Ana"), capacity, settings)
            .value(str("room"))
            .toObject()
            .value(str("code"))
            .toString();
    }

    static QJsonObject joinRequest(const QString &code, const QString &name,
                                   const char *role = "member")
    {
        return req("join_room",
                   {{str("code"), code}, {str("displayName"), name}, {str("role"), str(role)}});
    }

    // The reply frame docs/protocol.md shows for a name_taken refusal, with `id`.
    static QJsonObject nameTakenFrame(qint64 id, const QString &taken)
    {
        return QJsonObject{
            {str("type"), str("reply")},
            {str("id"), id},
            {str("ok"), false},
            {str("error"),
             QJsonObject{{str("code"), str("name_taken")},
                         {str("message"), str("Someone in this room is already called “%1”; "
                                              "pick another name.")
                                              .arg(taken)},
                         {str("name"), taken}}}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
    }

    void init()
    {
        m_server = std::make_unique<TestServer>([](ServerConfig &c) {
            c.limits.graceSeconds = 1;
            c.limits.requestsPerSecond = 1000;
        });
        QVERIFY(m_server->start());
    }

    void cleanup() { m_server.reset(); }

    void namesThatLookAlikeClash_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("taken");
        QTest::newRow("the same") << str("Ana") << true;
        QTest::newRow("lower case") << str("ana") << true;
        QTest::newRow("upper case") << str("ANA") << true;
        QTest::newRow("spaces around") << str("  Ana ") << true;
        QTest::newRow("full-width") << str("ＡＮＡ") << true;
        QTest::newRow("full-width lower") << str("ａｎａ") << true;
        QTest::newRow("another name") << str("Anna") << false;
        QTest::newRow("with a surname") << str("Ana B.") << false;
        QTest::newRow("accented") << str("Aná") << false;
    }

    void namesThatLookAlikeClash()
    {
        QFETCH(QString, name);
        QFETCH(bool, taken);
        auto host = client();
        const QString code = hostRoom(*host);
        auto joiner = client();
        const QJsonObject request = joinRequest(code, name);
        const qint64 id = joiner->send(request);
        const QJsonObject reply = joiner->waitReply(id);
        if (!taken) {
            QVERIFY2(ok(reply), qPrintable(errorCode(reply)));
            return;
        }
        // The exact frame of docs/protocol.md, naming the person as they spell it.
        QCOMPARE(reply, nameTakenFrame(id, str("Ana")));
        // Nobody was seated or told.
        const QJsonObject info = host->request(req("room_info", {{str("room"), code}}));
        QCOMPARE(
            info.value(str("result")).toObject().value(str("room")).toObject().value(str("seats")),
            QJsonValue(1));
        // The same person with another name gets in.
        QVERIFY(!joiner->joinRoom(code, name + str(" 2")).isEmpty());
    }

    void normalisedNamesClashBothWays()
    {
        // A full-width name already in the room is found by its plain spelling too, and inner
        // runs of spaces count as one.
        auto host = client();
        const QString code = hostRoom(*host);
        auto ben = client();
        QVERIFY(!ben->joinRoom(code, str("ＢＥＮ  Ｃ")).isEmpty());
        auto other = client();
        const qint64 id = other->send(joinRequest(code, str("ben c")));
        QCOMPARE(other->waitReply(id), nameTakenFrame(id, str("ＢＥＮ  Ｃ")));
    }

    void spectatorsAndOfflineSeatsHoldTheirNames()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto watcher = client();
        QVERIFY(!watcher->joinRoom(code, str("Watcher"), str("spectator")).isEmpty());
        auto member = client();
        QVERIFY(member->joinRoom(code, str("watcher")).isEmpty());
        QCOMPARE(member->lastError(), str("name_taken"));
        // A spectator cannot take a member's name either.
        QVERIFY(member->joinRoom(code, str("ana"), str("spectator")).isEmpty());
        QCOMPARE(member->lastError(), str("name_taken"));

        // Ben drops off: his seat, and his name, are his for the grace period.
        const Identity benId = Identity::generate();
        auto ben = client(benId);
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        ben->disconnectNow();
        QVERIFY(host->waitForEvent([](const QJsonObject &e) {
            return e.value(str("event")).toString() == str("presence") &&
                   !e.value(str("data")).toObject().value(str("online")).toBool();
        }));
        auto impostor = client();
        QVERIFY(impostor->joinRoom(code, str("BEN")).isEmpty());
        QCOMPARE(impostor->lastError(), str("name_taken"));
        // Once the seat is gone (timed out), so is the claim on the name.
        QVERIFY(host->waitForEvent(
            [](const QJsonObject &e) {
                return e.value(str("event")).toString() == str("participant_left");
            },
            10000));
        QVERIFY(!impostor->joinRoom(code, str("BEN")).isEmpty());
    }

    void ownSeatIsNeverRefused()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        const Identity benId = Identity::generate();
        auto ben = client(benId);
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());

        // The same identity from a new connection, by its name spelt any way: its own seat.
        auto again = client(benId);
        const QJsonObject rejoined = again->joinRoom(code, str(" ben "));
        QVERIFY2(!rejoined.isEmpty(), qPrintable(again->lastError()));
        QVERIFY(rejoined.value(str("rejoined")).toBool());

        // Resuming after a reconnect, too.
        auto resumed = client(benId);
        QJsonObject request = joinRequest(code, str("Ben"));
        request.insert(str("resume"), true);
        const QJsonObject reply = resumed->request(request);
        QVERIFY2(ok(reply), qPrintable(errorCode(reply)));
        QVERIFY(reply.value(str("result")).toObject().value(str("rejoined")).toBool());

        // The host's own name is the host's: rejoining as the host is not refused either.
        auto hostAgain = client(host->identity());
        QVERIFY(!hostAgain->joinRoom(code, str("Ana")).isEmpty());
    }

    void namesAreFreeAfterLeavingAndPerRoom()
    {
        auto host = client();
        const QString code = hostRoom(*host);
        auto ben = client();
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        QVERIFY(ok(ben->request(req("leave_room", {{str("room"), code}}))));
        auto newBen = client();
        QVERIFY(!newBen->joinRoom(code, str("Ben")).isEmpty());

        // Another room has its own Ana.
        auto otherHost = client();
        const QString otherCode = hostRoom(*otherHost);
        QVERIFY(!otherCode.isEmpty());
        auto ana = client();
        QVERIFY(ana->joinRoom(otherCode, str("Ana")).isEmpty());
        QCOMPARE(ana->lastError(), str("name_taken"));
        auto bystander = client();
        QVERIFY(!bystander->joinRoom(otherCode, str("Ben")).isEmpty());
    }

    void waitingListHoldsNames()
    {
        auto host = client();
        const QString code = hostRoom(*host, 10, {{str("approval"), true}});
        auto ben = client();
        const qint64 benJoin = ben->send(joinRequest(code, str("Ben")));
        QVERIFY(ben->waitForNotice(str("join_pending")));
        QVERIFY(host->waitForNotice(str("join_request")));

        // Someone else asking as "ben" is refused at once, not put on the waiting list.
        auto other = client();
        const qint64 otherJoin = other->send(joinRequest(code, str("ＢＥＮ")));
        QCOMPARE(other->waitReply(otherJoin), nameTakenFrame(otherJoin, str("Ben")));
        QVERIFY(!other->waitForNotice(str("join_pending"), 200));
        // Nor can a waiting joiner take the host's name.
        const qint64 anaJoin = other->send(joinRequest(code, str("ana")));
        QCOMPARE(errorCode(other->waitReply(anaJoin)), str("name_taken"));
        QCOMPARE(host->notices().size(), 1); // only Ben's request reached the host

        // Ben asking again (a new request replaces his first) is not refused for his own name.
        const qint64 benAgain = ben->send(joinRequest(code, str("Ben")));
        QCOMPARE(errorCode(ben->waitReply(benJoin)), str("join_denied")); // replaced
        QVERIFY(ok(host->request(
            req("admit", {{str("room"), code}, {str("participant"), ben->participantId()}}))));
        QVERIFY(ok(ben->waitReply(benAgain)));

        // Denied, the name is free again.
        auto cy = client();
        const qint64 cyJoin = cy->send(joinRequest(code, str("Cy")));
        QVERIFY(cy->waitForNotice(str("join_pending")));
        QVERIFY(ok(host->request(
            req("deny", {{str("room"), code}, {str("participant"), cy->participantId()}}))));
        QCOMPARE(errorCode(cy->waitReply(cyJoin)), str("join_denied"));
        auto cy2 = client();
        const qint64 cy2Join = cy2->send(joinRequest(code, str("cy")));
        QVERIFY(cy2->waitForNotice(str("join_pending")));
        QVERIFY(ok(host->request(
            req("admit", {{str("room"), code}, {str("participant"), cy2->participantId()}}))));
        QVERIFY(ok(cy2->waitReply(cy2Join)));
    }

    void roomFullSaysWhetherSpectatorsMayWatch_data()
    {
        QTest::addColumn<bool>("spectators");
        QTest::newRow("spectators allowed") << true;
        QTest::newRow("no spectators") << false;
    }

    void roomFullSaysWhetherSpectatorsMayWatch()
    {
        QFETCH(bool, spectators);
        auto host = client();
        const QString code = hostRoom(*host, 1, {{str("spectators"), spectators}});
        auto ben = client();
        const qint64 id = ben->send(joinRequest(code, str("Ben")));
        const QJsonObject expected{
            {str("type"), str("reply")},
            {str("id"), id},
            {str("ok"), false},
            {str("error"), QJsonObject{{str("code"), str("room_full")},
                                       {str("message"), str("The room is full (1/1).")},
                                       {str("spectators"), spectators}}}};
        QCOMPARE(ben->waitReply(id), expected);
        // And it means it: a spectator gets in where allowed.
        const QJsonObject watching = ben->joinRoom(code, str("Ben"), str("spectator"));
        QCOMPARE(!watching.isEmpty(), spectators);
        if (!spectators)
            QCOMPARE(ben->lastError(), str("spectators_not_allowed"));
    }
};

QTEST_GUILESS_MAIN(tst_Names)
#include "tst_names.moc"
