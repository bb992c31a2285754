// The client side of trust over real sockets on loopback: RoomClient over wss:// (a
// QWebSocketServer in SecureMode with a HostCertificate, relaying to an in-process server),
// the expected fingerprint and trust on first use, the pin store, per-host identity secrets,
// and protocol version 2 (docs/protocol.md, "Trust").

#include "client/knownhosts.h"
#include "desktoptest.h"
#include "protocol/protocol.h"
#include "relayserver.h"
#include "security/fingerprint.h"
#include "security/hostsecret.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

using namespace Client;
using namespace Qt::StringLiterals;

class tst_Trust : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    HostCertificate m_certA;
    HostCertificate m_certB;

    static HostCertificate makeCertificate()
    {
        QString error;
        HostCertificate certificate = HostCertificate::generate(u"hearth test"_s, &error);
        if (!certificate.isValid())
            qWarning() << "no certificate:" << error;
        return certificate;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_certA = makeCertificate();
        m_certB = makeCertificate();
        QVERIFY(m_certA.isValid());
        QVERIFY(m_certB.isValid());
        QVERIFY(Fingerprint::of(m_certA.certificate()) != Fingerprint::of(m_certB.certificate()));
    }

    void init()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
    }

    void cleanup() { m_server.reset(); }

    void wssWithoutExpectationAcceptsAndReportsTheCertificate()
    {
        RelayServer tls(m_server->url(), m_certA);
        QVERIFY(tls.listen());
        RoomClient client;
        client.setIdentity(Identity::generate());
        QSignalSpy fingerprint(&client, &RoomClient::peerFingerprintChanged);
        QSignalSpy mismatch(&client, &RoomClient::certificateMismatch);
        QSignalSpy ready(&client, &RoomClient::ready);
        client.open(tls.url());
        QVERIFY(ready.wait());
        QCOMPARE(client.peerFingerprint(), Fingerprint::of(m_certA.certificate()));
        QCOMPARE(fingerprint.count(), 1);
        QCOMPARE(mismatch.count(), 0);
        // And the connection works: a room over TLS.
        QVERIFY(createRoom(&client, {u"Over TLS"_s, {}, 4, {}, {}}));
        QCOMPARE(client.state(), RoomClient::State::Joined);
    }

    void wssWithTheExpectedFingerprintConnects()
    {
        RelayServer tls(m_server->url(), m_certA);
        QVERIFY(tls.listen());
        RoomClient client;
        client.setIdentity(Identity::generate());
        client.setExpectedFingerprint(Fingerprint::of(m_certA.certificate()));
        QSignalSpy ready(&client, &RoomClient::ready);
        client.open(tls.url());
        QVERIFY(ready.wait());
        QCOMPARE(client.peerFingerprint(), Fingerprint::of(m_certA.certificate()));
    }

    void anotherCertificateIsRefusedNamingBothWordSets()
    {
        RelayServer tls(m_server->url(), m_certB);
        QVERIFY(tls.listen());
        RoomClient client;
        client.setIdentity(Identity::generate());
        const QByteArray expected = Fingerprint::of(m_certA.certificate());
        const QByteArray actual = Fingerprint::of(m_certB.certificate());
        client.setExpectedFingerprint(expected);
        QSignalSpy mismatch(&client, &RoomClient::certificateMismatch);
        QSignalSpy failed(&client, &RoomClient::connectionFailed);
        QSignalSpy ready(&client, &RoomClient::ready);
        client.open(tls.url());
        QVERIFY(failed.wait());
        QCOMPARE(mismatch.count(), 1);
        QCOMPARE(mismatch.at(0).at(0).toByteArray(), expected);
        QCOMPARE(mismatch.at(0).at(1).toByteArray(), actual);
        QCOMPARE(ready.count(), 0);
        QCOMPARE(client.state(), RoomClient::State::Disconnected);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(Fingerprint::wordsText(expected)), qPrintable(message));
        QVERIFY2(message.contains(Fingerprint::wordsText(actual)), qPrintable(message));
        QCOMPARE(client.errorString(), message);
        QVERIFY(client.peerFingerprint().isEmpty()); // no connection was made with it
        // Nothing — no hello, no secret — reached the impostor.
        QTest::qWait(100);
        QVERIFY(tls.received().isEmpty());
    }

    void aReconnectMeetsTheSameCertificateOrStops()
    {
        // Trust on first use within one connection's life: after a drop, the host must show
        // the certificate it showed at first.
        auto tls = std::make_unique<RelayServer>(m_server->url(), m_certA);
        QVERIFY(tls->listen());
        const quint16 port = tls->port();
        RoomClient client;
        client.setIdentity(Identity::generate());
        client.setAutoReconnect(true);
        client.setReconnectPolicy(ReconnectPolicy(50, 200));
        QSignalSpy ready(&client, &RoomClient::ready);
        client.open(tls->url());
        QVERIFY(ready.wait());
        QVERIFY(createRoom(&client, {u"Pinned"_s, {}, 4, {}, {}}));

        tls.reset();
        auto impostor = std::make_unique<RelayServer>(m_server->url(), m_certB);
        QVERIFY(impostor->listen(port));
        QSignalSpy mismatch(&client, &RoomClient::certificateMismatch);
        client.dropConnection();
        QVERIFY(mismatch.wait());
        QCOMPARE(mismatch.at(0).at(0).toByteArray(), Fingerprint::of(m_certA.certificate()));
        QCOMPARE(mismatch.at(0).at(1).toByteArray(), Fingerprint::of(m_certB.certificate()));
        QVERIFY(impostor->received().isEmpty());
        // The words of the connection stay the real host's.
        QCOMPARE(client.peerFingerprint(), Fingerprint::of(m_certA.certificate()));

        // The real host back on that port: the reconnect goes on and resumes the room.
        impostor.reset();
        tls = std::make_unique<RelayServer>(m_server->url(), m_certA);
        QVERIFY(tls->listen(port));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RoomClient::State::Joined, 10000);
    }

    void tlsAgainstAPlainServerFailsCleanly()
    {
        // wss:// to a plain ws:// server: the TLS handshake meets HTTP.
        RoomClient client;
        client.setIdentity(Identity::generate());
        QSignalSpy failed(&client, &RoomClient::connectionFailed);
        QUrl url = m_server->url();
        url.setScheme(u"wss"_s);
        QElapsedTimer clock;
        clock.start();
        client.open(url);
        QVERIFY(failed.wait(12000));
        QVERIFY2(clock.elapsed() < 11000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(client.state(), RoomClient::State::Disconnected);
        QVERIFY2(!failed.at(0).at(0).toString().isEmpty(), "no message");
        qInfo() << "plain server:" << failed.at(0).at(0).toString();
        // The server is still fine for everybody else.
        QVERIFY(readyClient(m_server->url()));
    }

    void tlsAgainstGarbageOrSilenceFailsWithinTheTimeout_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\xff\xffnot TLS at all\r\n\r\n", 22);
        QTest::newRow("silence") << QByteArray();
    }

    void tlsAgainstGarbageOrSilenceFailsWithinTheTimeout()
    {
        QFETCH(QByteArray, answer);
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted;
        connect(&listener, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = listener.nextPendingConnection()) {
                accepted.append(socket);
                if (!answer.isEmpty()) {
                    connect(socket, &QTcpSocket::readyRead, socket, [socket, answer] {
                        socket->readAll();
                        socket->write(answer);
                    });
                }
            }
        });
        RoomClient client;
        client.setIdentity(Identity::generate());
        QSignalSpy failed(&client, &RoomClient::connectionFailed);
        QElapsedTimer clock;
        clock.start();
        client.open(QUrl(u"wss://127.0.0.1:%1/"_s.arg(listener.serverPort())));
        QVERIFY(failed.wait(12000));
        QVERIFY2(clock.elapsed() < 11000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(client.state(), RoomClient::State::Disconnected);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY(!message.isEmpty());
        qInfo() << QTest::currentDataTag() << message;
        qDeleteAll(accepted);
    }

    void helloOfVersionOneGetsUnsupportedVersion()
    {
        TestClient old;
        QVERIFY(old.connectTo(m_server->url()));
        const Identity identity = Identity::generate();
        const QJsonObject reply = old.request(
            {{u"type"_s, u"hello"_s},
             {u"version"_s, 1},
             {u"identity"_s, QJsonObject{{u"id"_s, identity.id}, {u"secret"_s, identity.secret}}}});
        const QJsonObject error = reply.value("error"_L1).toObject();
        QCOMPARE(error.value("code"_L1).toString(), u"unsupported_version"_s);
        QCOMPARE(error.value("supported"_L1).toArray(), QJsonArray{2});
        QCOMPARE(Protocol::Version, 2);
    }

    void aHostThatRecordsEverythingCannotJoinAnotherHostAsThatIdentity()
    {
        // Two hosts over wss://, each with its own certificate; host A records every frame
        // its clients send (a relay in front of its server).
        TestServer serverB;
        QVERIFY(serverB.start());
        RelayServer hostA(m_server->url(), m_certA);
        QVERIFY(hostA.listen());
        RelayServer hostB(serverB.url(), m_certB);
        QVERIFY(hostB.listen());
        const Identity identity = Identity::generate();

        // The real client knows host B first, then joins host A.
        auto atB = readyClient(hostB.url(), identity);
        QVERIFY(atB);
        atB->close();
        auto atA = readyClient(hostA.url(), identity);
        QVERIFY(atA);

        // Exactly what A received.
        QString recordedSecret;
        for (const QString &frame : hostA.received()) {
            const QJsonObject object = QJsonDocument::fromJson(frame.toUtf8()).object();
            if (object.value("type"_L1).toString() == "hello"_L1)
                recordedSecret = object.value("identity"_L1)["secret"_L1].toString();
        }
        QVERIFY(!recordedSecret.isEmpty());
        QVERIFY(recordedSecret != identity.secret);
        QCOMPARE(recordedSecret,
                 HostSecret::derive(identity.secret, Fingerprint::toHex(Fingerprint::ofPublicKey(
                                                         m_certA.certificate()))));

        // A presents it to B as that identity: refused. (Straight to B's server: the raw test
        // client does not check certificates; TLS changes nothing about what is refused.)
        TestClient impostor;
        QVERIFY(impostor.connectTo(serverB.url()));
        QVERIFY(!impostor.hello(Identity{identity.id, recordedSecret}));
        QCOMPARE(impostor.lastError(), u"identity_rejected"_s);

        // The real client still joins B.
        auto again = readyClient(hostB.url(), identity);
        QVERIFY(again);
        QCOMPARE(again->participantId(), IdentityRules::participantIdFor(identity.id));
    }

    void knownHostsPinPerHostInstance()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"hearth.conf"_s);
        const QByteArray a = Fingerprint::of(m_certA.certificate());
        const QByteArray b = Fingerprint::of(m_certB.certificate());
        {
            KnownHosts hosts(path);
            QVERIFY(hosts.pinned(QUrl(u"wss://192.168.1.5:47800/"_s)).isEmpty());
            hosts.pin(QUrl(u"wss://192.168.1.5:47800/"_s), a);
            hosts.pin(QUrl(u"wss://192.168.1.5:47801/"_s), b);
            hosts.pin(QUrl(u"wss://[::1]:47800/"_s), b);
        }
        KnownHosts again(path); // read back from the file
        QCOMPARE(again.pinned(QUrl(u"wss://192.168.1.5:47800/"_s)), a);
        QCOMPARE(again.pinned(QUrl(u"wss://192.168.1.5/"_s)), a); // the default port
        QCOMPARE(again.pinned(QUrl(u"wss://192.168.1.5:47801/"_s)), b);
        QCOMPARE(again.pinned(QUrl(u"wss://[::1]:47800/"_s)), b);
        QCOMPARE(KnownHosts::keyFor(QUrl(u"wss://[::1]:47800/"_s)), u"[::1]:47800"_s);
        QCOMPARE(KnownHosts::keyFor(QUrl(u"wss://Example.ORG/"_s)), u"example.org:47800"_s);
        again.pin(QUrl(u"wss://192.168.1.5:47800/"_s), b); // accepting a new certificate
        QCOMPARE(again.pinned(QUrl(u"wss://192.168.1.5:47800/"_s)), b);
        again.pin(QUrl(u"wss://192.168.1.5:47800/"_s), {});
        QVERIFY(again.pinned(QUrl(u"wss://192.168.1.5:47800/"_s)).isEmpty());
    }

    void docsWorkedExampleIsExact()
    {
        // docs/protocol.md, "Trust": the secret derived for a host, computed by the real code.
        const QString secret = u"Zt3N1mHq8v0aWc5yR2kLx9Pd4sFe7GbU"_s;
        const QByteArray fingerprint = Fingerprint::fromHex(
            u"3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"_s);
        QCOMPARE(fingerprint.size(), 32);
        const QString tlsKey =
            HostSecret::hostKey(QUrl(u"wss://192.168.1.5:47800/"_s), fingerprint);
        const QString plainKey = HostSecret::hostKey(QUrl(u"ws://192.168.1.5:47800/"_s), {});
        qInfo().noquote() << "tls key" << tlsKey << "->" << HostSecret::derive(secret, tlsKey);
        qInfo().noquote() << "plain key" << plainKey << "->"
                          << HostSecret::derive(secret, plainKey);
        qInfo().noquote() << "words" << Fingerprint::wordsText(fingerprint);
        QCOMPARE(tlsKey, u"3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"_s);
        QCOMPARE(plainKey, u"ws://192.168.1.5"_s);
        QCOMPARE(HostSecret::derive(secret, tlsKey),
                 u"pDLHJgNnmxcEowvbGb5s9wqJD-iG209zW00skS8-nMA"_s);
        QCOMPARE(HostSecret::derive(secret, plainKey),
                 u"ejeMxWk4f3ZQYTQAkVFJYXtMzrQiFeqWRBedrnPPK6s"_s);
        QCOMPARE(Fingerprint::wordsText(fingerprint), u"display · spare · almost · fold"_s);
    }
};

QTEST_MAIN(tst_Trust)
#include "tst_trust.moc"
