// The server's pure rules, without sockets or time: Room (participants, host succession,
// passwords, the chat resend index), TokenBucket and JoinThrottle (time passed in).

#include "protocol/jsonwrite.h"
#include "protocol/textrules.h"
#include "ratelimiter.h"
#include "room.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

#include <memory>

namespace {
// The room object as the server writes it.
QByteArray roomJson(const Room &room)
{
    QByteArray out;
    room.info().writeJson(out);
    return out;
}

QString str(const char *s)
{
    return QString::fromUtf8(s);
}

std::unique_ptr<Participant> person(const QString &id, Role role, qint64 joinedSeq,
                                    bool online = true)
{
    auto p = std::make_unique<Participant>();
    p->id = id;
    p->name = id.toUpper();
    p->role = role;
    p->joinedSeq = joinedSeq;
    p->online = online;
    return p;
}

constexpr qint64 t0 = 1763760000000; // a realistic "now" in ms
} // namespace

class tst_RoomRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- Room: participants ------------------------------------------------------------------

    void addRemoveAndCounts()
    {
        Room room;
        room.emptySinceMs = 42;
        QVERIFY(room.isEmpty());
        QCOMPARE(room.seatsTaken(), 0);
        QCOMPARE(room.spectatorCount(), 0);

        room.add(person(str("h"), Role::Host, 1));
        QCOMPARE(room.emptySinceMs, 0); // someone is in
        room.add(person(str("m1"), Role::Member, 2));
        room.add(person(str("s1"), Role::Spectator, 3, false));
        room.add(person(str("m2"), Role::Member, 4, false));
        room.add(person(str("s2"), Role::Spectator, 5));

        QVERIFY(!room.isEmpty());
        QCOMPARE(room.participants().size(), std::size_t(5));
        QCOMPARE(room.seatsTaken(), 3); // host + members
        QCOMPARE(room.spectatorCount(), 2);
        QCOMPARE(room.onlineCount(), 3);
        QCOMPARE(room.stats.peakSeats, 3);
        QVERIFY(room.find(str("m2")));
        QCOMPARE(room.find(str("m2"))->joinedSeq, 4);
        QVERIFY(!room.find(str("nobody")));

        std::unique_ptr<Participant> gone = room.remove(str("m1"));
        QVERIFY(gone);
        QCOMPARE(gone->id, str("m1"));
        QVERIFY(!room.find(str("m1")));
        QCOMPARE(room.seatsTaken(), 2);
        QCOMPARE(room.stats.peakSeats, 3); // a peak stays a peak
        QVERIFY(!room.remove(str("m1")));
        QVERIFY(!room.remove(str("nobody")));

        QVERIFY(room.remove(str("s1")));
        QCOMPARE(room.spectatorCount(), 1);
        // Order is kept (joinedSeq order) after removals.
        QStringList order;
        for (const auto &p : room.participants())
            order.append(p->id);
        QCOMPARE(order, (QStringList{str("h"), str("m2"), str("s2")}));

        for (const QString &id : order)
            QVERIFY(room.remove(id));
        QVERIFY(room.isEmpty());
        QCOMPARE(room.seatsTaken(), 0);
    }

    // --- Room: names ---------------------------------------------------------------------------

    void nameKeys_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("alike");
        QTest::newRow("case") << str("Ana") << str("aNA") << true;
        QTest::newRow("trimmed") << str(" Ana\t") << str("Ana") << true;
        QTest::newRow("inner spaces") << str("Ana  Maria") << str("ana maria") << true;
        QTest::newRow("no-break space") << str("Ana\u00a0Maria") << str("Ana Maria") << true;
        QTest::newRow("full-width") << str("ＡＮＡ") << str("ana") << true;
        QTest::newRow("ligature") << str("\ufb01ona") << str("Fiona") << true;
        QTest::newRow("composed accent") << str("Chlo\u00e9") << str("CHLOE\u0301") << true;
        QTest::newRow("different") << str("Ana") << str("Anna") << false;
        QTest::newRow("accent matters") << str("Ana") << str("Aná") << false;
    }

    void nameKeys()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, alike);
        QCOMPARE(TextRules::nameKey(a) == TextRules::nameKey(b), alike);
    }

    void nameClashCountsSeatsSpectatorsAndTheWaiting()
    {
        Room room;
        room.add(person(str("h"), Role::Host, 1));            // "H"
        room.add(person(str("ana"), Role::Member, 2, false)); // "ANA", offline
        room.add(person(str("watcher"), Role::Spectator, 3)); // "WATCHER"
        room.waiting.append(PendingJoin{str("ben"), str("Ben"), Role::Member, {}, 7, t0});

        QCOMPARE(room.nameClash(str("ana"), str("someone")), str("ANA"));
        QCOMPARE(room.nameClash(str("Watcher "), str("someone")), str("WATCHER"));
        QCOMPARE(room.nameClash(str("ＢＥＮ"), str("someone")), str("Ben"));
        QCOMPARE(room.nameClash(str("Cy"), str("someone")), QString());
        // One's own seat or request is no clash.
        QCOMPARE(room.nameClash(str("Ana"), str("ana")), QString());
        QCOMPARE(room.nameClash(str("ben"), str("ben")), QString());
        // A name is free again when its holder is gone.
        room.remove(str("ana"));
        room.waiting.clear();
        QCOMPARE(room.nameClash(str("Ana"), str("someone")), QString());
        QCOMPARE(room.nameClash(str("Ben"), str("someone")), QString());
    }

    void roomJsonShowsCountsNeverThePassword()
    {
        Room room;
        room.code = str("XJ9K2M");
        room.name = str("Game night");
        room.capacity = 10;
        room.hostId = str("h");
        room.lastSeq = 12;
        room.createdAt = t0;
        room.passwordHash = Room::hashPassword(str("hunter2"));
        room.add(person(str("h"), Role::Host, 1));
        room.add(person(str("m"), Role::Member, 2, false));
        room.add(person(str("s"), Role::Spectator, 3));
        const QJsonObject json = QJsonDocument::fromJson(roomJson(room)).object();
        QCOMPARE(json.keys(), (QStringList{str("capacity"), str("code"), str("createdAt"),
                                           str("host"), str("lastSeq"), str("name"), str("online"),
                                           str("seats"), str("settings"), str("spectators"),
                                           str("state"), str("waitingToJoin")}));
        QCOMPARE(json.value(str("seats")).toInt(), 2);
        QCOMPARE(json.value(str("spectators")).toInt(), 1);
        QCOMPARE(json.value(str("online")).toInt(), 2);
        QCOMPARE(json.value(str("state")).toString(), str("waiting"));
        const QJsonObject settings = json.value(str("settings")).toObject();
        QCOMPARE(settings.keys(), (QStringList{str("approval"), str("locked"), str("password"),
                                               str("public"), str("spectators")}));
        QCOMPARE(settings.value(str("password")), QJsonValue(true));
        const QByteArray text = QJsonDocument(json).toJson();
        QVERIFY(!text.contains(room.passwordHash.toUtf8()));
        QVERIFY(!text.contains("hunter2"));

        // Nobody left: host is null, not "".
        Room empty;
        QVERIFY(QJsonDocument::fromJson(roomJson(empty)).object().value(str("host")).isNull());

        const QJsonArray participants =
            QJsonDocument::fromJson(room.participantsJsonBytes()).array();
        QCOMPARE(participants.size(), 3);
        QCOMPARE(participants[0].toObject().keys(),
                 (QStringList{str("id"), str("joinedSeq"), str("lastSeen"), str("name"),
                              str("online"), str("role"), str("status")}));
        QCOMPARE(participants[2].toObject().value(str("role")).toString(), str("spectator"));
    }

    // The join reply and the frequent events are written by hand (JsonWrite); they must be
    // byte for byte what QJsonDocument writes for the same objects, whatever the names hold.
    void handWrittenJsonMatchesQJsonDocument_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("plain") << str("Game night");
        QTest::newRow("quotes and backslash") << str("say \"hi\" \\o/");
        QTest::newRow("control characters") << str("a\nb\tc\rd\be\ff\x01g\x1f");
        QTest::newRow("non-ASCII") << str("Crème brûlée 🔥 日本");
        QTest::newRow("markup") << str("<b>bold</b> & <img src=x>");
        QTest::newRow("lone surrogates") << (str("a") + QChar(0xd800) + str("b") + QChar(0xdc00));
        QTest::newRow("empty") << QString();
    }

    void handWrittenJsonMatchesQJsonDocument()
    {
        QFETCH(QString, name);
        const auto compact = [](const QJsonObject &o) {
            return QJsonDocument(o).toJson(QJsonDocument::Compact);
        };
        // What QJsonDocument writes for the same object.
        const auto rewritten = [&compact](const QByteArray &bytes) {
            return compact(QJsonDocument::fromJson(bytes).object());
        };
        // The participant written afresh, without the cache.
        const auto fresh = [](const Participant &p) {
            QByteArray out;
            static_cast<const ParticipantInfo &>(p).writeJson(out);
            return out;
        };

        QByteArray quoted;
        JsonWrite::string(quoted, name);
        const QByteArray viaQt = compact({{str("s"), name}});
        QCOMPARE(quoted, viaQt.mid(5, viaQt.size() - 6));

        Room room;
        room.code = str("XJ9K2M");
        room.name = name;
        room.capacity = 50;
        room.lastSeq = 123456789012;
        room.createdAt = t0;
        room.settings.isPublic = true;
        room.passwordHash = Room::hashPassword(str("pw"));
        QCOMPARE(roomJson(room), rewritten(roomJson(room))); // no host yet: null
        room.hostId = str("h");
        auto host = person(str("h"), Role::Host, 1);
        host->name = name;
        host->lastSeen = t0 + 5;
        host->status.set(StatusFlags::Camera, true);
        host->status.set(StatusFlags::Away, true);
        Participant *h = room.add(std::move(host));
        room.add(person(str("m"), Role::Member, 2, false));
        room.add(person(str("s"), Role::Spectator, 3));
        room.state = RoomState::Active;
        QCOMPARE(roomJson(room), rewritten(roomJson(room)));
        QCOMPARE(h->toJsonBytes(), rewritten(h->toJsonBytes()));
        for (const auto &p : room.participants())
            QCOMPARE(p->toJsonBytes(), rewritten(p->toJsonBytes()));

        // The cache follows changes.
        h->status.set(StatusFlags::Ready, true);
        h->online = false;
        QCOMPARE(h->toJsonBytes(), fresh(*h));
        QVERIFY(QJsonDocument::fromJson(h->toJsonBytes())
                    .object()
                    .value(str("status"))
                    .toObject()
                    .value(str("ready"))
                    .toBool());
    }

    void roleAndStateNames()
    {
        for (Role r : {Role::Host, Role::Member, Role::Spectator})
            QCOMPARE(fromWireName<Role>(QString(wireName(r))), std::optional<Role>(r));
        QVERIFY(!fromWireName<Role>(u"admin"));
        QVERIFY(!fromWireName<Role>(u"Host"));
        for (RoomState s : {RoomState::Waiting, RoomState::Active, RoomState::Finished})
            QCOMPARE(fromWireName<RoomState>(QString(wireName(s))), std::optional<RoomState>(s));
        QVERIFY(!fromWireName<RoomState>(u"closed"));
        QVERIFY(!fromWireName<RoomState>(u""));
    }

    // --- Room: host succession -----------------------------------------------------------------

    void nextHost_data()
    {
        // Participants in join order ("role+" online, "role-" offline); the leaving host is
        // "host". Expected: the index of the next host, -1 for nobody.
        QTest::addColumn<QStringList>("people");
        QTest::addColumn<int>("expected");

        QTest::newRow("first online member")
            << QStringList{str("host+"), str("member+"), str("member+")} << 1;
        QTest::newRow("online member beats an earlier offline member")
            << QStringList{str("host+"), str("member-"), str("member+")} << 2;
        QTest::newRow("online member beats an earlier spectator")
            << QStringList{str("host+"), str("spectator+"), str("member+")} << 2;
        QTest::newRow("offline member beats an online spectator")
            << QStringList{str("host+"), str("spectator+"), str("member-"), str("member-")} << 2;
        QTest::newRow("longest-present spectator when no member")
            << QStringList{str("host+"), str("spectator-"), str("spectator+")} << 1;
        QTest::newRow("host not first in the list")
            << QStringList{str("member-"), str("host+"), str("member+")} << 2;
        QTest::newRow("nobody else") << QStringList{str("host+")} << -1;
        QTest::newRow("leaving host already removed") << QStringList{} << -1;
    }

    void nextHost()
    {
        QFETCH(QStringList, people);
        QFETCH(int, expected);
        Room room;
        for (int i = 0; i < people.size(); ++i) {
            const QString spec = people[i];
            const bool online = spec.endsWith(u'+');
            const QString role = spec.chopped(1);
            const QString id = role == str("host") ? str("host") : QStringLiteral("p%1").arg(i);
            room.add(person(id, *fromWireName<Role>(role), i + 1, online));
        }
        room.hostId = str("host");
        Participant *next = room.nextHost(str("host"));
        if (expected < 0) {
            QVERIFY(!next);
        } else {
            QVERIFY(next);
            QCOMPARE(next->id, QStringLiteral("p%1").arg(expected));
        }
    }

    // --- Room: passwords -----------------------------------------------------------------------

    void passwords()
    {
        Room room;
        QVERIFY(!room.hasPassword());
        QVERIFY(!room.passwordMatches(QString()));
        QVERIFY(!room.passwordMatches(str("anything")));

        const QString hash = Room::hashPassword(str("hunter2"));
        const qsizetype dollar = hash.indexOf(u'$');
        QVERIFY2(dollar > 0, qPrintable(hash));
        QCOMPARE(hash.count(u'$'), 1);
        QVERIFY(!hash.contains(str("hunter2")));
        // Salted: the same password hashes differently each time.
        QVERIFY(Room::hashPassword(str("hunter2")) != hash);

        room.passwordHash = hash;
        QVERIFY(room.hasPassword());
        QVERIFY(room.passwordMatches(str("hunter2")));
        QVERIFY(!room.passwordMatches(str("hunter3")));
        QVERIFY(!room.passwordMatches(str("Hunter2")));
        QVERIFY(!room.passwordMatches(str("hunter2 ")));
        QVERIFY(!room.passwordMatches(str("hunter")));
        QVERIFY(!room.passwordMatches(QString()));

        const QString unicode = str("p\xC3\xA4ss \xF0\x9F\x94\x91");
        room.passwordHash = Room::hashPassword(unicode);
        QVERIFY(room.passwordMatches(unicode));
        QVERIFY(!room.passwordMatches(str("pass \xF0\x9F\x94\x91")));

        // A damaged stored hash never matches.
        room.passwordHash = str("no-dollar-sign");
        QVERIFY(!room.passwordMatches(str("no-dollar-sign")));
        room.passwordHash = str("$");
        QVERIFY(!room.passwordMatches(QString()));
    }

    // --- Room: chat resend index ---------------------------------------------------------------

    void sentMessages()
    {
        Room room;
        QVERIFY(!room.sentMessage(str("a"), str("c1")));
        room.rememberMessage(str("a"), str("c1"), 5);
        QCOMPARE(room.sentMessage(str("a"), str("c1")), std::optional<qint64>(5));
        // Per author: another author's equal id is another message.
        QVERIFY(!room.sentMessage(str("b"), str("c1")));
        QVERIFY(!room.sentMessage(str("a"), str("c2")));
        // No confusion across the author/id boundary.
        room.rememberMessage(str("ab"), str("c"), 6);
        QVERIFY(!room.sentMessage(str("a"), str("bc")));
        QCOMPARE(room.sentMessage(str("ab"), str("c")), std::optional<qint64>(6));
    }

    void sentMessagesEvictOldestAfter1024()
    {
        Room room;
        const int memory = 1024;
        for (int i = 0; i < memory; ++i)
            room.rememberMessage(str("a"), QStringLiteral("m%1").arg(i), 100 + i);
        // All 1024 are remembered.
        for (int i = 0; i < memory; ++i)
            QCOMPARE(room.sentMessage(str("a"), QStringLiteral("m%1").arg(i)),
                     std::optional<qint64>(100 + i));

        // One more evicts exactly the oldest.
        room.rememberMessage(str("a"), str("m1024"), 100 + memory);
        QVERIFY(!room.sentMessage(str("a"), str("m0")));
        QCOMPARE(room.sentMessage(str("a"), str("m1")), std::optional<qint64>(101));
        QCOMPARE(room.sentMessage(str("a"), str("m1024")), std::optional<qint64>(100 + memory));

        // Another full round: only the newest 1024 are left, across the ring's wrap.
        for (int i = memory + 1; i < 3 * memory + 100; ++i)
            room.rememberMessage(str("b"), QStringLiteral("m%1").arg(i), 100 + i);
        int kept = 0;
        for (int i = 0; i < 3 * memory + 100; ++i) {
            const QString author = i <= memory ? str("a") : str("b");
            const auto seq = room.sentMessage(author, QStringLiteral("m%1").arg(i));
            const bool shouldBeKept = i >= 2 * memory + 100;
            QVERIFY2(seq.has_value() == shouldBeKept, qPrintable(QString::number(i)));
            if (seq) {
                QCOMPARE(*seq, qint64(100 + i));
                ++kept;
            }
        }
        QCOMPARE(kept, memory);
    }

    // --- TokenBucket ---------------------------------------------------------------------------

    void tokenBucketBurstThenRate_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("burst");
        QTest::addColumn<qint64>("retryAfterMs"); // right after the burst is spent
        QTest::newRow("requests 20/s, burst 40") << 20.0 << 40 << qint64(50);
        QTest::newRow("chat 5/s, burst 10") << 5.0 << 10 << qint64(200);
        QTest::newRow("joins 1 per 6 s, burst 10") << 1.0 / 6 << 10 << qint64(6000);
        QTest::newRow("one a second, burst 1") << 1.0 << 1 << qint64(1000);
    }

    void tokenBucketBurstThenRate()
    {
        QFETCH(double, rate);
        QFETCH(int, burst);
        QFETCH(qint64, retryAfterMs);
        TokenBucket bucket(rate, burst, t0);
        QVERIFY(bucket.isFull(t0));
        for (int i = 0; i < burst; ++i)
            QVERIFY2(bucket.take(t0), qPrintable(QString::number(i)));
        QVERIFY(!bucket.isFull(t0));
        qint64 retry = -1;
        QVERIFY(!bucket.take(t0, &retry));
        QCOMPARE(retry, retryAfterMs);
        // Refused attempts cost nothing; the wait shrinks as time passes.
        QVERIFY(!bucket.take(t0 + retryAfterMs / 2, &retry));
        QVERIFY(retry > 0 && retry <= retryAfterMs - retryAfterMs / 2 + 1);
        QVERIFY(!bucket.take(t0 + retryAfterMs - 1));
        // Exactly one token after the wait, then empty again.
        QVERIFY(bucket.take(t0 + retryAfterMs));
        QVERIFY(!bucket.take(t0 + retryAfterMs, &retry));
        QCOMPARE(retry, retryAfterMs);
        // A long pause refills to the burst, not beyond.
        const qint64 later = t0 + 1000 * 1000;
        QVERIFY(bucket.isFull(later));
        for (int i = 0; i < burst; ++i)
            QVERIFY(bucket.take(later));
        QVERIFY(!bucket.take(later));
    }

    void tokenBucketSustainedRate()
    {
        // 5/s with burst 10 over 10 s of trying every 10 ms: 10 + 50 granted, give or take one.
        TokenBucket bucket(5, 10, t0);
        int granted = 0;
        for (qint64 t = t0; t < t0 + 10000; t += 10)
            granted += bucket.take(t);
        QVERIFY2(granted >= 59 && granted <= 61, qPrintable(QString::number(granted)));
    }

    void tokenBucketIgnoresClockGoingBack()
    {
        TokenBucket bucket(1, 2, t0);
        QVERIFY(bucket.take(t0));
        QVERIFY(bucket.take(t0));
        QVERIFY(!bucket.take(t0 - 60000)); // no tokens from the past
        QVERIFY(!bucket.take(t0 + 999));
        QVERIFY(bucket.take(t0 + 1000));
    }

    // --- JoinThrottle --------------------------------------------------------------------------

    void joinThrottlePerAddress()
    {
        JoinThrottle throttle(10, 6, 200);
        const QString guesser = str("192.0.2.7"), neighbour = str("192.0.2.8");
        qint64 retry = -1;
        QVERIFY(throttle.allowed(guesser, t0, &retry));
        // Asking is free: only failures count.
        for (int i = 0; i < 100; ++i)
            QVERIFY(throttle.allowed(guesser, t0, &retry));
        for (int i = 0; i < 10; ++i) {
            QVERIFY2(throttle.allowed(guesser, t0, &retry), qPrintable(QString::number(i)));
            throttle.recordFailure(guesser, t0);
        }
        QVERIFY(!throttle.allowed(guesser, t0, &retry));
        QCOMPARE(retry, qint64(6000));
        QVERIFY(!throttle.allowed(guesser, t0 + 5999, &retry));
        QVERIFY2(retry >= 1 && retry <= 2, qPrintable(QString::number(retry))); // float rounding
        // Others are not affected.
        QVERIFY(throttle.allowed(neighbour, t0, &retry));
        QVERIFY(throttle.allowed(str("2001:db8::1"), t0, &retry));

        // One more try every 6 s.
        QVERIFY(throttle.allowed(guesser, t0 + 6000, &retry));
        throttle.recordFailure(guesser, t0 + 6000);
        QVERIFY(!throttle.allowed(guesser, t0 + 6000, &retry));
        QVERIFY(!throttle.allowed(guesser, t0 + 11999, &retry));
        QVERIFY(throttle.allowed(guesser, t0 + 12000, &retry));

        // At that pace a guesser covers nothing of the 32^6 codes: 10 + 600 an hour.
        JoinThrottle hour(10, 6, 1000000);
        int guesses = 0;
        for (qint64 t = t0; t < t0 + 3600 * 1000; t += 100) {
            if (hour.allowed(guesser, t, &retry)) {
                hour.recordFailure(guesser, t);
                ++guesses;
            }
        }
        QVERIFY2(guesses <= 611 && guesses >= 600, qPrintable(QString::number(guesses)));
    }

    void joinThrottleGlobal()
    {
        // 200 a minute in total: many addresses together hit it, and then everybody waits.
        JoinThrottle throttle(10, 6, 200);
        qint64 retry = -1;
        for (int i = 0; i < 200; ++i) {
            const QString address = QStringLiteral("198.51.100.%1").arg(i % 250);
            QVERIFY2(throttle.allowed(address, t0, &retry), qPrintable(QString::number(i)));
            throttle.recordFailure(address, t0);
        }
        QVERIFY(!throttle.allowed(str("203.0.113.1"), t0, &retry));
        QVERIFY2(retry > 0 && retry <= 300, qPrintable(QString::number(retry))); // 60000 / 200
        QVERIFY(!throttle.allowed(str("198.51.100.1"), t0, &retry));
        // One attempt is available again after 60000/200 ms.
        QVERIFY(throttle.allowed(str("203.0.113.1"), t0 + 300, &retry));
    }

    void joinThrottlePrune()
    {
        JoinThrottle throttle(10, 6, 200);
        const QString guesser = str("192.0.2.7");
        qint64 retry = -1;
        for (int i = 0; i < 10; ++i)
            throttle.recordFailure(guesser, t0);
        // Pruning must not forget an address that is still limited...
        throttle.prune(t0 + 1000);
        QVERIFY(!throttle.allowed(guesser, t0 + 1000, &retry));
        // 9.83 tokens after 59 s: not full yet, so kept; a wrongly forgotten address would get
        // a fresh burst of 10.
        throttle.prune(t0 + 59000);
        int allowed = 0;
        while (throttle.allowed(guesser, t0 + 59000, &retry) && allowed < 20) {
            throttle.recordFailure(guesser, t0 + 59000);
            ++allowed;
        }
        QCOMPARE(allowed, 9);
        // ... and an address whose bucket refilled (60 s for 10 tokens) is as good as new.
        const QString other = str("192.0.2.99");
        for (int i = 0; i < 10; ++i)
            throttle.recordFailure(other, t0);
        throttle.prune(t0 + 60000);
        for (int i = 0; i < 10; ++i) {
            QVERIFY(throttle.allowed(other, t0 + 60000, &retry));
            throttle.recordFailure(other, t0 + 60000);
        }
        QVERIFY(!throttle.allowed(other, t0 + 60000, &retry));
    }
};

QTEST_GUILESS_MAIN(tst_RoomRules)
#include "tst_roomrules.moc"
