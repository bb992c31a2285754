// The server's own WebSocket transport (server/net): the RFC 6455 frame codec, the HTTP upgrade,
// and a WebSocketConnection over a real loopback TCP connection. The server's behaviour towards
// real Qt clients is covered by tst_roomserver and tst_badinput; these check the rules one by
// one, including what no library would send, and the connection's own handling of its socket
// descriptor (partial writes, half-closes, no descriptor left behind).

#include "net/httpupgrade.h"
#include "net/outputflusher.h"
#include "net/tcplistener.h"
#include "net/websocketconnection.h"
#include "net/websocketframe.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#ifdef Q_OS_LINUX
#include "net/epolleventdispatcher.h"
#endif

#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using WebSocketFrame::Decoder;

namespace {
// A client frame: masked, as RFC 6455 requires of clients.
QByteArray clientFrame(quint8 firstByte, const QByteArray &payload, bool mask = true)
{
    QByteArray f;
    f.append(char(firstByte));
    const quint8 maskBit = mask ? 0x80 : 0;
    const qsizetype n = payload.size();
    if (n < 126) {
        f.append(char(maskBit | n));
    } else if (n <= 0xffff) {
        f.append(char(maskBit | 126));
        f.append(char(n >> 8));
        f.append(char(n & 0xff));
    } else {
        f.append(char(maskBit | 127));
        for (int i = 0; i < 8; ++i)
            f.append(char((quint64(n) >> (56 - 8 * i)) & 0xff));
    }
    const char key[4] = {0x37, char(0xfa), 0x21, 0x3d};
    if (mask)
        f.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        f.append(mask ? char(payload[i] ^ key[i % 4]) : payload[i]);
    return f;
}

QByteArray text(const QByteArray &payload)
{
    return clientFrame(0x81, payload);
}

struct Decoded {
    QList<Decoder::Message> messages;
    quint16 failure = 0;
};

// Feeds the bytes in pieces of `step` (0: all at once) and collects what comes out.
Decoded decode(const QByteArray &bytes, qsizetype step = 0, qint64 maxBytes = 1000)
{
    Decoder decoder(maxBytes, maxBytes);
    Decoded out;
    if (step <= 0)
        step = std::max<qsizetype>(1, bytes.size());
    for (qsizetype i = 0; i < bytes.size(); i += step) {
        decoder.append(bytes.mid(i, step));
        while (auto m = decoder.next())
            out.messages.append(*m);
    }
    out.failure = decoder.failureCode();
    return out;
}

const QByteArray upgradeRequest = "GET / HTTP/1.1\r\n"
                                  "Host: 127.0.0.1:1\r\n"
                                  "Upgrade: websocket\r\n"
                                  "Connection: keep-alive, Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                  "Sec-WebSocket-Version: 13\r\n\r\n";

// The next connection the listener accepts, as a WebSocketConnection (child of the listener);
// nullptr if none comes within 5 s.
WebSocketConnection *acceptConnection(TcpListener &listener, OutputFlusher *flusher,
                                      const WebSocketConnection::Options &options = {})
{
    qintptr descriptor = -1;
    const QMetaObject::Connection c = QObject::connect(
        &listener, &TcpListener::accepted, [&descriptor](qintptr fd) { descriptor = fd; });
    const bool accepted = QTest::qWaitFor([&descriptor] { return descriptor >= 0; }, 5000);
    QObject::disconnect(c);
    if (!accepted)
        return nullptr;
    return new WebSocketConnection(descriptor, options, flusher, &listener);
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size());
}

// A client on a bare loopback socket, so that a test decides when it reads (a QTcpSocket reads
// whatever arrives into a buffer without bound) and sees EOF as such.
class RawClient
{
public:
    // receiveBuffer: SO_RCVBUF before connecting (0: the kernel's default).
    explicit RawClient(quint16 port, int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        // Loopback: the kernel completes the connection without the server's event loop.
        m_connected =
            ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    }
    ~RawClient() { close(); }
    RawClient(const RawClient &) = delete;
    RawClient &operator=(const RawClient &) = delete;

    bool isConnected() const { return m_connected; }
    bool send(const QByteArray &bytes)
    {
        return ::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
    }
    // What has arrived, without waiting; eof() once the server has closed its side.
    QByteArray readAvailable()
    {
        QByteArray out;
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) {
                out.append(buffer, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                m_eof = true;
            if (n < 0 && errno == EINTR)
                continue;
            return out;
        }
    }
    bool eof() const { return m_eof; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
    bool m_connected = false;
    bool m_eof = false;
};
} // namespace

