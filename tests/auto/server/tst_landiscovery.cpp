// LAN discovery over real UDP sockets, kept on loopback: every endpoint sends only to
// 127.255.255.255 (loopback's broadcast address) on a discovery port of the test's own, so
// nothing reaches a real network. Two room servers with their responders share that port on
// one machine, as two instances would; a finder finds each by its code, a wrong code finds
// nothing, garbage gets no answer, a liar cannot redirect, an answer relayed with another
// certificate's fingerprint is dropped, public rooms appear in and vanish from the lobby model
// with their hosts' fingerprints; and real `hearth serve` processes are found by
// `hearth join CODE`.

#include "discovery/codefinder.h"
#include "discovery/discoveryconfig.h"
#include "discovery/lancodekey.h"
#include "discovery/lantransport.h"
#include "discovery/lanwire.h"
#include "discovery/publicroomsmodel.h"
#include "lan/lanresponder.h"
#include "protocolhelpers.h"
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "serverprocess.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkDatagram>
#include <QtNetwork/QUdpSocket>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace ProtocolHelpers;

namespace {

const QHostAddress LoopbackBroadcast(u"127.255.255.255"_s);

// A UDP port nobody on this machine uses right now.
quint16 freeUdpPort()
{
    QUdpSocket probe;
    probe.bind(QHostAddress::AnyIPv4, 0);
    return probe.localPort();
}

// A host: a room server with its LAN responder.
struct Host {
    std::unique_ptr<TestServer> server;
    std::unique_ptr<LanResponder> responder;
    std::unique_ptr<TestClient> client;
    QByteArray fingerprint; // what its responder vouches for
};

struct Found {
    QUrl url;
    QByteArray fingerprint;
    qint64 elapsedMs = -1;
};

} // namespace

class tst_LanDiscovery : public QObject
{
    Q_OBJECT

    DiscoveryConfig m_config;
    LanResponder::Options m_fast;

    // A host; with `certificate`, its server serves wss:// with it, and its responder vouches
    // for what the server serves.
    std::unique_ptr<Host> startHost(const HostCertificate &certificate = {},
                                    const DiscoveryConfig *config = nullptr)
    {
        auto host = std::make_unique<Host>();
        host->server = std::make_unique<TestServer>([&](ServerConfig &c) {
            c.certificate = certificate.certificate();
            c.privateKey = certificate.privateKey();
        });
        if (!host->server->start())
            return nullptr;
        host->responder = std::make_unique<LanResponder>(host->server->server(),
                                                         config ? *config : m_config, m_fast);
        host->fingerprint = host->responder->fingerprint();
        if (!host->responder->start())
            return nullptr;
        host->client = std::make_unique<TestClient>();
        if (certificate.isValid())
            host->client->trustCertificate(certificate.certificate());
        if (!host->client->connectTo(host->server->url()) || !host->client->hello())
            return nullptr;
        return host;
    }

    static QString createRoom(Host &host, const QString &name, bool isPublic = false)
    {
        return host.client->createRoom(name, u"Ana"_s, 8, QJsonObject{{u"public"_s, isPublic}})
            .value(u"room"_s)
            .toObject()
            .value(u"code"_s)
            .toString();
    }

    // What a finder reports for `code`: the URL (empty when nothing was found), the
    // fingerprint the code vouched for, the time.
    Found lookUp(const QString &code, int timeoutMs = 2000, qint64 *rejected = nullptr)
    {
        CodeFinder finder(m_config);
        finder.setTimeout(timeoutMs);
        QSignalSpy found(&finder, &CodeFinder::found);
        QSignalSpy notFound(&finder, &CodeFinder::notFound);
        finder.find(code);
        // The key's derivation comes first: give a busy machine time for it.
        const bool ended = QTest::qWaitFor([&] { return !found.isEmpty() || !notFound.isEmpty(); },
                                           timeoutMs + 10000);
        if (rejected)
            *rejected = finder.rejectedAnswers();
        if (!ended || found.isEmpty())
            return {};
        return {found.first().at(0).toUrl(), found.first().at(2).toByteArray(),
                found.first().at(3).toLongLong()};
    }
    QUrl find(const QString &code, qint64 *elapsedMs = nullptr, int timeoutMs = 2000)
    {
        const Found result = lookUp(code, timeoutMs);
        if (elapsedMs)
            *elapsedMs = result.elapsedMs;
        return result.url;
    }

