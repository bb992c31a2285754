// The Qt transport with TLS (wss://), over real sockets on loopback: end to end with a client
// that trusts exactly the server's (self-signed) certificate, and every bad way into it — garbage
// or a plain client on the TLS port, a TLS client on a plain port, a TCP connection that never
// starts TLS, a ClientHello cut short, a TLS client that never asks for the upgrade, a client
// that stops reading, an oversized frame. Each gets a log line and a close (within the handshake
// timeout where it stalls); meanwhile a room of good clients keeps chatting undisturbed.
//
// About the Qt transport only: the native one has no TLS (tst_badinput covers its bad input).

#include "protocol/identity.h"
#include "protocol/protocol.h"
#include "protocolhelpers.h"
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QMutex>
#include <QtCore/QRegularExpression>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace ProtocolHelpers;

namespace {
constexpr int handshakeTimeoutMs = 1500;

// Every log message of this process, so that a test can check the line a bad input got.
QMutex logMutex;
QStringList logLines;
QtMessageHandler previousHandler = nullptr;

void collect(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        logLines.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

bool logged(const QRegularExpression &pattern)
{
    QMutexLocker lock(&logMutex);
    for (const QString &line : std::as_const(logLines)) {
        if (pattern.match(line).hasMatch())
            return true;
    }
    return false;
}

void clearLog()
{
    QMutexLocker lock(&logMutex);
    logLines.clear();
}

QString firstLogMatching(const QRegularExpression &pattern)
{
    QMutexLocker lock(&logMutex);
    for (const QString &line : std::as_const(logLines)) {
        if (pattern.match(line).hasMatch())
            return line;
    }
    return {};
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// One masked text frame, as a client sends it.
QByteArray maskedText(const QByteArray &payload)
{
    QByteArray frame("\x81", 1);
    if (payload.size() < 126) {
        frame.append(char(0x80 | payload.size()));
    } else {
        frame.append(char(0x80 | 126));
        frame.append(char((payload.size() >> 8) & 0xff));
        frame.append(char(payload.size() & 0xff));
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    return frame;
}

// A WebSocket upgrade request, as a browser would send it.
QByteArray upgradeRequest(quint16 port)
{
    return QByteArrayLiteral("GET / HTTP/1.1\r\nHost: 127.0.0.1:") + QByteArray::number(port) +
           QByteArrayLiteral("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n");
}
} // namespace

class tst_Tls : public QObject
{
    Q_OBJECT

private:
    HostCertificate m_credentials;
    std::unique_ptr<TestServer> m_server;
    // A room where nothing bad happens; its people must notice nothing of any attack.
    std::unique_ptr<TestClient> m_host, m_guest;
    QString m_room;

    bool startServer(bool tls, const std::function<void(ServerConfig &)> &adjust = {})
    {
        m_host.reset();
        m_guest.reset();
        m_server = std::make_unique<TestServer>([&](ServerConfig &c) {
            c.transport = ServerConfig::Transport::Qt;
            if (tls) {
                c.certificate = m_credentials.certificate();
                c.privateKey = m_credentials.privateKey();
            }
            c.handshakeTimeoutMs = handshakeTimeoutMs;
            if (adjust)
                adjust(c);
        });
        if (!m_server->start())
            return false;
        m_host = client();
        m_guest = client();
        if (!m_host || !m_guest)
            return false;
        m_room = m_host->createRoom(str("Bystanders"), str("Host"))
                     .value(str("room"))
                     .toObject()
                     .value(str("code"))
                     .toString();
        return !m_room.isEmpty() && !m_guest->joinRoom(m_room, str("Guest")).isEmpty();
    }

    std::unique_ptr<TestClient> client()
    {
        auto c = std::make_unique<TestClient>();
        c->trustCertificate(m_credentials.certificate());
        if (!c->connectTo(m_server->url()) || !c->hello())
            return nullptr;
        return c;
    }

    // The bystanders still talk: a chat from the guest reaches the host.
    bool bystandersUnharmed()
    {
        static int n = 0;
        const QString text = str("still here %1").arg(++n);
        if (!ok(m_guest->request(req("send_chat", {{str("room"), m_room}, {str("text"), text}}))))
            return false;
        return m_host->waitForEvent([&](const QJsonObject &e) {
            return e.value(str("event")).toString() == str("chat") &&
                   e.value(str("data")).toObject().value(str("text")).toString() == text;
        });
    }

    quint16 port() const { return m_server->server()->port(); }

private Q_SLOTS:
    void initTestCase()
    {
        previousHandler = qInstallMessageHandler(collect);
        QString error;
        m_credentials = HostCertificate::generate(str("tst_tls"), &error);
        QVERIFY2(m_credentials.isValid(), qPrintable(error));
    }

    void cleanupTestCase() { qInstallMessageHandler(previousHandler); }

    void cleanup()
    {
        m_host.reset();
        m_guest.reset();
        m_server.reset();
        clearLog();
    }

    void wssEndToEnd()
    {
        QVERIFY(startServer(true));
        RoomServer *server = m_server->server();
        QCOMPARE(m_server->url().scheme(), str("wss"));
        QVERIFY(server->isSecure());
        QCOMPARE(server->certificateFingerprint(), Fingerprint::of(m_credentials.certificate()));
        QVERIFY(bystandersUnharmed());

        // The negotiated protocol with a current client: TLS 1.3.
        QSslSocket modern;
        connect(&modern, &QSslSocket::sslErrors, &modern,
                [&](const QList<QSslError> &errors) { modern.ignoreSslErrors(errors); });
        modern.connectToHostEncrypted(str("127.0.0.1"), port());
        QTRY_VERIFY_WITH_TIMEOUT(modern.isEncrypted(), 5000);
        QCOMPARE(modern.sessionProtocol(), QSsl::TlsV1_3);
        QCOMPARE(modern.peerCertificate(), m_credentials.certificate());
        modern.abort();

        // A client that expects another certificate does not get in.
        TestClient wary;
        wary.trustCertificate(HostCertificate::generate(str("someone else")).certificate());
        QVERIFY(!wary.connectTo(m_server->url(), 3000));
        QVERIFY(!wary.sslErrors().isEmpty());
        QVERIFY(bystandersUnharmed());
    }

    void badHandshake_data()
    {
        QTest::addColumn<bool>("tlsServer");
        QTest::addColumn<QByteArray>("bytes");   // sent on a plain TCP connection
        QTest::addColumn<bool>("tlsClient");     // a real TLS client instead (then no bytes)
        QTest::addColumn<QString>("logPattern"); // what the server's log must say
        QTest::addColumn<bool>("stalls");        // closed by the handshake timeout

        QTest::newRow("garbage on the TLS port")
            << true << QByteArray("\x00\x01\x02garbage that is no TLS record\r\n\r\n", 37) << false
            << str("TLS handshake with 127\\.0\\.0\\.1 port \\d+ failed") << false;
        QTest::newRow("a plain ws:// client on the TLS port")
            << true << QByteArray("@UPGRADE@") << false
            << str("TLS handshake with 127\\.0\\.0\\.1 port \\d+ failed") << false;
        QTest::newRow("a TCP connection that never starts TLS")
            << true << QByteArray() << false
            << str("did not finish its TLS handshake within %1 ms").arg(handshakeTimeoutMs) << true;
        // A TLS record header announcing a 512-byte ClientHello, and its first bytes only.
        QTest::newRow("a ClientHello cut short")
            << true << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x11\x22", 13)
            << false << str("did not finish its TLS handshake within %1 ms").arg(handshakeTimeoutMs)
            << true;
        QTest::newRow("a TLS client on a plain port")
            << false << QByteArray() << true
            << str("did not finish its WebSocket upgrade within %1 ms").arg(handshakeTimeoutMs)
            << true;
        QTest::newRow("a TLS client that never asks for the upgrade")
            << true << QByteArray() << true
            << str("did not finish its WebSocket upgrade within %1 ms").arg(handshakeTimeoutMs)
            << true;
        QTest::newRow("an upgrade request that is no WebSocket's")
            << false << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << false
            << str("closed before its WebSocket upgrade finished") << false;
    }

    void badHandshake()
    {
        QFETCH(bool, tlsServer);
        QFETCH(QByteArray, bytes);
        QFETCH(bool, tlsClient);
        QFETCH(QString, logPattern);
        QFETCH(bool, stalls);
        QVERIFY(startServer(tlsServer));
        clearLog();

        QElapsedTimer timer;
        std::unique_ptr<QTcpSocket> socket;
        if (tlsClient) {
            auto *ssl = new QSslSocket;
            socket.reset(ssl);
            connect(ssl, &QSslSocket::sslErrors, ssl,
                    [ssl](const QList<QSslError> &errors) { ssl->ignoreSslErrors(errors); });
            ssl->connectToHostEncrypted(str("127.0.0.1"), port());
            timer.start();
            if (tlsServer)
                QTRY_VERIFY_WITH_TIMEOUT(ssl->isEncrypted(), 5000); // then says nothing more
        } else {
            socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress(QHostAddress::LocalHost), port());
            QVERIFY(socket->waitForConnected(5000));
            timer.start();
            if (bytes == "@UPGRADE@")
                bytes = upgradeRequest(port());
            if (!bytes.isEmpty())
                QCOMPARE(socket->write(bytes), bytes.size());
        }
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState,
                                  handshakeTimeoutMs + 3000);
        const qint64 elapsed = timer.elapsed();
        if (stalls)
            QVERIFY2(elapsed >= handshakeTimeoutMs - 100, qPrintable(QString::number(elapsed)));
        else
            QVERIFY2(elapsed < handshakeTimeoutMs, qPrintable(QString::number(elapsed)));
        const QRegularExpression pattern(logPattern);
        QTRY_VERIFY2(logged(pattern), qPrintable(logPattern));
        qInfo().noquote() << "logged:" << firstLogMatching(pattern);
        // Nobody else noticed, and the port still takes good clients.
        QVERIFY(bystandersUnharmed());
        QVERIFY(client());
        QCOMPARE(m_server->server()->connectionCount(), 3);
    }

    void oversizedFrameClosesWith1009()
    {
        QVERIFY(startServer(true));
        auto big = client();
        QVERIFY(big);
        big->sendText(QString(70000, u'x')); // maxMessageBytes is 65536
        QVERIFY(big->waitForDisconnected(5000));
        QCOMPARE(big->closeCode(), 1009);
        QVERIFY(bystandersUnharmed());
    }

    void nonReaderIsDropped()
    {
        // The encrypted bytes waiting for a client that does not read count too.
        QVERIFY(startServer(true, [](ServerConfig &c) {
            c.maxQueuedBytes = 64 * 1024;
            c.limits.requestsPerSecond = 100000;
            c.limits.chatPerSecond = 100000;
        }));
        // A client of its own over TLS: upgrade, hello and join by hand, then no more reading.
        QSslSocket sleeper;
        connect(&sleeper, &QSslSocket::sslErrors, &sleeper,
                [&](const QList<QSslError> &errors) { sleeper.ignoreSslErrors(errors); });
        sleeper.connectToHostEncrypted(str("127.0.0.1"), port());
        QTRY_VERIFY_WITH_TIMEOUT(sleeper.isEncrypted(), 5000);
        QVERIFY(sleeper.write(upgradeRequest(port())) > 0);
        QByteArray in;
        QVERIFY(QTest::qWaitFor(
            [&] {
                in += sleeper.readAll();
                return in.contains("\r\n\r\n");
            },
            5000));
        QVERIFY2(in.startsWith("HTTP/1.1 101"), in.constData());
        const Identity me = Identity::generate();
        QVERIFY(sleeper.write(maskedText(
                    compact({{str("id"), 1},
                             {str("type"), str("hello")},
                             {str("version"), Protocol::Version},
                             {str("identity"),
                              QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}}))) > 0);
        QVERIFY(sleeper.write(maskedText(compact({{str("id"), 2},
                                                  {str("type"), str("join_room")},
                                                  {str("code"), m_room},
                                                  {str("displayName"), str("Sleeper")}}))) > 0);
        QVERIFY(QTest::qWaitFor(
            [&] {
                in += sleeper.readAll();
                return in.contains("\"id\":2,\"ok\":true");
            },
            5000));
        const QString sleeperId = IdentityRules::participantIdFor(me.id);
        // From now on it reads nothing: Qt's buffer holds 4 KiB, then the kernel's fill, then
        // the server's.
        sleeper.setReadBufferSize(4096);

        const QString text(1900, u'w');
        bool dropped = false;
        for (int round = 0; round < 300 && !dropped; ++round) {
            std::vector<qint64> ids;
            for (int i = 0; i < 20; ++i)
                ids.push_back(
                    m_host->send(req("send_chat", {{str("room"), m_room}, {str("text"), text}})));
            for (qint64 id : ids)
                QVERIFY(ok(m_host->waitReply(id, 10000)));
            dropped = logged(QRegularExpression(str("which does not read")));
        }
        QVERIFY2(dropped, "the client that does not read was never dropped");
        QVERIFY(m_host->waitForEvent(
            [&](const QJsonObject &e) {
                return e.value(str("event")).toString() == str("presence") &&
                       e.value(str("data")).toObject().value(str("participant")).toString() ==
                           sleeperId &&
                       !e.value(str("data")).toObject().value(str("online")).toBool();
            },
            10000));
        QVERIFY(bystandersUnharmed());
    }
};

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