class tst_WebSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- encoding ------------------------------------------------------------------------------

    void encodeLengths_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("header");
        QTest::newRow("empty") << 0 << 2;
        QTest::newRow("125") << 125 << 2;
        QTest::newRow("126") << 126 << 4;
        QTest::newRow("65535") << 65535 << 4;
        QTest::newRow("65536") << 65536 << 10;
    }

    void encodeLengths()
    {
        QFETCH(int, size);
        QFETCH(int, header);
        const QByteArray payload(size, 'x');
        const QByteArray frame = WebSocketFrame::encode(WebSocketFrame::Text, payload);
        QCOMPARE(frame.size(), header + size);
        QCOMPARE(uchar(frame[0]), uchar(0x81)); // FIN, text
        QCOMPARE(uchar(frame[1]) & 0x80, 0);    // the server never masks
        QCOMPARE(frame.mid(header), payload);
        // And it decodes to the same length the way a client reads it.
        quint64 length = uchar(frame[1]) & 0x7f;
        if (length == 126)
            length = (quint64(uchar(frame[2])) << 8) | uchar(frame[3]);
        else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | uchar(frame[2 + i]);
        }
        QCOMPARE(length, quint64(size));
    }

    void closePayloadKeepsUtf8Whole()
    {
        const QByteArray p = WebSocketFrame::closePayload(1008, QStringLiteral("no hello"));
        QCOMPARE(p, QByteArray("\x03\xf0no hello", 10));
        // 60 two-byte characters: 120 bytes fit; 70 (140 bytes) are cut at a character.
        const QByteArray cut = WebSocketFrame::closePayload(1000, QString(70, QChar(0xe9)));
        QVERIFY(cut.size() <= 125);
        QVERIFY(WebSocketFrame::isValidUtf8(cut.mid(2)));
        QCOMPARE(cut.size() % 2, 0);
    }

    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("hello, world; a longer line of text") << true;
        QTest::newRow("empty") << QByteArray() << true;
        QTest::newRow("two-byte") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("three-byte") << QByteArray("\xe2\x82\xac") << true;
        QTest::newRow("emoji") << QByteArray("\xf0\x9f\x98\x80 ok") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
        QTest::newRow("lone continuation") << QByteArray("a\x80") << false;
        QTest::newRow("truncated") << QByteArray("abc\xe2\x82") << false;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("overlong three-byte") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("ff") << QByteArray("12345678\xff") << false;
        QTest::newRow("bad after 8 ascii") << QByteArray("abcdefgh\xc3(") << false;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(WebSocketFrame::isValidUtf8(bytes), valid);
    }

    // --- decoding ------------------------------------------------------------------------------

    void textFrameByteByByte()
    {
        const QByteArray payload = R"({"id":1,"type":"ping"})";
        for (qsizetype step : {qsizetype(0), qsizetype(1), qsizetype(3)}) {
            const Decoded d = decode(text(payload) + text("second"), step);
            QCOMPARE(d.failure, quint16(0));
            QCOMPARE(d.messages.size(), 2);
            QCOMPARE(d.messages[0].kind, Decoder::Kind::Text);
            QCOMPARE(d.messages[0].payload, payload);
            QCOMPARE(d.messages[1].payload, QByteArray("second"));
        }
    }

    void extendedLengths()
    {
        const QByteArray medium(300, 'm'), large(70000, 'l');
        const Decoded d = decode(text(medium) + text(large), 7, 100000);
        QCOMPARE(d.failure, quint16(0));
        QCOMPARE(d.messages.size(), 2);
        QCOMPARE(d.messages[0].payload, medium);
        QCOMPARE(d.messages[1].payload, large);
    }

    void fragmentedMessageWithPingBetween()
    {
        // "caf" + "é" split inside the character, a ping between the fragments.
        const QByteArray bytes = clientFrame(0x01, "caf\xc3") + clientFrame(0x89, "p") +
                                 clientFrame(0x00, "\xa9 ") + clientFrame(0x80, "ok");
        for (qsizetype step : {qsizetype(0), qsizetype(1)}) {
            const Decoded d = decode(bytes, step);
            QCOMPARE(d.failure, quint16(0));
            QCOMPARE(d.messages.size(), 2);
            QCOMPARE(d.messages[0].kind, Decoder::Kind::Ping);
            QCOMPARE(d.messages[0].payload, QByteArray("p"));
            QCOMPARE(d.messages[1].kind, Decoder::Kind::Text);
            QCOMPARE(d.messages[1].payload, QByteArray("caf\xc3\xa9 ok"));
        }
    }

    void controlFramesAndClose()
    {
        const Decoded d = decode(clientFrame(0x8a, "pong") + clientFrame(0x82, "bin") +
                                 clientFrame(0x88, QByteArray("\x03\xe8"
                                                              "bye",
                                                              5)));
        QCOMPARE(d.failure, quint16(0));
        QCOMPARE(d.messages.size(), 3);
        QCOMPARE(d.messages[0].kind, Decoder::Kind::Pong);
        QCOMPARE(d.messages[1].kind, Decoder::Kind::Binary);
        QCOMPARE(d.messages[2].kind, Decoder::Kind::Close);
        QCOMPARE(d.messages[2].closeCode, quint16(1000));
        QCOMPARE(d.messages[2].payload, QByteArray("bye"));
        const Decoded empty = decode(clientFrame(0x88, {}));
        QCOMPARE(empty.messages.size(), 1);
        QCOMPARE(empty.messages[0].closeCode, quint16(WebSocketFrame::CloseNoStatus));
    }

    void violations_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(0x81, "hi", false) << 1002;
        QTest::newRow("invalid UTF-8") << text("\xff\xfe") << 1007;
        QTest::newRow("invalid UTF-8 across fragments")
            << QByteArray(clientFrame(0x01, "a\xc3") + clientFrame(0x80, "(")) << 1007;
        QTest::newRow("reserved opcode 3") << clientFrame(0x83, "x") << 1002;
        QTest::newRow("reserved control opcode 0xB") << clientFrame(0x8b, "x") << 1002;
        QTest::newRow("RSV1") << clientFrame(0xc1, "x") << 1002;
        QTest::newRow("RSV3") << clientFrame(0x91, "x") << 1002;
        QTest::newRow("continuation without a start") << clientFrame(0x80, "x") << 1002;
        QTest::newRow("new message inside a fragmented one")
            << QByteArray(clientFrame(0x01, "a") + clientFrame(0x81, "b")) << 1002;
        QTest::newRow("ping without FIN") << clientFrame(0x09, "x") << 1002;
        QTest::newRow("ping over 125 bytes") << clientFrame(0x89, QByteArray(126, 'p')) << 1002;
        QTest::newRow("close with one byte") << clientFrame(0x88, "\x03") << 1002;
        QTest::newRow("close with code 999")
            << clientFrame(0x88, QByteArray("\x03\xe7", 2)) << 1002;
        QTest::newRow("close with code 1005")
            << clientFrame(0x88, QByteArray("\x03\xed", 2)) << 1002;
        QTest::newRow("close reason not UTF-8")
            << clientFrame(0x88, QByteArray("\x03\xe8\xff", 3)) << 1007;
        QTest::newRow("64-bit length with the top bit set")
            << QByteArray("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x01\x01\x02\x03\x04", 14) << 1002;
        QTest::newRow("frame over the limit") << text(QByteArray(1001, 'x')) << 1009;
        QTest::newRow("message over the limit in fragments")
            << QByteArray(clientFrame(0x01, QByteArray(600, 'x')) +
                          clientFrame(0x80, QByteArray(401, 'x')))
            << 1009;
    }

    void violations()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        for (qsizetype step : {qsizetype(0), qsizetype(1)}) {
            const Decoded d = decode(bytes, step);
            QCOMPARE(int(d.failure), code);
            for (const auto &m : d.messages) // nothing of the bad message leaks out
                QVERIFY(m.kind != Decoder::Kind::Text);
        }
    }

    void oversizedFrameFailsOnItsHeader()
    {
        // The limit is judged on the header: a 1 GiB frame is refused before its payload.
        Decoder decoder(1000, 1000);
        decoder.append(QByteArray("\x81\xff\x00\x00\x00\x00\x40\x00\x00\x00", 10));
        QVERIFY(!decoder.next());
        QCOMPARE(decoder.failureCode(), quint16(1009));
        // And nothing is decoded after a failure.
        decoder.append(text("late"));
        QVERIFY(!decoder.next());
    }

    void exactlyAtTheLimitIsAllowed()
    {
        const Decoded one = decode(text(QByteArray(1000, 'x')), 0);
        QCOMPARE(one.failure, quint16(0));
        QCOMPARE(one.messages.size(), 1);
        const Decoded parts = decode(
            clientFrame(0x01, QByteArray(500, 'x')) + clientFrame(0x80, QByteArray(500, 'y')), 0);
        QCOMPARE(parts.failure, quint16(0));
        QCOMPARE(parts.messages.value(0).payload.size(), 1000);
    }

    void nothingBufferedOnceEverythingIsDecoded()
    {
        // Found by fuzz_websocketframe: once a whole frame was decoded the buffer was released
        // but not the read position, and bufferedBytes() went negative (-11 here).
        Decoder decoder(1000, 1000);
        decoder.append(QByteArray("\x88\x85\x37\xfa\x21\x3d\x34\x12\x43\x44\x52", 11));
        const auto close = decoder.next();
        QVERIFY(close);
        QCOMPARE(close->kind, Decoder::Kind::Close);
        QVERIFY(!decoder.next());
        QCOMPARE(decoder.bufferedBytes(), 0);
        // And it counts again from there: a partial frame, then the rest of it.
        const QByteArray frame = text("after");
        decoder.append(frame.first(3));
        QVERIFY(!decoder.next());
        QCOMPARE(decoder.bufferedBytes(), 3);
        decoder.append(frame.sliced(3));
        const auto after = decoder.next();
        QVERIFY(after);
        QCOMPARE(after->payload, QByteArray("after"));
        QVERIFY(!decoder.next());
        QCOMPARE(decoder.bufferedBytes(), 0);
    }

    // --- the HTTP upgrade ----------------------------------------------------------------------

    void acceptKeyFromTheRfc()
    {
        QCOMPARE(HttpUpgrade::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
                 QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void upgradeByteByByte()
    {
        const QByteArray frame = text("first");
        const QByteArray bytes = upgradeRequest + frame;
        for (qsizetype n = 0; n < upgradeRequest.size(); ++n)
            QCOMPARE(HttpUpgrade::parse(bytes.first(n), "hearth/test").status,
                     HttpUpgrade::Status::Incomplete);
        const HttpUpgrade::Result r = HttpUpgrade::parse(bytes, "hearth/test");
        QCOMPARE(r.status, HttpUpgrade::Status::Accepted);
        QCOMPARE(r.consumed, upgradeRequest.size()); // the frame behind it is not part of it
        QVERIFY(r.response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(r.response.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(r.response.contains("\r\nServer: hearth/test\r\n"));
        QVERIFY(r.response.endsWith("\r\n\r\n"));
    }

    void upgradeRefusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        auto without = [](const char *header) {
            QByteArray r = upgradeRequest;
            const qsizetype at = r.indexOf(header);
            r.remove(at, r.indexOf("\r\n", at) + 2 - at);
            return r;
        };
        QTest::newRow("POST") << QByteArray(upgradeRequest).replace("GET ", "POST ")
                              << QByteArray("400");
        QTest::newRow("HTTP/1.0") << QByteArray(upgradeRequest).replace("HTTP/1.1", "HTTP/1.0")
                                  << QByteArray("400");
        QTest::newRow("no Upgrade") << without("Upgrade:") << QByteArray("400");
        QTest::newRow("no Connection") << without("Connection:") << QByteArray("400");
        QTest::newRow("no Host") << without("Host:") << QByteArray("400");
        QTest::newRow("no key") << without("Sec-WebSocket-Key:") << QByteArray("400");
        QTest::newRow("short key")
            << QByteArray(upgradeRequest).replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")
            << QByteArray("400");
        QTest::newRow("version 8")
            << QByteArray(upgradeRequest).replace("Version: 13", "Version: 8") << QByteArray("426");
        QTest::newRow("header line without a colon")
            << QByteArray(upgradeRequest).replace("Host:", "Host") << QByteArray("400");
        QTest::newRow("endless headers")
            << QByteArray("GET / HTTP/1.1\r\n" + QByteArray(9000, 'x')) << QByteArray("431");
    }

    void upgradeRefusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        const HttpUpgrade::Result r = HttpUpgrade::parse(request, "hearth/test");
        QCOMPARE(r.status, HttpUpgrade::Status::Refused);
        QVERIFY2(r.response.startsWith(QByteArray(QByteArray("HTTP/1.1 ") + status)),
                 r.response.constData());
    }

    // --- a connection over loopback ------------------------------------------------------------

    void connectionOverLoopback()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
        QVERIFY(client.waitForConnected(5000));
        WebSocketConnection::Options options;
        options.serverName = "hearth/test";
        options.maxMessageBytes = 1000;
        WebSocketConnection *connection = acceptConnection(listener, &flusher, options);
        QVERIFY(connection);
        QCOMPARE(connection->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QSignalSpy opened(connection, &WebSocketConnection::opened);
        QSignalSpy texts(connection, &WebSocketConnection::textReceived);
        QSignalSpy gone(connection, &WebSocketConnection::disconnected);

        // The upgrade request and two frames in one packet: none of it may be lost.
        client.write(upgradeRequest + text("one") + clientFrame(0x89, "hi") + text("two"));
        QTRY_COMPARE(texts.size(), 2);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(texts[0][0].toByteArray(), QByteArray("one"));
        QCOMPARE(texts[1][0].toByteArray(), QByteArray("two"));

        // Frames queued in one pass arrive together, behind the 101 and the pong, in order.
        const QByteArray shared = WebSocketFrame::encode(WebSocketFrame::Text, "shared");
        connection->sendText("a");
        connection->sendFrame(shared);
        connection->sendText("b");
        const QByteArray last = WebSocketFrame::encode(WebSocketFrame::Text, "b");
        QByteArray received;
        QTRY_VERIFY((received += client.readAll(), received.endsWith(last)));
        QVERIFY(received.startsWith("HTTP/1.1 101 "));
        QCOMPARE(received.mid(received.indexOf("\r\n\r\n") + 4),
                 WebSocketFrame::encode(WebSocketFrame::Pong, "hi") +
                     WebSocketFrame::encode(WebSocketFrame::Text, "a") + shared + last);

        // The peer closes: the server answers with the same code and hangs up.
        client.write(clientFrame(0x88, QByteArray("\x03\xe8", 2)));
        QTRY_COMPARE(gone.size(), 1);
        QByteArray tail;
        QTRY_VERIFY((tail += client.readAll(), tail.size() >= 4));
        QCOMPARE(tail, WebSocketFrame::encode(WebSocketFrame::Close, QByteArray("\x03\xe8", 2)));
    }

    void protocolErrorClosesWithItsCode()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
        QVERIFY(client.waitForConnected(5000));
        WebSocketConnection *connection = acceptConnection(listener, &flusher);
        QVERIFY(connection);
        QSignalSpy texts(connection, &WebSocketConnection::textReceived);
        QSignalSpy gone(connection, &WebSocketConnection::disconnected);
        client.write(upgradeRequest + clientFrame(0x81, "unmasked", false) + text("never"));
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(texts.size(), 0);
        QByteArray received;
        QTRY_VERIFY(
            (received += client.readAll(),
             received.contains("\r\n\r\n") && received.size() > received.indexOf("\r\n\r\n") + 5));
        const QByteArray frames = received.mid(received.indexOf("\r\n\r\n") + 4);
        QCOMPARE(uchar(frames[0]), uchar(0x88));
        QCOMPARE((uchar(frames[2]) << 8) | uchar(frames[3]), 1002);
    }

    void refusedUpgradeGetsAnHttpAnswer()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
        QVERIFY(client.waitForConnected(5000));
        WebSocketConnection *connection = acceptConnection(listener, &flusher);
        QVERIFY(connection);
        QSignalSpy opened(connection, &WebSocketConnection::opened);
        QSignalSpy gone(connection, &WebSocketConnection::disconnected);
        client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(gone.size(), 1);
        QCOMPARE(opened.size(), 0);
        QByteArray received;
        QTRY_VERIFY((received += client.readAll(), received.contains("\r\n\r\n")));
        QVERIFY(received.startsWith("HTTP/1.1 400 "));
    }
    // --- the socket descriptor -----------------------------------------------------------------

    void peerClosingIsDisconnectedOnce()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        for (const bool upgraded : {false, true}) {
            RawClient client(listener.serverPort());
            QVERIFY(client.isConnected());
            WebSocketConnection *connection = acceptConnection(listener, &flusher);
            QVERIFY(connection);
            QSignalSpy opened(connection, &WebSocketConnection::opened);
            QSignalSpy gone(connection, &WebSocketConnection::disconnected);
            if (upgraded) {
                QVERIFY(client.send(upgradeRequest));
                QTRY_COMPARE(opened.size(), 1);
            }
            client.close(); // EOF, without a close frame
            QTRY_COMPARE(gone.size(), 1);
            QCOMPARE(connection->state(), WebSocketConnection::State::Closed);
            // Later passes and an abort() add nothing.
            QTest::qWait(50);
            connection->abort();
            connection->close(1000, QString());
            QCOMPARE(gone.size(), 1);
            delete connection;
        }
    }

    void abortIsSynchronous()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        RawClient client(listener.serverPort());
        WebSocketConnection *connection = acceptConnection(listener, &flusher);
        QVERIFY(connection);
        QSignalSpy gone(connection, &WebSocketConnection::disconnected);
        QVERIFY(client.send(upgradeRequest));
        QTRY_COMPARE(connection->state(), WebSocketConnection::State::Open);
        connection->sendText("never flushed");
        connection->abort();
        QCOMPARE(gone.size(), 1); // before abort() returned
        QCOMPARE(connection->state(), WebSocketConnection::State::Closed);
        QCOMPARE(connection->bytesToWrite(), 0);
        connection->abort();
        QCOMPARE(gone.size(), 1);
        // The client sees the connection end, with the 101 but not the unflushed frame.
        QByteArray received;
        QTRY_VERIFY((received += client.readAvailable(), client.eof()));
        QVERIFY(!received.contains("never flushed"));
    }

    void peerThatDoesNotReadIsDropped()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        RawClient client(listener.serverPort(), 4096);
        WebSocketConnection::Options options;
        options.maxQueuedBytes = 256 * 1024;
        WebSocketConnection *connection = acceptConnection(listener, &flusher, options);
        QVERIFY(connection);
        bool sending = false;
        int drops = 0;
        bool droppedWhileSending = false;
        connect(connection, &WebSocketConnection::disconnected, this, [&] {
            ++drops;
            droppedWhileSending = droppedWhileSending || sending;
        });
        QVERIFY(client.send(upgradeRequest));
        QTRY_COMPARE(connection->state(), WebSocketConnection::State::Open);
        // The client reads nothing: the kernel's buffers fill, then our queue, then it goes.
        const QByteArray frame =
            WebSocketFrame::encode(WebSocketFrame::Text, QByteArray(64000, 'x'));
        qint64 mostQueued = 0;
        for (int i = 0; i < 2000 && drops == 0; ++i) {
            sending = true;
            for (int j = 0; j < 8 && connection->isOpen(); ++j)
                connection->sendFrame(frame);
            sending = false;
            mostQueued = std::max(mostQueued, connection->bytesToWrite());
            QCoreApplication::processEvents();
        }
        QTRY_COMPARE(drops, 1);
        QVERIFY(!droppedWhileSending); // never from inside the sender's loop
        QVERIFY2(mostQueued > options.maxQueuedBytes, QByteArray::number(mostQueued));
        QCOMPARE(connection->state(), WebSocketConnection::State::Closed);
        QTest::qWait(50);
        QCOMPARE(drops, 1);
    }

    void partialWritesArriveWholeAndInOrder()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        RawClient client(listener.serverPort(), 16384);
        WebSocketConnection::Options options;
        options.maxQueuedBytes = 256 << 20;
        WebSocketConnection *connection = acceptConnection(listener, &flusher, options);
        QVERIFY(connection);
        QSignalSpy gone(connection, &WebSocketConnection::disconnected);
        QVERIFY(client.send(upgradeRequest));
        QTRY_COMPARE(connection->state(), WebSocketConnection::State::Open);
        QByteArray received;
        QTRY_VERIFY((received += client.readAvailable(), received.endsWith("\r\n\r\n")));
        received.clear();

        // Numbered frames until the kernel takes no more and some wait in our queue, then a
        // few megabytes more: all of it must come out whole and in order once the client reads.
        QByteArray expected;
        int sequence = 0;
        auto sendSome = [&](int count) {
            for (int i = 0; i < count; ++i) {
                QByteArray payload = "frame " + QByteArray::number(sequence++) + ' ';
                payload += QByteArray(3000 + sequence % 1000, char('a' + sequence % 26));
                const QByteArray frame = WebSocketFrame::encode(WebSocketFrame::Text, payload);
                expected += frame;
                connection->sendFrame(frame);
            }
            connection->flush();
        };
        while (connection->bytesToWrite() == 0 && expected.size() < (64 << 20))
            sendSome(64);
        QVERIFY2(connection->bytesToWrite() > 0,
                 "the kernel took 64 MiB without the client reading");
        sendSome(1000);
        QVERIFY(connection->bytesToWrite() > 0);

        QElapsedTimer timer;
        timer.start();
        while (received.size() < expected.size() && !client.eof() && timer.elapsed() < 30000) {
            received += client.readAvailable();
            QCoreApplication::processEvents();
        }
        QCOMPARE(received.size(), expected.size());
        QVERIFY(received == expected);
        QCOMPARE(connection->bytesToWrite(), 0);
        QCOMPARE(gone.size(), 0);
        QVERIFY(connection->isOpen());
    }

    void closeHandshakeClosesTheDescriptor()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        // The client answers our close by closing: over at once. The client that does not: over
        // when the close timeout (5 s) runs out.
        for (const bool clientCloses : {true, false}) {
            RawClient client(listener.serverPort());
            WebSocketConnection *connection = acceptConnection(listener, &flusher);
            QVERIFY(connection);
            QSignalSpy gone(connection, &WebSocketConnection::disconnected);
            QVERIFY(client.send(upgradeRequest));
            QTRY_COMPARE(connection->state(), WebSocketConnection::State::Open);
            const int descriptorsOpen = openDescriptors();
            QElapsedTimer timer;
            timer.start();
            connection->close(1000, QStringLiteral("bye"));
            // The close frame, then EOF: the server shut its side down after it.
            QByteArray received;
            QTRY_VERIFY((received += client.readAvailable(), client.eof()));
            QVERIFY(received.endsWith(WebSocketFrame::encode(
                WebSocketFrame::Close, WebSocketFrame::closePayload(1000, QStringLiteral("bye")))));
            QCOMPARE(connection->state(), WebSocketConnection::State::Closing);
            QCOMPARE(gone.size(), 0);
            // What the client sends now is read and discarded (not decoded).
            QVERIFY(client.send(text("late")));
            if (clientCloses) {
                client.close();
                QTRY_COMPARE(gone.size(), 1);
                QVERIFY(timer.elapsed() < 4000);
            } else {
                QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 8000);
                QVERIFY(timer.elapsed() >= 4500);
            }
            QCOMPARE(connection->state(), WebSocketConnection::State::Closed);
            QCOMPARE(openDescriptors(), descriptorsOpen - (clientCloses ? 2 : 1));
            delete connection;
        }
    }

    void noDescriptorLeftAfterManyConnections()
    {
        OutputFlusher flusher; // outlives the connections (children of the listener)
        TcpListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        const int before = openDescriptors();
        for (int i = 0; i < 200; ++i) {
            auto client = std::make_unique<RawClient>(listener.serverPort());
            QVERIFY(client->isConnected());
            WebSocketConnection *connection = acceptConnection(listener, &flusher);
            QVERIFY(connection);
            QSignalSpy gone(connection, &WebSocketConnection::disconnected);
            switch (i % 4) {
            case 0: // the client goes before its upgrade
                client.reset();
                break;
            case 1: // the server aborts
                QVERIFY(client->send(upgradeRequest));
                QTRY_VERIFY(connection->isOpen());
                connection->abort();
                break;
            case 2: // the close handshake, the client answering with its EOF
                QVERIFY(client->send(upgradeRequest));
                QTRY_VERIFY(connection->isOpen());
                connection->close(1000, QString());
                QTRY_VERIFY((client->readAvailable(), client->eof()));
                client.reset();
                break;
            case 3: // a refused upgrade
                QVERIFY(client->send("GET / HTTP/1.1\r\n\r\n"));
                QTRY_VERIFY((client->readAvailable(), client->eof()));
                client.reset();
                break;
            }
            QTRY_COMPARE(gone.size(), 1);
            delete connection;
        }
        // The one left open on the server in a connection still closing would show here.
        QCOMPARE(openDescriptors(), before);
    }
};

// HEARTH_TEST_EPOLL=1 (the tst_websocket_epoll test): the same checks on `hearth serve`'s
// EpollEventDispatcher rather than Qt's default one, since the connection drives its own notifiers.
int main(int argc, char **argv)
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariableIntValue("HEARTH_TEST_EPOLL"))
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
#endif
    QCoreApplication app(argc, argv);
    tst_WebSocket test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_websocket.moc"