    // Waits until `host` answers for `code` (its key is derived).
    static bool waitUntilAnswering(const Host &host, const QString &code)
    {
        return QTest::qWaitFor([&] { return host.responder->answersFor(code); }, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Loopback's broadcast must reach every socket sharing a port (it does on Linux); if
        // this machine does not allow it, say so instead of passing.
        const quint16 port = freeUdpPort();
        QUdpSocket a, b, sender;
        const auto mode = QUdpSocket::ShareAddress | QUdpSocket::ReuseAddressHint;
        QVERIFY(a.bind(QHostAddress::AnyIPv4, port, mode));
        QVERIFY(b.bind(QHostAddress::AnyIPv4, port, mode));
        if (sender.writeDatagram("ping", LoopbackBroadcast, port) < 0)
            QSKIP(qPrintable(u"this machine refuses a broadcast on loopback (%1): the discovery "
                             "tests cannot run here"_s.arg(sender.errorString())));
        if (!QTest::qWaitFor([&] { return a.hasPendingDatagrams() && b.hasPendingDatagrams(); },
                             2000))
            QSKIP("a broadcast on loopback does not reach every socket sharing the port here: "
                  "the discovery tests cannot run on this machine");

        m_config.port = freeUdpPort();
        m_config.targets = {LoopbackBroadcast};
        m_fast.pollMs = 100;
        m_fast.announceEveryMs = 500;
        m_fast.ttlSeconds = 2;
        // The `hearth` processes started below inherit these.
        qputenv("HEARTH_DISCOVERY_TARGETS", "127.255.255.255");
        qputenv("HEARTH_DISCOVERY_PORT", QByteArray::number(m_config.port));
    }

    void twoServersAreFoundByTheirCodes()
    {
        // Ana serves with a certificate, Ben without TLS.
        const HostCertificate anaCertificate = HostCertificate::generate(u"Ana"_s);
        QVERIFY(anaCertificate.isValid());
        auto ana = startHost(anaCertificate);
        auto ben = startHost();
        QVERIFY(ana && ben);
        QCOMPARE(ana->fingerprint, Fingerprint::of(anaCertificate.certificate()));
        QVERIFY(ben->fingerprint.isEmpty());
        const QString anaCode = createRoom(*ana, u"Ana's room"_s);
        const QString anaSecond = createRoom(*ana, u"Ana's other room"_s);
        const QString benCode = createRoom(*ben, u"Ben's room"_s);
        QVERIFY(!anaCode.isEmpty() && !anaSecond.isEmpty() && !benCode.isEmpty());

        // Found at once, though the room is new: the finder asks again while the host derives
        // the room's key.
        const Found anaFound = lookUp(anaCode);
        QCOMPARE(anaFound.url.port(), int(ana->server->server()->port()));
        QCOMPARE(anaFound.url.host(), u"127.0.0.1"_s);
        // The code vouches for the certificate Ana's server really holds; wss:// to it.
        QCOMPARE(anaFound.url.scheme(), u"wss"_s);
        QCOMPARE(anaFound.fingerprint, Fingerprint::of(anaCertificate.certificate()));
        qInfo("found a new room's code in %lld ms (both keys derived meanwhile)",
              anaFound.elapsedMs);
        qint64 elapsed = -1;
        QCOMPARE(find(anaCode, &elapsed).port(), int(ana->server->server()->port()));
        qInfo("found a code in %lld ms (the finder's key derivation included)", elapsed);
        // A host without TLS: ws://, and nothing vouched for.
        const Found benFound = lookUp(benCode);
        QCOMPARE(benFound.url.scheme(), u"ws"_s);
        QVERIFY(benFound.fingerprint.isEmpty());
        QCOMPARE(find(anaSecond).port(), int(ana->server->server()->port()));
        QCOMPARE(find(benCode).port(), int(ben->server->server()->port()));
        // Loosely typed codes are normalised before the lookup, not by the finder.
        QCOMPARE(ana->responder->answeredQueries(), 3);
        QCOMPARE(ben->responder->answeredQueries(), 2);

        // The found address really is the room's server: joining there works.
        TestClient joiner;
        QVERIFY(joiner.connectTo(find(benCode)));
        QVERIFY(joiner.hello());
        QVERIFY(!joiner.joinRoom(benCode, u"Chloé"_s).isEmpty());
    }

    void wrongCodeFindsNothing()
    {
        auto ana = startHost();
        QVERIFY(ana);
        const QString code = createRoom(*ana, u"Room"_s);
        const QString wrong = code == u"ZZZZZZ"_s ? u"YYYYYY"_s : u"ZZZZZZ"_s;
        QVERIFY(waitUntilAnswering(*ana, code));
        QVERIFY(find(wrong, nullptr, 800).isEmpty());
        QCOMPARE(ana->responder->answeredQueries(), 0);
        // A closed room is not found either.
        QVERIFY(ok(ana->client->request(req("close_room", {{u"room"_s, code}}))));
        QVERIFY(find(code, nullptr, 800).isEmpty());
    }

    void garbageGetsNoAnswer()
    {
        auto ana = startHost();
        QVERIFY(ana);
        const QString code = createRoom(*ana, u"Room"_s);
        QUdpSocket attacker;
        QVERIFY(attacker.bind(QHostAddress::AnyIPv4, 0));
        const QByteArray nonce = LanWire::freshNonce();
        const QList<QByteArray> garbage{
            QByteArray(),
            QByteArray("\x00\xff\x13garbage", 10),
            QByteArray(8000, '{'),
            QByteArray(R"({"hearth":"hearth-lan","v":1,"type":"query"})"),
            QByteArray(R"({"hearth":"hearth-lan","v":2,"type":"query","nonce":"x","proof":"y"})"),
            // A well-formed query with a proof for no code.
            LanWire::encodeQuery(nonce, QByteArray(LanWire::ProofSize, 'x')),
            // The proof of the right code for another nonce (a replay).
            [&] {
                const QByteArray other = LanWire::freshNonce();
                return LanWire::encodeQuery(nonce,
                                            LanWire::queryProof(LanCodeKey::derive(code), other));
            }(),
        };
        QVERIFY(waitUntilAnswering(*ana, code));
        for (const QByteArray &datagram : garbage)
            attacker.writeDatagram(datagram, LoopbackBroadcast, m_config.port);
        QTest::qWait(300);
        QVERIFY(!attacker.hasPendingDatagrams());
        QCOMPARE(ana->responder->answeredQueries(), 0);
        QVERIFY(ana->responder->ignoredDatagrams() >= 4);
        // Still answering properly.
        QCOMPARE(find(code).port(), int(ana->server->server()->port()));
    }

    void aFloodIsBounded()
    {
        // Valid queries as fast as one can send them: the host answers what its budget
        // allows and drops the rest.
        auto host = std::make_unique<Host>();
        host->server = std::make_unique<TestServer>();
        QVERIFY(host->server->start());
        LanResponder::Options tight = m_fast;
        tight.checksPerSecond = 10;
        tight.checkBurst = 20;
        host->responder = std::make_unique<LanResponder>(host->server->server(), m_config, tight);
        QVERIFY(host->responder->start());
        host->client = std::make_unique<TestClient>();
        QVERIFY(host->client->connectTo(host->server->url()) && host->client->hello());
        const QString code = createRoom(*host, u"Room"_s);
        QVERIFY(waitUntilAnswering(*host, code));
        QUdpSocket flooder;
        QVERIFY(flooder.bind(QHostAddress::AnyIPv4, 0));
        const QByteArray key = LanCodeKey::derive(code);
        for (int i = 0; i < 100; ++i) {
            const QByteArray nonce = LanWire::freshNonce();
            flooder.writeDatagram(LanWire::encodeQuery(nonce, LanWire::queryProof(key, nonce)),
                                  LoopbackBroadcast, m_config.port);
        }
        QTRY_VERIFY(host->responder->answeredQueries() + host->responder->ignoredDatagrams() >=
                    100);
        // A query costs 2 here (one room, plus one): 10 fit in the burst, a few more refill.
        QVERIFY2(host->responder->answeredQueries() <= 15,
                 qPrintable(QString::number(host->responder->answeredQueries())));
        QVERIFY(host->responder->answeredQueries() >= 5);
    }

    void aLiarCannotRedirect()
    {
        auto ana = startHost();
        QVERIFY(ana);
        const QString code = createRoom(*ana, u"Room"_s);
        // A machine that answers every query at once, pointing at a port of its own, with a
        // proof it cannot make without the code.
        LanTransport liar(m_config);
        QVERIFY(liar.open(LanTransport::Binding::SharedPort));
        int lies = 0;
        connect(&liar, &LanTransport::received, this,
                [&](const QByteArray &datagram, const QHostAddress &sender, quint16 port) {
                    const auto m = LanWire::decode(datagram);
                    if (!m || m->type != LanWire::Type::Query)
                        return;
                    ++lies;
                    liar.sendTo(sender, port,
                                LanWire::encodeAnswer(m->nonce, 1, u"liar"_s, {}, m->proof));
                });
        QCOMPARE(find(code).port(), int(ana->server->server()->port()));
        QVERIFY(lies > 0);
        // For a code nobody holds, the liar's answers alone find nothing.
        QVERIFY(find(code == u"ZZZZZZ"_s ? u"YYYYYY"_s : u"ZZZZZZ"_s, nullptr, 600).isEmpty());
    }

    // A machine in the middle (Mallory) that does not know the code but relays: it passes the
    // joiner's query on to the real host, which it alone can reach, and hands the host's
    // answer back. Putting its own certificate's fingerprint into that answer breaks the
    // proof, so the joiner drops it and finds nothing; relaying the answer untouched sends the
    // joiner on with the real host's fingerprint, which Mallory's own server cannot present
    // (the client refuses a certificate other than the vouched one).
    void aRelayedAnswerCannotSwapTheCertificate()
    {
        // The real host answers on a discovery port of its own that only Mallory uses.
        DiscoveryConfig hidden = m_config;
        hidden.port = freeUdpPort();
        const HostCertificate real = HostCertificate::generate(u"Ana"_s);
        const HostCertificate mallorys = HostCertificate::generate(u"Mallory"_s);
        QVERIFY(real.isValid() && mallorys.isValid());
        const QByteArray malloryFingerprint = Fingerprint::of(mallorys.certificate());
        auto ana = startHost(real, &hidden);
        QVERIFY(ana);
        const QString code = createRoom(*ana, u"Room"_s);
        QVERIFY(waitUntilAnswering(*ana, code));

        LanTransport joinerSide(m_config); // hears the joiner's broadcast queries
        LanTransport hostSide(hidden);     // asks the real host, hears its answers
        QVERIFY(joinerSide.open(LanTransport::Binding::SharedPort));
        QVERIFY(hostSide.open(LanTransport::Binding::OwnPort));
        bool forge = true;
        int relayed = 0;
        QHostAddress joiner;
        quint16 joinerPort = 0;
        connect(&joinerSide, &LanTransport::received, this,
                [&](const QByteArray &datagram, const QHostAddress &sender, quint16 port) {
                    const auto m = LanWire::decode(datagram);
                    if (!m || m->type != LanWire::Type::Query)
                        return;
                    joiner = sender;
                    joinerPort = port;
                    hostSide.sendToTargets(datagram);
                });
        connect(&hostSide, &LanTransport::received, this,
                [&](const QByteArray &datagram, const QHostAddress &, quint16) {
                    const auto m = LanWire::decode(datagram);
                    if (!m || m->type != LanWire::Type::Answer || joinerPort == 0)
                        return;
                    ++relayed;
                    joinerSide.sendTo(joiner, joinerPort,
                                      LanWire::encodeAnswer(
                                          m->nonce, m->port, m->instance,
                                          forge ? malloryFingerprint : m->fingerprint, m->proof));
                });

        qint64 rejected = 0;
        QVERIFY(lookUp(code, 1500, &rejected).url.isEmpty());
        QVERIFY(relayed > 0);
        QVERIFY(rejected > 0); // the forged answers were dropped
        QVERIFY(rejected <= relayed);

        forge = false;
        relayed = 0;
        const Found found = lookUp(code, 1500, &rejected);
        QVERIFY(relayed > 0);
        QCOMPARE(rejected, 0);
        QCOMPARE(found.url.port(), int(ana->server->server()->port()));
        QCOMPARE(found.url.scheme(), u"wss"_s);
        QCOMPARE(found.fingerprint, Fingerprint::of(real.certificate()));
        QVERIFY(found.fingerprint != malloryFingerprint);
    }

    void publicRoomsAppearAndVanish()
    {
        const HostCertificate benCertificate = HostCertificate::generate(u"Ben"_s);
        auto ana = startHost();
        auto ben = startHost(benCertificate);
        QVERIFY(ana && ben);
        // Two lobbies on one machine both see everything.
        PublicRoomsModel lobby(m_config);
        PublicRoomsModel otherLobby(m_config);
        QAbstractItemModelTester tester(&lobby,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(lobby.start());
        QVERIFY(otherLobby.start());

        const QString privateCode = createRoom(*ana, u"Private"_s);
        const QString anaPublic = createRoom(*ana, u"Game night"_s, true);
        QVERIFY(!privateCode.isEmpty() && !anaPublic.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(otherLobby.rowCount(), 1, 3000);
        const QModelIndex row = lobby.index(0);
        QCOMPARE(row.data(PublicRoomsModel::CodeRole).toString(), anaPublic);
        QCOMPARE(row.data(PublicRoomsModel::NameRole).toString(), u"Game night"_s);
        QCOMPARE(row.data(PublicRoomsModel::HostNameRole).toString(), u"Ana"_s);
        QCOMPARE(row.data(PublicRoomsModel::MembersRole).toInt(), 1);
        QCOMPARE(row.data(PublicRoomsModel::CapacityRole).toInt(), 8);
        QCOMPARE(row.data(PublicRoomsModel::AddressRole).toString(),
                 u"ws://127.0.0.1:%1/"_s.arg(ana->server->server()->port()));
        QCOMPARE(row.data(PublicRoomsModel::FingerprintRole).toString(), QString());
        // The private room's code was never on the wire in a form the lobby could read.
        for (int i = 0; i < lobby.rowCount(); ++i)
            QVERIFY(lobby.index(i).data(PublicRoomsModel::CodeRole).toString() != privateCode);

        // A second public room on another server: listed apart.
        const QString benPublic = createRoom(*ben, u"Study group"_s, true);
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 2, 3000);
        // Announced with its host's certificate (unauthenticated: a first-use pin at most),
        // which a join picked from the list carries on.
        const QModelIndex benRow = lobby.index(
            lobby.index(0).data(PublicRoomsModel::CodeRole).toString() == benPublic ? 0 : 1);
        const QUrl benUrl(u"wss://127.0.0.1:%1/"_s.arg(ben->server->server()->port()));
        QCOMPARE(benRow.data(PublicRoomsModel::AddressRole).toString(), benUrl.toString());
        QCOMPARE(benRow.data(PublicRoomsModel::FingerprintRole).toString(),
                 Fingerprint::toHex(Fingerprint::of(benCertificate.certificate())));
        QCOMPARE(lobby.announcedFingerprint(benUrl, benPublic),
                 Fingerprint::of(benCertificate.certificate()));
        QVERIFY(lobby.announcedFingerprint(benUrl, anaPublic).isEmpty());

        // Counts follow joins.
        TestClient chloe;
        QVERIFY(chloe.connectTo(ana->server->url()) && chloe.hello());
        QVERIFY(!chloe.joinRoom(anaPublic, u"Chloé"_s).isEmpty());
        auto membersOf = [&](const QString &code) {
            for (int i = 0; i < lobby.rowCount(); ++i) {
                if (lobby.index(i).data(PublicRoomsModel::CodeRole).toString() == code)
                    return lobby.index(i).data(PublicRoomsModel::MembersRole).toInt();
            }
            return -1;
        };
        QTRY_COMPARE_WITH_TIMEOUT(membersOf(anaPublic), 2, 3000);

        // Closing the room removes it (at once: the responder says "gone").
        QVERIFY(ok(ana->client->request(req("close_room", {{u"room"_s, anaPublic}}))));
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 1, 1500);
        QCOMPARE(lobby.index(0).data(PublicRoomsModel::CodeRole).toString(), benPublic);

        // A server that stops says bye: its rooms go at once.
        ben->responder->stop();
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 0, 1500);
        QTRY_COMPARE_WITH_TIMEOUT(otherLobby.rowCount(), 0, 1500);

        // A lobby opened later asks and gets the rooms at once, without waiting for an
        // announcement.
        const QString again = createRoom(*ana, u"Late room"_s, true);
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 1, 3000);
        PublicRoomsModel late(m_config);
        QVERIFY(late.start());
        QTRY_COMPARE_WITH_TIMEOUT(late.rowCount(), 1, 400);
        QCOMPARE(late.index(0).data(PublicRoomsModel::CodeRole).toString(), again);
    }

    void aVanishedHostsRoomsExpire()
    {
        // A host that disappears without a word (a crash, a pulled cable): its announcement
        // is all the lobby ever gets, and the rooms go when its ttl runs out.
        PublicRoomsModel lobby(m_config);
        QVERIFY(lobby.start());
        QUdpSocket host;
        QVERIFY(host.bind(QHostAddress::AnyIPv4, 0));
        const auto datagrams =
            LanWire::encodeAnnounce(u"vanishing"_s, 47800, {}, 1,
                                    {{u"ABCDEF"_s, u"Gone soon"_s, u"Dan"_s, 1, 4, false, false}});
        host.writeDatagram(datagrams.first(), LoopbackBroadcast, m_config.port);
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 1, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(lobby.rowCount(), 0, 4000);
    }

    void serveProcessesAreFoundByHearthJoin()
    {
        // Two real `hearth serve` processes on one machine, both answering on the same
        // discovery port; `hearth join CODE` (no address) finds the right one and joins.
        QTemporaryDir dir;
        ServerProcess first(dir.filePath(u"a.sqlite"_s));
        ServerProcess second(dir.filePath(u"b.sqlite"_s));
        QVERIFY(first.start());
        QVERIFY(second.start());
        TestClient host;
        QVERIFY(host.connectTo(second.url()) && host.hello());
        const QString code = host.createRoom(u"Process room"_s, u"Ana"_s)
                                 .value(u"room"_s)
                                 .toObject()
                                 .value(u"code"_s)
                                 .toString();
        QVERIFY(!code.isEmpty());

        QProcess joiner;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
        env.insert(u"XDG_DATA_HOME"_s, dir.filePath(u"data"_s));
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        env.remove(u"QT_QPA_PLATFORM"_s);
        joiner.setProcessEnvironment(env);
        const QString loose = code.left(3).toLower() + u'-' + code.mid(3).toLower();
        joiner.start(QStringLiteral(HEARTH_BINARY),
                     {u"join"_s, loose, u"--headless"_s, u"--name"_s, u"Ben"_s,
                      u"--identity-file"_s, dir.filePath(u"ben.json"_s)});
        QString out;
        const bool joined = QTest::qWaitFor(
            [&] {
                out += QString::fromUtf8(joiner.readAllStandardOutput());
                return out.contains(u"hearth: joined room \"Process room\" with code "_s + code) ||
                       joiner.state() == QProcess::NotRunning;
            },
            15000);
        QVERIFY2(joined && out.contains(u"joined room"_s),
                 qPrintable(out + QString::fromUtf8(joiner.readAllStandardError())));
        QVERIFY2(out.contains(u"hearth: address %1"_s.arg(second.url().toString())),
                 qPrintable(out));
        QVERIFY(host.waitForEventKind(u"participant_joined"_s));
        joiner.write("/quit\n");
        QVERIFY(joiner.waitForFinished(10000));

        // A wrong code: the joiner says it found nothing and how to go on.
        QProcess lost;
        lost.setProcessEnvironment(env);
        lost.start(QStringLiteral(HEARTH_BINARY),
                   {u"join"_s, code == u"ZZZZZZ"_s ? u"YYYYYY"_s : u"ZZZZZZ"_s, u"--headless"_s,
                    u"--name"_s, u"Ben"_s, u"--identity-file"_s, dir.filePath(u"ben.json"_s)});
        QVERIFY(lost.waitForFinished(15000));
        QVERIFY(lost.exitCode() != 0);
        const QString why = QString::fromUtf8(lost.readAllStandardError());
        QVERIFY2(why.contains(u"No host on this network answered"_s), qPrintable(why));
        QVERIFY2(why.contains(u"firewall"_s), qPrintable(why));

        // An invite link joins without discovery.
        QProcess linked;
        linked.setProcessEnvironment(env);
        linked.start(QStringLiteral(HEARTH_BINARY),
                     {u"hearth://127.0.0.1:%1/%2"_s.arg(second.url().port()).arg(code),
                      u"--headless"_s, u"--name"_s, u"Chloé"_s, u"--identity-file"_s,
                      dir.filePath(u"chloe.json"_s)});
        QString linkedOut;
        QVERIFY(QTest::qWaitFor(
            [&] {
                linkedOut += QString::fromUtf8(linked.readAllStandardOutput());
                return linkedOut.contains(u"joined room"_s) ||
                       linked.state() == QProcess::NotRunning;
            },
            15000));
        QVERIFY2(linkedOut.contains(u"joined room \"Process room\""_s), qPrintable(linkedOut));
        linked.write("/quit\n");
        QVERIFY(linked.waitForFinished(10000));
        QCOMPARE(first.terminate(), 0);
        QCOMPARE(second.terminate(), 0);
        QVERIFY2(first.output().contains(u"LAN discovery on UDP port %1"_s.arg(m_config.port)),
                 qPrintable(first.output()));
    }
};

QTEST_GUILESS_MAIN(tst_LanDiscovery)
#include "tst_landiscovery.moc"
