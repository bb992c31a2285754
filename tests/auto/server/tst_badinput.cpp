// Bad input against a real RoomServer (docs/protocol.md: "Bad input ... gets a clear error or a
// close, never a crash, never a leak into another room"). Every test also checks that the server
// is still up (a fresh client can say hello), that a room created beforehand still works, and
// that its clients saw nothing of the attack.

#include "protocol/identity.h"
#include "protocol/protocol.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "protocolhelpers.h"

using namespace ProtocolHelpers;

namespace {
QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

bool isPresence(const QJsonObject &e, const QString &participant, bool online)
{
    const QJsonObject data = e.value(QStringLiteral("data")).toObject();
    return e.value(QStringLiteral("event")).toString() == QLatin1String("presence") &&
           data.value(QStringLiteral("participant")).toString() == participant &&
           data.value(QStringLiteral("online")).toBool() == online;
}

// TestClient waits by polling with 10 ms sleeps (QTest::qWaitFor), ~30-40 ms a round trip; this
// file makes thousands of them. These waits sleep in the event loop until something happens.
template <typename Predicate> bool waitUntil(Predicate predicate, int timeoutMs = 5000)
{
    if (predicate())
        return true;
    QDeadlineTimer deadline(timeoutMs);
    QTimer wake;
    wake.setSingleShot(true);
    wake.start(timeoutMs);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        if (predicate())
            return true;
    }
    return predicate();
}

// TestClient with the same calls, waiting with waitUntil().
class FastClient : public TestClient
{
public:
    bool connectTo(const QUrl &url, int timeoutMs = 5000)
    {
        socket().open(url);
        return waitUntil([this] { return isConnected(); }, timeoutMs);
    }
    bool waitForDisconnected(int timeoutMs = 5000)
    {
        return waitUntil([this] { return socket().state() == QAbstractSocket::UnconnectedState; },
                         timeoutMs);
    }
    QJsonObject waitReply(qint64 id, int timeoutMs = 5000)
    {
        QJsonObject reply;
        waitUntil(
            [&] {
                reply = TestClient::waitReply(id, 0);
                return !reply.isEmpty();
            },
            timeoutMs);
        return reply;
    }
    QJsonObject waitAnonymousReply(int timeoutMs = 5000)
    {
        QJsonObject reply;
        waitUntil(
            [&] {
                reply = TestClient::waitAnonymousReply(0);
                return !reply.isEmpty();
            },
            timeoutMs);
        return reply;
    }
    QJsonObject request(const QJsonObject &request, int timeoutMs = 5000)
    {
        return waitReply(send(request), timeoutMs);
    }
    bool hello(const Identity &identity = Identity::generate())
    {
        m_me = identity;
        const QJsonObject reply =
            request({{QStringLiteral("type"), QStringLiteral("hello")},
                     {QStringLiteral("version"), Protocol::Version},
                     {QStringLiteral("identity"),
                      QJsonObject{{QStringLiteral("id"), identity.id},
                                  {QStringLiteral("secret"), identity.secret}}}});
        m_lastError = errorCode(reply);
        if (!ok(reply))
            return false;
        m_pid = reply.value(QStringLiteral("result"))
                    .toObject()
                    .value(QStringLiteral("participant"))
                    .toString();
        return true;
    }
    const Identity &identity() const { return m_me; }
    QString participantId() const { return m_pid; }
    QString lastError() const { return m_lastError; }
    QJsonObject createRoom(const QString &name, const QString &displayName, int capacity = 10,
                           const QJsonObject &settings = {})
    {
        QJsonObject r{{QStringLiteral("type"), QStringLiteral("create_room")},
                      {QStringLiteral("name"), name},
                      {QStringLiteral("displayName"), displayName},
                      {QStringLiteral("capacity"), capacity}};
        if (!settings.isEmpty())
            r.insert(QStringLiteral("settings"), settings);
        const QJsonObject reply = request(r);
        m_lastError = errorCode(reply);
        return reply.value(QStringLiteral("result")).toObject();
    }
    QJsonObject joinRoom(const QString &code, const QString &displayName,
                         const QString &role = QStringLiteral("member"))
    {
        const QJsonObject reply = request({{QStringLiteral("type"), QStringLiteral("join_room")},
                                           {QStringLiteral("code"), code},
                                           {QStringLiteral("displayName"), displayName},
                                           {QStringLiteral("role"), role}});
        m_lastError = errorCode(reply);
        return reply.value(QStringLiteral("result")).toObject();
    }
    bool waitForEvent(const std::function<bool(const QJsonObject &)> &predicate,
                      int timeoutMs = 5000)
    {
        return waitUntil(
            [&] {
                const QList<QJsonObject> seen = events();
                return std::any_of(seen.cbegin(), seen.cend(), predicate);
            },
            timeoutMs);
    }
    bool waitForEventKind(const QString &kind, int timeoutMs = 5000)
    {
        return waitForEvent(
            [&](const QJsonObject &e) {
                return e.value(QStringLiteral("event")).toString() == kind;
            },
            timeoutMs);
    }

private:
    Identity m_me;
    QString m_pid;
    QString m_lastError;
};

// A WebSocket client written by hand over a plain POSIX socket, for what a well-behaved library
// never does: stop reading, never answer pings. It reads only while one of its wait functions
// runs; otherwise the bytes stay in the kernel (whose receive buffer can be made small). Its
// socket is not known to the event loop, so its waits poll.
class RawWebSocket
{
public:
    struct Frame {
        int opcode = 0;
        QByteArray payload;
    };

    ~RawWebSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    // Connects (and does the opening handshake) to 127.0.0.1:port. receiveBuffer > 0 shrinks
    // SO_RCVBUF before connecting, so that the TCP window stays small.
    bool open(quint16 port, int receiveBuffer = 0, int timeoutMs = 5000)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return false;
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        // Loopback: the kernel completes the TCP handshake from the listen backlog, so a
        // blocking connect does not need the (in-process) server's event loop.
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            return false;
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
        const QByteArray upgrade = "GET / HTTP/1.1\r\n"
                                   "Host: 127.0.0.1:" +
                                   QByteArray::number(port) +
                                   "\r\n"
                                   "Upgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n\r\n";
        if (!writeAll(upgrade, timeoutMs))
            return false;
        const bool answered = QTest::qWaitFor(
            [this] {
                pumpRaw();
                return m_buffer.contains("\r\n\r\n") || m_eof;
            },
            timeoutMs);
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (!answered || end < 0 || !m_buffer.startsWith("HTTP/1.1 101"))
            return false;
        m_buffer.remove(0, end + 4);
        m_open = true;
        return true;
    }

    bool sendText(const QByteArray &payload, int timeoutMs = 5000)
    {
        return sendFrame(0x1, payload, timeoutMs);
    }

    // A ping of our own: a frame, though not a message.
    bool sendPing(int timeoutMs = 5000) { return sendFrame(0x9, "are you there", timeoutMs); }

    bool sendFrame(int opcode, const QByteArray &payload, int timeoutMs)
    {
        QByteArray frame;
        frame.append(char(0x80 | opcode)); // FIN
        const quint64 n = quint64(payload.size());
        if (n < 126) {
            frame.append(char(0x80 | n));
        } else if (n < 65536) {
            frame.append(char(0x80 | 126));
            frame.append(char(n >> 8));
            frame.append(char(n & 0xff));
        } else {
            frame.append(char(0x80 | 127));
            for (int i = 7; i >= 0; --i)
                frame.append(char((n >> (8 * i)) & 0xff));
        }
        const char mask[4] = {0x12, 0x34, 0x56, 0x78};
        frame.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload[i] ^ mask[i % 4]));
        return writeAll(frame, timeoutMs);
    }

    bool sendJson(const QJsonObject &o)
    {
        return sendText(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }

    // Reads (only now) and waits for a text frame holding a reply with this id.
    QJsonObject waitReply(qint64 id, int timeoutMs = 5000)
    {
        QJsonObject found;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                pump();
                for (const Frame &f : std::as_const(m_frames)) {
                    if (f.opcode != 1)
                        continue;
                    const QJsonObject o = QJsonDocument::fromJson(f.payload).object();
                    if (o.value(QStringLiteral("type")).toString() == QLatin1String("reply") &&
                        o.value(QStringLiteral("id")).toInteger(-1) == id) {
                        found = o;
                        return true;
                    }
                }
                return m_eof;
            },
            timeoutMs);
        return found;
    }

    // Reads until the server has closed the TCP connection (or the time is up).
    bool waitForEof(int timeoutMs)
    {
        return QTest::qWaitFor(
            [this] {
                pump();
                return m_eof;
            },
            timeoutMs);
    }

    // Bytes as they are, for frames no library would send.
    bool sendRaw(const QByteArray &bytes, int timeoutMs = 5000)
    {
        return writeAll(bytes, timeoutMs);
    }

    // The code of the server's close frame; -1 if none came.
    int closeCode() const
    {
        for (const Frame &f : m_frames) {
            if (f.opcode == 0x8 && f.payload.size() >= 2)
                return (uchar(f.payload[0]) << 8) | uchar(f.payload[1]);
        }
        return -1;
    }

    int pings() const
    {
        int n = 0;
        for (const Frame &f : m_frames)
            n += f.opcode == 0x9;
        return n;
    }

private:
    bool writeAll(const QByteArray &data, int timeoutMs)
    {
        qsizetype done = 0;
        return QTest::qWaitFor(
            [&] {
                while (done < data.size()) {
                    const ssize_t n = ::send(m_fd, data.constData() + done,
                                             size_t(data.size() - done), MSG_NOSIGNAL);
                    if (n > 0) {
                        done += n;
                        continue;
                    }
                    return false; // EAGAIN: let the event loop (and the server) run
                }
                return true;
            },
            timeoutMs);
    }

    void pumpRaw()
    {
        char chunk[65536];
        while (m_fd >= 0) {
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n > 0) {
                m_buffer.append(chunk, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                m_eof = true;
                // As a client does when the server hangs up: let go of our side too (the
                // server reports the connection gone once we do, or after its 5 s close timeout).
                ::close(m_fd);
                m_fd = -1;
            }
            return;
        }
    }

    void pump()
    {
        pumpRaw();
        if (!m_open)
            return;
        for (;;) {
            if (m_buffer.size() < 2)
                return;
            const uchar b0 = uchar(m_buffer[0]), b1 = uchar(m_buffer[1]);
            quint64 length = b1 & 0x7f;
            qsizetype header = 2;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = (quint64(uchar(m_buffer[2])) << 8) | uchar(m_buffer[3]);
                header = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = 0;
                for (int i = 0; i < 8; ++i)
                    length = (length << 8) | uchar(m_buffer[2 + i]);
                header = 10;
            }
            if (quint64(m_buffer.size() - header) < length)
                return;
            m_frames.append({b0 & 0x0f, m_buffer.mid(header, qsizetype(length))});
            m_buffer.remove(0, header + qsizetype(length));
        }
    }

    int m_fd = -1;
    bool m_open = false;
    bool m_eof = false;
    QByteArray m_buffer;
    QList<Frame> m_frames;
};
} // namespace

class tst_BadInput : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    // A room where nothing bad happens; its people must see nothing of any attack.
    std::unique_ptr<FastClient> m_bystanderHost, m_bystander;
    QString m_bystanderCode;

    // A fresh server (adjusted) with the bystanders' room in it.
    bool startServer(const std::function<void(ServerConfig &)> &adjust = {})
    {
        m_bystanderHost.reset();
        m_bystander.reset();
        m_server.reset();
        m_server = std::make_unique<TestServer>([&adjust](ServerConfig &c) {
            // Most tests try many wrong codes from 127.0.0.1: the throttle has its own tests.
            c.joinFailureBurst = 100000;
            c.joinFailuresPerMinuteTotal = 1000000;
            if (adjust)
                adjust(c);
        });
        if (!m_server->start())
            return false;
        m_bystanderHost = client();
        m_bystander = client();
        if (!m_bystanderHost || !m_bystander)
            return false;
        m_bystanderCode = m_bystanderHost->createRoom(str("Bystanders"), str("Host"))
                              .value(QStringLiteral("room"))
                              .toObject()
                              .value(QStringLiteral("code"))
                              .toString();
        if (m_bystanderCode.isEmpty() ||
            m_bystander->joinRoom(m_bystanderCode, str("Guest")).isEmpty())
            return false;
        if (!m_bystanderHost->waitForEventKind(str("participant_joined")))
            return false;
        m_bystanderHost->clearEvents();
        m_bystander->clearEvents();
        return true;
    }

    std::unique_ptr<FastClient> client(bool sayHello = true)
    {
        auto c = std::make_unique<FastClient>();
        if (!c->connectTo(m_server->url()))
            return nullptr;
        if (sayHello && !c->hello())
            return nullptr;
        return c;
    }

    QString hostRoom(FastClient &host, const QJsonObject &settings = {})
    {
        return host.createRoom(str("Target"), str("Ana"), 10, settings)
            .value(QStringLiteral("room"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }

    // The server is up, a fresh client can say hello, the bystanders saw nothing and their
    // room still works. Use through VERIFY_UNHARMED().
    void verifyUnharmed()
    {
        QVERIFY(m_server->server()->isListening());
        FastClient fresh;
        QVERIFY(fresh.connectTo(m_server->url()));
        QVERIFY(fresh.hello());
        QVERIFY(ok(fresh.request(req("ping"))));

        QVERIFY2(m_bystanderHost->isConnected() && m_bystander->isConnected(),
                 "a bystander lost its connection");
        const QJsonObject sent = m_bystanderHost->request(
            req("send_chat", {{str("room"), m_bystanderCode}, {str("text"), str("still here")}}));
        QVERIFY2(ok(sent), qPrintable(compact(sent)));
        QVERIFY(m_bystander->waitForEventKind(str("chat")));
        // Exactly that one event: nothing of the attack arrived before it.
        const QList<QJsonObject> seen = m_bystander->events();
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen.first().value(str("room")).toString(), m_bystanderCode);
        QCOMPARE(seen.first().value(str("data")).toObject().value(str("text")).toString(),
                 str("still here"));
        QVERIFY(m_bystander->notices().isEmpty());
        QVERIFY(m_bystanderHost->notices().isEmpty());
        for (const QJsonObject &e : m_bystanderHost->events())
            QCOMPARE(e.value(str("event")).toString(), str("chat"));
        m_bystanderHost->clearEvents();
        m_bystander->clearEvents();
    }

#define VERIFY_UNHARMED()                                                                          \
    do {                                                                                           \
        verifyUnharmed();                                                                          \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
    }

    void init()
    {
        QVERIFY(startServer());
    }

    void cleanup()
    {
        m_bystanderHost.reset();
        m_bystander.reset();
        m_server.reset();
    }

    // --- frames and fields -------------------------------------------------------------------

    void badRequests_data()
    {
        // "frame" is sent as is after hello, by the host of its own room; @ROOM@ is that room's
        // code and @SELF@ its participant id. Requests carry "id": 777 unless unreadable.
        QTest::addColumn<QString>("frame");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("nullId");
        auto row = [](const char *name, const QString &frame, const char *code,
                      bool nullId = false) { QTest::newRow(name) << frame << str(code) << nullId; };
        const QString x65 = QString(65, u'x'), x33 = QString(33, u'x');

        // Unreadable frames: no usable id.
        row("malformed JSON", str(R"({"id": 777, "type": "ping")"), "bad_json", true);
        row("not JSON at all", str("hello there"), "bad_json", true);
        row("empty frame", QString(), "bad_json", true);
        row("trailing garbage", str(R"({"id":777,"type":"ping"} x)"), "bad_json", true);
        row("JSON array", str(R"([{"id":777,"type":"ping"}])"), "bad_json", true);
        row("JSON string", str(R"("ping")"), "bad_json", true);
        row("JSON number", str("777"), "bad_json", true);
        row("JSON null", str("null"), "bad_json", true);
        row("JSON true", str("true"), "bad_json", true);
        row("nested 5000 deep",
            QString(str(R"({"id":777,"type":"ping","x":)") + QString(5000, u'[') +
                    QString(5000, u']') + u'}'),
            "bad_json", true);
        row("id missing", str(R"({"type":"ping"})"), "bad_request", true);
        row("id as string", str(R"({"id":"777","type":"ping"})"), "bad_request", true);
        row("id null", str(R"({"id":null,"type":"ping"})"), "bad_request", true);
        row("id negative", str(R"({"id":-1,"type":"ping"})"), "bad_request", true);
        row("id fractional", str(R"({"id":7.5,"type":"ping"})"), "bad_request", true);
        row("id 2^53", str(R"({"id":9007199254740992,"type":"ping"})"), "bad_request", true);
        row("id as object", str(R"({"id":{"n":777},"type":"ping"})"), "bad_request", true);

        // The type.
        row("type missing", str(R"({"id":777})"), "bad_request");
        row("type as number", str(R"({"id":777,"type":5})"), "bad_request");
        row("type as null", str(R"({"id":777,"type":null})"), "bad_request");
        row("type as array", str(R"({"id":777,"type":["ping"]})"), "bad_request");
        row("unknown type", str(R"({"id":777,"type":"fly"})"), "unknown_type");
        row("type in upper case", str(R"({"id":777,"type":"PING"})"), "unknown_type");
        row("type with a space", str(R"({"id":777,"type":" ping"})"), "unknown_type");
        row("server frame type", str(R"({"id":777,"type":"reply"})"), "unknown_type");
        row("10000-character type",
            QStringLiteral(R"({"id":777,"type":"%1"})").arg(QString(10000, u'x')), "unknown_type");

        // create_room
        row("create: name missing", str(R"({"id":777,"type":"create_room","displayName":"A"})"),
            "bad_request");
        row("create: name as number",
            str(R"({"id":777,"type":"create_room","name":5,"displayName":"A"})"), "bad_request");
        row("create: room name of white space",
            str(R"({"id":777,"type":"create_room","name":"  \t ","displayName":"A"})"),
            "bad_request");
        row("create: room name with a line break",
            str(R"({"id":777,"type":"create_room","name":"a\nb","displayName":"A"})"),
            "bad_request");
        row("create: room name of 65",
            QStringLiteral(R"({"id":777,"type":"create_room","name":"%1","displayName":"A"})")
                .arg(x65),
            "too_large");
        row("create: displayName missing", str(R"({"id":777,"type":"create_room","name":"R"})"),
            "bad_request");
        row("create: display name of 33",
            QStringLiteral(R"({"id":777,"type":"create_room","name":"R","displayName":"%1"})")
                .arg(x33),
            "too_large");
        row("create: display name of 33 emoji",
            QStringLiteral(R"({"id":777,"type":"create_room","name":"R","displayName":"%1"})")
                .arg(QString(str("\xF0\x9F\x98\x80").repeated(33))),
            "too_large");
        row("create: capacity as string",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":"10"})"),
            "bad_request");
        row("create: capacity 0",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":0})"),
            "bad_request");
        row("create: capacity 51",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":51})"),
            "bad_request");
        row("create: capacity 2.5",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":2.5})"),
            "bad_request");
        // Numbers beyond int and qint64: judged before any conversion (which would be
        // undefined behaviour; the asan preset's UBSan stops the server at it).
        row("create: capacity 1e10",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":1e10})"),
            "bad_request");
        row("create: capacity -1e300",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":-1e300})"),
            "bad_request");
        row("create: capacity null",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","capacity":null})"),
            "bad_request");
        row("create: settings as array",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","settings":[]})"),
            "bad_request");
        row("create: settings as string",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A","settings":"x"})"),
            "bad_request");
        row("create: settings flag as string",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A",)"
                R"("settings":{"locked":"yes"}})"),
            "bad_request");
        row("create: settings flag as number",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A",)"
                R"("settings":{"approval":1}})"),
            "bad_request");
        row("create: password as number",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A",)"
                R"("settings":{"password":1234}})"),
            "bad_request");
        row("create: empty password",
            str(R"({"id":777,"type":"create_room","name":"R","displayName":"A",)"
                R"("settings":{"password":""}})"),
            "bad_request");
        row("create: password of 65",
            QStringLiteral(R"({"id":777,"type":"create_room","name":"R","displayName":"A",)"
                           R"("settings":{"password":"%1"}})")
                .arg(x65),
            "bad_request");

        // join_room (field checks come before the code is looked up)
        row("join: code missing", str(R"({"id":777,"type":"join_room","displayName":"B"})"),
            "bad_request");
        row("join: code as number",
            str(R"({"id":777,"type":"join_room","code":123456,"displayName":"B"})"), "bad_request");
        row("join: code null",
            str(R"({"id":777,"type":"join_room","code":null,"displayName":"B"})"), "bad_request");
        row("join: code as array",
            str(R"({"id":777,"type":"join_room","code":["@ROOM@"],"displayName":"B"})"),
            "bad_request");
        row("join: displayName missing", str(R"({"id":777,"type":"join_room","code":"@ROOM@"})"),
            "bad_request");
        row("join: display name of 33",
            QStringLiteral(R"({"id":777,"type":"join_room","code":"@ROOM@","displayName":"%1"})")
                .arg(x33),
            "too_large");
        row("join: role unknown",
            str(R"({"id":777,"type":"join_room","code":"@ROOM@","displayName":"B","role":"admin"})"),
            "bad_request");
        row("join: role host",
            str(R"({"id":777,"type":"join_room","code":"@ROOM@","displayName":"B","role":"host"})"),
            "bad_request");
        row("join: role as number",
            str(R"({"id":777,"type":"join_room","code":"@ROOM@","displayName":"B","role":1})"),
            "bad_request");
        row("join: password as number",
            str(R"({"id":777,"type":"join_room","code":"@ROOM@","displayName":"B","password":1})"),
            "bad_request");

        // send_chat
        row("chat: room missing", str(R"({"id":777,"type":"send_chat","text":"hi"})"),
            "bad_request");
        row("chat: room as number", str(R"({"id":777,"type":"send_chat","room":5,"text":"hi"})"),
            "bad_request");
        row("chat: room unknown",
            str(R"({"id":777,"type":"send_chat","room":"ZZZZZZ","text":"hi"})"), "not_member");
        row("chat: room malformed", str(R"({"id":777,"type":"send_chat","room":"I0","text":"hi"})"),
            "not_member");
        row("chat: text missing", str(R"({"id":777,"type":"send_chat","room":"@ROOM@"})"),
            "bad_request");
        row("chat: text as number",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":5})"), "bad_request");
        row("chat: text as object",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":{"a":1}})"), "bad_request");
        row("chat: empty text", str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":""})"),
            "bad_request");
        row("chat: white space only",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":" \n\t "})"), "bad_request");
        row("chat: NUL in text",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"a\u0000b"})"),
            "bad_request");
        row("chat: 2001 characters",
            QStringLiteral(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"%1"})")
                .arg(QString(2001, u'x')),
            "too_large");
        row("chat: 2001 emoji",
            QStringLiteral(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"%1"})")
                .arg(QString(str("\xF0\x9F\x98\x80").repeated(2001))),
            "too_large");
        row("chat: 60000 characters (frame under 64 KiB)",
            QStringLiteral(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"%1"})")
                .arg(QString(60000, u'x')),
            "too_large");
        row("chat: clientMsgId empty",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"hi","clientMsgId":""})"),
            "bad_request");
        row("chat: clientMsgId as number",
            str(R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"hi","clientMsgId":5})"),
            "bad_request");
        row("chat: clientMsgId of 65",
            QStringLiteral(
                R"({"id":777,"type":"send_chat","room":"@ROOM@","text":"hi","clientMsgId":"%1"})")
                .arg(x65),
            "bad_request");

        // set_status
        row("status: missing", str(R"({"id":777,"type":"set_status","room":"@ROOM@"})"),
            "bad_request");
        row("status: as array",
            str(R"({"id":777,"type":"set_status","room":"@ROOM@","status":[]})"), "bad_request");
        row("status: value as string",
            str(R"({"id":777,"type":"set_status","room":"@ROOM@","status":{"ready":"yes"}})"),
            "bad_request");
        row("status: value as number",
            str(R"({"id":777,"type":"set_status","room":"@ROOM@","status":{"muted":1}})"),
            "bad_request");
        row("status: value null",
            str(R"({"id":777,"type":"set_status","room":"@ROOM@","status":{"away":null}})"),
            "bad_request");
        row("status: unknown flag",
            str(R"({"id":777,"type":"set_status","room":"@ROOM@","status":{"ready":true,"x":true}})"),
            "bad_request");

        // history
        row("history: limit as string",
            str(R"({"id":777,"type":"history","room":"@ROOM@","limit":"10"})"), "bad_request");
        row("history: limit 0", str(R"({"id":777,"type":"history","room":"@ROOM@","limit":0})"),
            "bad_request");
        row("history: limit 201", str(R"({"id":777,"type":"history","room":"@ROOM@","limit":201})"),
            "bad_request");
        row("history: limit 1.5", str(R"({"id":777,"type":"history","room":"@ROOM@","limit":1.5})"),
            "bad_request");
        row("history: before 0", str(R"({"id":777,"type":"history","room":"@ROOM@","before":0})"),
            "bad_request");
        row("history: after -1", str(R"({"id":777,"type":"history","room":"@ROOM@","after":-1})"),
            "bad_request");
        row("history: before 1e30",
            str(R"({"id":777,"type":"history","room":"@ROOM@","before":1e30})"), "bad_request");
        row("history: after -1e30",
            str(R"({"id":777,"type":"history","room":"@ROOM@","after":-1e30})"), "bad_request");
        row("history: limit 2^63",
            str(R"({"id":777,"type":"history","room":"@ROOM@","limit":9223372036854775808})"),
            "bad_request");
        row("history: before not above after + 1",
            str(R"({"id":777,"type":"history","room":"@ROOM@","before":2,"after":1})"),
            "bad_request");
        row("history: before below after",
            str(R"({"id":777,"type":"history","room":"@ROOM@","before":3,"after":10})"),
            "bad_request");

        // host operations
        row("update: capacity as string",
            str(R"({"id":777,"type":"update_settings","room":"@ROOM@","capacity":"12"})"),
            "bad_request");
        row("update: capacity 0",
            str(R"({"id":777,"type":"update_settings","room":"@ROOM@","capacity":0})"),
            "bad_request");
        row("update: capacity 1e10",
            str(R"({"id":777,"type":"update_settings","room":"@ROOM@","capacity":1e10})"),
            "bad_request");
        row("update: settings as array",
            str(R"({"id":777,"type":"update_settings","room":"@ROOM@","settings":[true]})"),
            "bad_request");
        row("update: name of 65",
            QStringLiteral(R"({"id":777,"type":"update_settings","room":"@ROOM@","name":"%1"})")
                .arg(x65),
            "too_large");
        row("update: empty name",
            str(R"({"id":777,"type":"update_settings","room":"@ROOM@","name":""})"), "bad_request");
        row("state: as number", str(R"({"id":777,"type":"set_state","room":"@ROOM@","state":1})"),
            "bad_request");
        row("state: back to waiting",
            str(R"({"id":777,"type":"set_state","room":"@ROOM@","state":"waiting"})"),
            "bad_request");
        row("state: unknown",
            str(R"({"id":777,"type":"set_state","room":"@ROOM@","state":"paused"})"),
            "bad_request");
        row("kick: yourself",
            str(R"({"id":777,"type":"kick","room":"@ROOM@","participant":"@SELF@"})"),
            "bad_request");
        row("ban: yourself",
            str(R"({"id":777,"type":"ban","room":"@ROOM@","participant":"@SELF@"})"),
            "bad_request");
        row("kick: nobody of that id",
            str(R"({"id":777,"type":"kick","room":"@ROOM@","participant":"0123456789abcdef"})"),
            "participant_not_found");
        // "a field of the wrong JSON type is a bad_request"; "missing ... field": bad_request.
        row("kick: participant missing", str(R"({"id":777,"type":"kick","room":"@ROOM@"})"),
            "bad_request");
        row("kick: participant as number",
            str(R"({"id":777,"type":"kick","room":"@ROOM@","participant":5})"), "bad_request");
        row("ban: participant as array",
            str(R"({"id":777,"type":"ban","room":"@ROOM@","participant":["x"]})"), "bad_request");
        row("admit: participant missing", str(R"({"id":777,"type":"admit","room":"@ROOM@"})"),
            "bad_request");
        row("deny: participant as number",
            str(R"({"id":777,"type":"deny","room":"@ROOM@","participant":1})"), "bad_request");
        row("transfer_host: participant missing",
            str(R"({"id":777,"type":"transfer_host","room":"@ROOM@"})"), "bad_request");
    }

    void badRequests()
    {
        QFETCH(QString, frame);
        QFETCH(QString, code);
        QFETCH(bool, nullId);

        auto attacker = client();
        QVERIFY(attacker);
        const QString room = hostRoom(*attacker);
        QVERIFY(!room.isEmpty());
        attacker->clearEvents();

        frame.replace(str("@ROOM@"), room).replace(str("@SELF@"), attacker->participantId());
        attacker->sendText(frame);
        const QJsonObject reply =
            nullId ? attacker->waitAnonymousReply() : attacker->waitReply(777);
        QVERIFY2(!reply.isEmpty(), "no reply");
        QCOMPARE(reply.value(str("type")).toString(), str("reply"));
        QCOMPARE(reply.value(str("ok")), QJsonValue(false));
        QVERIFY(!reply.contains(str("result")));
        if (nullId)
            QVERIFY(reply.value(str("id")).isNull());
        else
            QCOMPARE(reply.value(str("id")).toInteger(), 777);

        QCOMPARE(errorCode(reply), code);
        const QString message = errorOf(reply).message;
        QVERIFY2(!message.isEmpty() && message.size() < 300, qPrintable(message));

        // A refused request changes nothing and the connection goes on.
        QVERIFY(attacker->isConnected());
        QVERIFY(ok(attacker->request(req("ping"))));
        const QJsonObject info = attacker->request(req("room_info", {{str("room"), room}}));
        QVERIFY(ok(info));
        const QJsonObject roomJson =
            info.value(str("result")).toObject().value(str("room")).toObject();
        QCOMPARE(roomJson.value(str("lastSeq")).toInt(), 1);
        QCOMPARE(roomJson.value(str("seats")).toInt(), 1);
        QCOMPARE(roomJson.value(str("name")).toString(), str("Target"));
        QVERIFY(attacker->events().isEmpty());
        QCOMPARE(m_server->server()->roomCount(), 2);
        VERIFY_UNHARMED();
    }

    void invalidCodes_data()
    {
        QTest::addColumn<QJsonValue>("code");
        QTest::addColumn<QString>("error");
        const QString notFound = str("room_not_found");
        QTest::newRow("empty") << QJsonValue(QString()) << notFound;
        QTest::newRow("ABC") << QJsonValue(str("ABC")) << notFound;
        QTest::newRow("IIIIII") << QJsonValue(str("IIIIII")) << notFound;
        QTest::newRow("O0O0O0") << QJsonValue(str("O0O0O0")) << notFound;
        QTest::newRow("separators only") << QJsonValue(str(" - - ")) << notFound;
        QTest::newRow("seven characters") << QJsonValue(str("ABCDEFG")) << notFound;
        QTest::newRow("emoji") << QJsonValue(str("ABCDE\xF0\x9F\x98\x80")) << notFound;
        QTest::newRow("1000 characters") << QJsonValue(QString(1000, u'A')) << notFound;
        QTest::newRow("SQL") << QJsonValue(str("'; DROP TABLE rooms; --")) << notFound;
        QTest::newRow("well-formed, unused") << QJsonValue(str("@UNUSED@")) << notFound;
        QTest::newRow("well-formed, unused, lower case") << QJsonValue(str("@unused@")) << notFound;
        const QString badRequest = str("bad_request");
        QTest::newRow("number") << QJsonValue(123456) << badRequest;
        QTest::newRow("null") << QJsonValue(QJsonValue::Null) << badRequest;
        QTest::newRow("bool") << QJsonValue(true) << badRequest;
        QTest::newRow("array") << QJsonValue(QJsonArray{str("ABCDEF")}) << badRequest;
        QTest::newRow("object") << QJsonValue(QJsonObject{{str("code"), str("ABCDEF")}})
                                << badRequest;
    }

    void invalidCodes()
    {
        QFETCH(QJsonValue, code);
        QFETCH(QString, error);
        auto target = client();
        QVERIFY(target);
        const QString room = hostRoom(*target);
        target->clearEvents();

        if (code.isString() && code.toString().contains(str("@UNUSED@"), Qt::CaseInsensitive)) {
            QString unused = str("ZZZZZZ");
            for (QChar c : str("23456789ABCDEFGH")) {
                unused = QString(5, u'Z') + c;
                if (unused != room && unused != m_bystanderCode)
                    break;
            }
            code = code.toString() == str("@unused@") ? unused.toLower() : unused;
        }

        auto guesser = client();
        QVERIFY(guesser);
        const QJsonObject reply = guesser->request(
            req("join_room", {{str("code"), code}, {str("displayName"), str("Guesser")}}));
        QCOMPARE(errorCode(reply), error);
        QVERIFY(!reply.contains(str("result")));

        if (error == str("room_not_found")) {
            // Indistinguishable from any other unknown code: same code, same words.
            const QJsonObject reference = guesser->request(
                req("join_room", {{str("code"), str("ZZZZZ2")}, {str("displayName"), str("G")}}));
            if (room != str("ZZZZZ2") && m_bystanderCode != str("ZZZZZ2"))
                QCOMPARE(errorOf(reply), errorOf(reference));
        }
        // Nobody saw anything and the real code still works.
        QVERIFY(guesser->events().isEmpty());
        QVERIFY(!guesser->joinRoom(room, str("Guesser")).isEmpty());
        QVERIFY(target->waitForEventKind(str("participant_joined")));
        QCOMPARE(target->events().size(), 1);
        VERIFY_UNHARMED();
    }

    void beforeHello_data()
    {
        QTest::addColumn<QString>("type");
        for (const char *type : {"create_room", "join_room", "leave_room", "send_chat", "history",
                                 "set_status", "room_info", "update_settings", "set_state", "admit",
                                 "deny", "kick", "ban", "transfer_host", "close_room"})
            QTest::newRow(type) << str(type);
    }

    void beforeHello()
    {
        QFETCH(QString, type);
        auto early = client(false);
        QVERIFY(early);
        // Well-formed arguments, so that only the missing hello is wrong.
        QJsonObject request{{str("type"), type},
                            {str("room"), m_bystanderCode},
                            {str("code"), m_bystanderCode},
                            {str("name"), str("R")},
                            {str("displayName"), str("Early")},
                            {str("text"), str("hi")},
                            {str("status"), QJsonObject{{str("ready"), true}}},
                            {str("state"), str("active")},
                            {str("participant"), m_bystander->participantId()}};
        const QJsonObject reply = early->request(request);
        QCOMPARE(errorCode(reply), str("hello_required"));
        QVERIFY(early->isConnected());
        // ping is allowed before hello; hello itself still works afterwards.
        const QJsonObject pong = early->request(req("ping"));
        QVERIFY(ok(pong));
        QVERIFY(pong.value(str("result")).toObject().value(str("ts")).toDouble() > 1.7e12);
        QVERIFY(early->hello());
        QVERIFY(early->events().isEmpty());
        VERIFY_UNHARMED();
    }

    void secondHello()
    {
        auto c = client();
        QVERIFY(c);
        const QString first = c->participantId();
        const Identity other = Identity::generate();
        for (const Identity &identity : {c->identity(), other}) {
            const QJsonObject reply = c->request(
                req("hello", {{str("version"), Protocol::Version},
                              {str("identity"), QJsonObject{{str("id"), identity.id},
                                                            {str("secret"), identity.secret}}}}));
            QCOMPARE(errorCode(reply), str("bad_request"));
        }
        // Still the first identity, still usable.
        QVERIFY(c->isConnected());
        const QJsonObject created = c->createRoom(str("Mine"), str("Me"));
        QCOMPARE(created.value(str("self")).toString(), first);
        QCOMPARE(created.value(str("room")).toObject().value(str("host")).toString(), first);
        // The refused hello claimed nothing: the other identity's owner can still use it.
        FastClient owner;
        QVERIFY(owner.connectTo(m_server->url()));
        QVERIFY(owner.hello(other));
        QVERIFY(c->isConnected());
        VERIFY_UNHARMED();
    }

    void badHello_data()
    {
        QTest::addColumn<QJsonObject>("hello");
        QTest::addColumn<QString>("error");
        const Identity me = Identity::generate();
        const QJsonObject identity{{str("id"), me.id}, {str("secret"), me.secret}};
        auto hello = [&](const QJsonValue &version, const QJsonValue &id) {
            QJsonObject o{{str("type"), str("hello")}};
            if (!version.isUndefined())
                o.insert(str("version"), version);
            if (!id.isUndefined())
                o.insert(str("identity"), id);
            return o;
        };
        // A version 1 client (it would send its identity's own secret) is told what is spoken.
        QTest::newRow("version 1") << hello(1, identity) << str("unsupported_version");
        QTest::newRow("version 3") << hello(3, identity) << str("unsupported_version");
        QTest::newRow("version 0") << hello(0, identity) << str("unsupported_version");
        QTest::newRow("version 1.5") << hello(1.5, identity) << str("unsupported_version");
        QTest::newRow("version as string") << hello(str("1"), identity) << str("bad_request");
        QTest::newRow("version missing")
            << hello(QJsonValue(QJsonValue::Undefined), identity) << str("bad_request");
        QTest::newRow("identity missing")
            << hello(Protocol::Version, QJsonValue(QJsonValue::Undefined)) << str("bad_request");
        QTest::newRow("identity as string")
            << hello(Protocol::Version, me.id) << str("bad_request");
        QTest::newRow("identity id too short")
            << hello(Protocol::Version,
                     QJsonObject{{str("id"), str("short")}, {str("secret"), me.secret}})
            << str("bad_request");
        QTest::newRow("identity id with a slash")
            << hello(Protocol::Version,
                     QJsonObject{{str("id"), QString(me.id + u'/')}, {str("secret"), me.secret}})
            << str("bad_request");
        QTest::newRow("identity secret too short")
            << hello(Protocol::Version,
                     QJsonObject{{str("id"), me.id}, {str("secret"), str("0123456789")}})
            << str("bad_request");
        QTest::newRow("identity secret as number")
            << hello(Protocol::Version, QJsonObject{{str("id"), me.id}, {str("secret"), 12345}})
            << str("bad_request");
        QTest::newRow("identity id of 65")
            << hello(Protocol::Version,
                     QJsonObject{{str("id"), QString(65, u'a')}, {str("secret"), me.secret}})
            << str("bad_request");
    }

    void badHello()
    {
        QFETCH(QJsonObject, hello);
        QFETCH(QString, error);
        auto c = client(false);
        QVERIFY(c);
        const QJsonObject reply = c->request(hello);
        QCOMPARE(errorCode(reply), error);
        if (error == str("unsupported_version"))
            QCOMPARE(errorOf(reply).supported, QList<qint64>{Protocol::Version});
        // Not half-registered: requests still need hello, and a proper hello works.
        QCOMPARE(errorCode(c->request(req("room_info", {{str("room"), m_bystanderCode}}))),
                 str("hello_required"));
        QVERIFY(c->hello());
        QVERIFY(c->isConnected());
        VERIFY_UNHARMED();
    }

    // --- frames that close the connection ------------------------------------------------------

    void binaryFrameCloses()
    {
        auto attacker = client();
        auto friendly = client();
        QVERIFY(attacker && friendly);
        const QString room = hostRoom(*friendly);
        QVERIFY(!attacker->joinRoom(room, str("Mallory")).isEmpty());
        QVERIFY(friendly->waitForEventKind(str("participant_joined")));

        attacker->sendBinary(QByteArray(R"({"id":777,"type":"ping"})"));
        QVERIFY(attacker->waitForDisconnected());
        QCOMPARE(attacker->closeCode(), 1003);
        // Its room sees it go offline, like any dropped connection.
        QVERIFY(friendly->waitForEvent(
            [&](const QJsonObject &e) { return isPresence(e, attacker->participantId(), false); }));
        QVERIFY(ok(friendly->request(
            req("send_chat", {{str("room"), room}, {str("text"), str("still fine")}}))));
        VERIFY_UNHARMED();
    }

    void malformedWebSocketFrames_data()
    {
        // Frames that break RFC 6455 itself (sent raw after a proper hello): the connection is
        // failed with the RFC's close code, nothing else happens.
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("closeCode");
        auto masked = [](uchar b0, const QByteArray &payload) {
            QByteArray f;
            f.append(char(b0));
            f.append(char(0x80 | payload.size())); // payloads here are < 126
            const char mask[4] = {0x01, 0x02, 0x03, 0x04};
            f.append(mask, 4);
            for (qsizetype i = 0; i < payload.size(); ++i)
                f.append(char(payload[i] ^ mask[i % 4]));
            return f;
        };
        const QByteArray ping = R"({"id":777,"type":"ping"})";
        QTest::newRow("unmasked client frame (RFC 6455 5.1)")
            << QByteArray("\x81" + QByteArray(1, char(ping.size())) + ping) << 1002;
        QTest::newRow("invalid UTF-8")
            << masked(0x81, QByteArray("{\"id\":7,\"x\":\"\xff\xfe\"}")) << 1007;
        QTest::newRow("reserved opcode 3") << masked(0x83, ping) << 1002;
        QTest::newRow("RSV1 without an extension") << masked(0xC1, ping) << 1002;
        QTest::newRow("continuation without a start") << masked(0x80, ping) << 1002;
        QTest::newRow("ping without FIN") << masked(0x09, "x") << 1002;
        QTest::newRow("new message inside a fragmented one")
            << QByteArray(masked(0x01, "{\"id\":") + masked(0x81, ping)) << 1002;
        QTest::newRow("close with a reserved code")
            << masked(0x88, QByteArray("\x03\xe7", 2)) << 1002; // 999
        QTest::newRow("64-bit length with the top bit set")
            << QByteArray("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x01\x01\x02\x03\x04", 14) << 1002;
    }

    void malformedWebSocketFrames()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, closeCode);
        if (QByteArrayView(QTest::currentDataTag()).startsWith("unmasked") &&
            TestServer::transportFromEnvironment() == ServerConfig::Transport::Qt)
            QSKIP("Qt 6.4's QWebSocket accepts unmasked client frames (docs/architecture.md, "
                  "\"What Qt 6.4 does not let us check\"); the native transport refuses them");
        auto host = client();
        QVERIFY(host);
        const QString room = hostRoom(*host);
        RawWebSocket raw;
        QVERIFY(raw.open(m_server->server()->port()));
        const Identity me = Identity::generate();
        QVERIFY(raw.sendJson(
            {{str("id"), 1},
             {str("type"), str("hello")},
             {str("version"), Protocol::Version},
             {str("identity"), QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}}));
        QVERIFY(ok(raw.waitReply(1)));
        QVERIFY(raw.sendJson({{str("id"), 2},
                              {str("type"), str("join_room")},
                              {str("code"), room},
                              {str("displayName"), str("Raw")}}));
        QVERIFY(ok(raw.waitReply(2)));
        const QString rawId = IdentityRules::participantIdFor(me.id);

        QVERIFY(raw.sendRaw(bytes));
        QVERIFY2(raw.waitForEof(5000), "the connection was not closed");
        QCOMPARE(raw.closeCode(), closeCode);
        QVERIFY(
            host->waitForEvent([&](const QJsonObject &e) { return isPresence(e, rawId, false); }));
        QVERIFY(host->eventsOf(str("chat")).isEmpty());
        VERIFY_UNHARMED();
    }

    void oversizedFrame_data()
    {
        QTest::addColumn<int>("bytes");
        QTest::addColumn<int>("fragment"); // outgoing frame size; 0: one frame
        QTest::addColumn<bool>("closes");
        QTest::newRow("65536 bytes in one frame: allowed") << 65536 << 0 << false;
        QTest::newRow("65537 bytes in one frame") << 65537 << 0 << true;
        QTest::newRow("1 MiB in one frame") << (1 << 20) << 0 << true;
        QTest::newRow("100 KiB in 16 KiB fragments") << 100 * 1024 << 16 * 1024 << true;
        QTest::newRow("65536 bytes in 4 KiB fragments: allowed") << 65536 << 4096 << false;
    }

    void oversizedFrame()
    {
        QFETCH(int, bytes);
        QFETCH(int, fragment);
        QFETCH(bool, closes);
        auto attacker = client();
        auto friendly = client();
        QVERIFY(attacker && friendly);
        const QString room = hostRoom(*friendly);
        QVERIFY(!attacker->joinRoom(room, str("Mallory")).isEmpty());
        QVERIFY(friendly->waitForEventKind(str("participant_joined")));

        // A chat request padded to exactly `bytes` bytes of UTF-8.
        const QString head =
            QStringLiteral(R"({"id":777,"type":"send_chat","room":"%1","text":")").arg(room);
        const QString tail = str(R"("})");
        const QString frame = head + QString(bytes - head.size() - tail.size(), u'x') + tail;
        QCOMPARE(frame.toUtf8().size(), bytes);
        if (fragment > 0)
            attacker->socket().setOutgoingFrameSize(quint64(fragment));
        attacker->sendText(frame);

        if (closes) {
            QVERIFY(attacker->waitForDisconnected(10000));
            QCOMPARE(attacker->closeCode(), 1009);
            QVERIFY(friendly->waitForEvent([&](const QJsonObject &e) {
                return isPresence(e, attacker->participantId(), false);
            }));
        } else {
            // Within the limit: an ordinary answer (the text is too long for a chat).
            const QJsonObject reply = attacker->waitReply(777, 10000);
            QCOMPARE(errorCode(reply), str("too_large"));
            QVERIFY(attacker->isConnected());
        }
        QVERIFY(friendly->eventsOf(str("chat")).isEmpty());
        QVERIFY(ok(friendly->request(
            req("send_chat", {{str("room"), room}, {str("text"), str("still fine")}}))));
        VERIFY_UNHARMED();
    }

    // --- floods --------------------------------------------------------------------------------

    void requestFlood()
    {
        QVERIFY(startServer([](ServerConfig &c) {
            c.limits.requestsPerSecond = 20; // the defaults, said out loud
            c.maxConsecutiveRefusals = 50;
        }));
        auto host = client();
        auto attacker = client();
        QVERIFY(host && attacker);
        const QString room = hostRoom(*host);
        QVERIFY(!attacker->joinRoom(room, str("Mallory")).isEmpty());
        QVERIFY(host->waitForEventKind(str("participant_joined")));

        std::vector<qint64> ids;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 400; ++i)
            ids.push_back(attacker->send(req("ping")));
        QVERIFY(attacker->waitForDisconnected(10000));
        QCOMPARE(attacker->closeCode(), 1008);
        // Tokens refill at 20 a second while the flood is worked through.
        const qint64 refilled = timer.elapsed() * 20 / 1000 + 1;

        int accepted = 0, limited = 0, unanswered = 0, longestRefusedRun = 0, run = 0;
        for (qint64 id : ids) {
            const QJsonObject reply = attacker->waitReply(id, 0);
            if (reply.isEmpty()) {
                ++unanswered;
                continue;
            }
            if (ok(reply)) {
                ++accepted;
                run = 0;
                continue;
            }
            QCOMPARE(errorCode(reply), str("rate_limited"));
            const qint64 retry = errorOf(reply).retryAfterMs;
            QVERIFY2(retry > 0 && retry <= 50, qPrintable(QString::number(retry)));
            ++limited;
            longestRefusedRun = std::max(longestRefusedRun, ++run);
        }
        // A burst of twice the rate (40; the attacker spent two on hello and join), then
        // refusals until 50 in a row close the connection; nothing is answered after that.
        QVERIFY2(
            accepted >= 38 && accepted <= 40 + refilled,
            qPrintable(QStringLiteral("%1 accepted, %2 refilled").arg(accepted).arg(refilled)));
        QCOMPARE(longestRefusedRun, 50);
        QVERIFY(unanswered > 0);
        QCOMPARE(accepted + limited + unanswered, 400);

        // The room shows the flooder offline and carries on.
        QVERIFY(host->waitForEvent(
            [&](const QJsonObject &e) { return isPresence(e, attacker->participantId(), false); }));
        QVERIFY(
            ok(host->request(req("send_chat", {{str("room"), room}, {str("text"), str("ok")}}))));
        VERIFY_UNHARMED();
    }

    void requestsAreAllowedAgainAfterTheWait()
    {
        QVERIFY(startServer());
        auto c = client();
        QVERIFY(c);
        std::vector<qint64> ids;
        for (int i = 0; i < 45; ++i)
            ids.push_back(c->send(req("ping")));
        qint64 retry = -1;
        for (qint64 id : ids) {
            const QJsonObject reply = c->waitReply(id);
            QVERIFY(!reply.isEmpty());
            if (!ok(reply))
                retry = errorOf(reply).retryAfterMs;
        }
        QVERIFY2(retry > 0, "never limited");
        // Fewer than 50 refusals: still connected; after retryAfterMs a request goes through.
        QVERIFY(c->isConnected());
        QTest::qWait(int(retry) + 20);
        QVERIFY(ok(c->request(req("ping"))));
        VERIFY_UNHARMED();
    }

    void joinGuessFlood_data()
    {
        QTest::addColumn<QString>("guess"); // what the guesser sends as code
        QTest::addColumn<bool>("withPassword");
        QTest::addColumn<QString>("failure");
        QTest::addColumn<int>("refillSeconds");
        // Shorter refills than the default 6 s keep the wait for recovery short; a wrong
        // password costs a PBKDF2 each (slow under sanitizers), so that row keeps 6 s and
        // checks no recovery.
        QTest::newRow("unknown codes") << str("unknown") << false << str("room_not_found") << 2;
        QTest::newRow("malformed codes") << str("IIIIII") << false << str("room_not_found") << 2;
        QTest::newRow("wrong passwords") << str("target") << true << str("wrong_password") << 6;
    }

    void joinGuessFlood()
    {
        QFETCH(QString, guess);
        QFETCH(bool, withPassword);
        QFETCH(QString, failure);
        QFETCH(int, refillSeconds);
        QVERIFY(startServer([refillSeconds](ServerConfig &c) {
            c.joinFailureBurst = 10;
            c.joinFailureRefillSeconds = refillSeconds;
            c.joinFailuresPerMinuteTotal = 200;
        }));
        auto host = client();
        QVERIFY(host);
        const QJsonObject settings =
            withPassword ? QJsonObject{{str("password"), str("sesame")}} : QJsonObject();
        const QString room = hostRoom(*host, settings);
        QVERIFY(!room.isEmpty());
        host->clearEvents();
        const QString rightPassword = withPassword ? str("sesame") : QString();

        auto guesser = client();
        QVERIFY(guesser);
        auto join = [&](FastClient &who, const QString &code, const QString &password) {
            QJsonObject r = req("join_room", {{str("code"), code}, {str("displayName"), str("G")}});
            if (!password.isEmpty())
                r.insert(str("password"), password);
            return who.request(r);
        };
        // Guess until refused: a burst of 10, plus whatever refilled while guessing.
        QElapsedTimer timer;
        timer.start();
        int failures = 0;
        QJsonObject limited;
        for (int i = 0; i < 30 && limited.isEmpty(); ++i) {
            QString code = guess == str("target") ? room : guess;
            if (guess == str("unknown")) {
                code = QString(5, u'Z') + QChar(char16_t(u'2' + i % 8));
                if (code == room || code == m_bystanderCode)
                    code = QStringLiteral("YYYYY%1").arg(i % 8 + 2);
            }
            const QJsonObject reply = join(*guesser, code, QStringLiteral("guess%1").arg(i));
            if (errorCode(reply) == str("rate_limited")) {
                limited = reply;
                continue;
            }
            QCOMPARE(errorCode(reply), failure);
            ++failures;
        }
        const qint64 refilled = timer.elapsed() / (refillSeconds * 1000);
        QVERIFY2(!limited.isEmpty(), "never limited");
        QVERIFY2(failures >= 10 && failures <= 10 + refilled,
                 qPrintable(QStringLiteral("%1 failures allowed").arg(failures)));
        const qint64 retry = errorOf(limited).retryAfterMs;
        QVERIFY2(retry > 0 && retry <= refillSeconds * 1000, qPrintable(QString::number(retry)));

        // While limited, the address gets no join at all, not even with the right code (and
        // password): otherwise "rate_limited" vs "room_not_found" would tell codes apart. (Only
        // checked while the wait is long enough to be sure it is still running.)
        if (retry > 300) {
            QCOMPARE(errorCode(join(*guesser, room, rightPassword)), str("rate_limited"));
            // A new connection from the same address is limited too.
            auto again = client();
            QVERIFY(again);
            QCOMPARE(errorCode(join(*again, room, rightPassword)), str("rate_limited"));
        }
        // The room's members saw nothing of the guessing.
        QVERIFY(ok(host->request(req("ping"))));
        QVERIFY(host->events().isEmpty());
        QVERIFY(host->notices().isEmpty());

        // retryAfterMs tells the truth: after it, a right join goes through (and costs nothing).
        if (refillSeconds <= 2) {
            QTest::qWait(int(retry) + 50);
            auto later = client();
            QVERIFY(later);
            const QJsonObject joined = join(*later, room, rightPassword);
            QVERIFY2(ok(joined), qPrintable(compact(joined)));
            QVERIFY(host->waitForEventKind(str("participant_joined")));
        }
        VERIFY_UNHARMED();
    }

    void joinGuessGlobalLimit()
    {
        // The total limit alone (per-address burst out of reach) stops guessing as well.
        QVERIFY(startServer([](ServerConfig &c) {
            c.joinFailureBurst = 1000;
            c.joinFailuresPerMinuteTotal = 5;
        }));
        auto guesser = client();
        QVERIFY(guesser);
        int notFound = 0;
        QString last;
        for (int i = 0; i < 8; ++i) {
            const QJsonObject reply = guesser->request(
                req("join_room", {{str("code"), str("IIIIII")}, {str("displayName"), str("G")}}));
            last = errorCode(reply);
            if (last == str("room_not_found"))
                ++notFound;
            else
                QCOMPARE(last, str("rate_limited"));
        }
        QCOMPARE(notFound, 5);
        QCOMPARE(last, str("rate_limited"));
        VERIFY_UNHARMED();
    }

    void chatFlood()
    {
        QVERIFY(startServer([](ServerConfig &c) {
            c.limits.chatPerSecond = 5; // bursts of 10
            c.limits.requestsPerSecond = 100;
        }));
        auto host = client();
        auto attacker = client();
        QVERIFY(host && attacker);
        const QString room = hostRoom(*host);
        QVERIFY(!attacker->joinRoom(room, str("Mallory")).isEmpty());
        QVERIFY(host->waitForEventKind(str("participant_joined")));
        host->clearEvents();

        std::vector<qint64> ids;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 30; ++i)
            ids.push_back(attacker->send(
                req("send_chat",
                    {{str("room"), room}, {str("text"), QStringLiteral("spam %1").arg(i)}})));
        QList<qint64> acknowledged;
        int limited = 0;
        for (qint64 id : ids) {
            const QJsonObject reply = attacker->waitReply(id);
            QVERIFY(!reply.isEmpty());
            if (ok(reply)) {
                acknowledged.append(
                    reply.value(str("result")).toObject().value(str("seq")).toInteger());
                continue;
            }
            QCOMPARE(errorCode(reply), str("rate_limited"));
            const qint64 retry = errorOf(reply).retryAfterMs;
            QVERIFY2(retry > 0 && retry <= 200, qPrintable(QString::number(retry)));
            ++limited;
        }
        // A burst of 10, and 5 a second more while the burst is worked through.
        const qint64 refilled = timer.elapsed() * 5 / 1000 + 1;
        QVERIFY2(acknowledged.size() >= 10 && acknowledged.size() <= 10 + refilled,
                 qPrintable(QStringLiteral("%1 acknowledged, %2 refilled")
                                .arg(acknowledged.size())
                                .arg(refilled)));
        QCOMPARE(acknowledged.size() + limited, 30);
        QVERIFY(attacker->isConnected()); // 20 refusals: limited, not closed

        // The room got exactly the acknowledged messages, nothing of the refused ones.
        QVERIFY(ok(host->request(req("ping"))));
        QTRY_COMPARE(host->eventsOf(str("chat")).size(), acknowledged.size());
        QList<qint64> delivered;
        for (const QJsonObject &e : host->eventsOf(str("chat")))
            delivered.append(e.value(str("seq")).toInteger());
        QCOMPARE(delivered, acknowledged);
        // Other requests are not chat: they still work while chat is limited.
        QVERIFY(ok(attacker->request(req("room_info", {{str("room"), room}}))));
        VERIFY_UNHARMED();
    }

    // --- silent and slow peers -----------------------------------------------------------------

    void noHelloIsClosed()
    {
        QVERIFY(startServer([](ServerConfig &c) {
            c.helloTimeoutSeconds = 1;
            c.handshakeTimeoutMs = 1000;
        }));
        const int before = m_server->server()->connectionCount();
        auto mute = client(false);
        auto polite = client(false);
        QVERIFY(mute && polite);
        QVERIFY(polite->hello());
        // A TCP connection that never even finishes the WebSocket handshake.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress(QHostAddress::LocalHost), m_server->server()->port());
        QVERIFY(raw.waitForConnected(5000));

        QElapsedTimer timer;
        timer.start();
        QVERIFY(mute->waitForDisconnected(5000));
        QCOMPARE(mute->closeCode(), 1008);
        QVERIFY2(timer.elapsed() >= 500, qPrintable(QString::number(timer.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(raw.state(), QAbstractSocket::UnconnectedState, 5000);
        // The one that said hello stays.
        QTest::qWait(1500);
        QVERIFY(polite->isConnected());
        QVERIFY(ok(polite->request(req("ping"))));
        QTRY_COMPARE(m_server->server()->connectionCount(), before + 1);
        VERIFY_UNHARMED();
    }

    void silentClientIsDropped()
    {
        QVERIFY(startServer([](ServerConfig &c) {
            // Not 2: the sweep runs once a second, so a healthy peer last heard 0.95 s before
            // a sweep is first pinged at the next one, and a late timer could then already
            // find it over a 2 s timeout.
            c.limits.idleTimeoutSeconds = 3;
            c.limits.heartbeatSeconds = 1;
            c.limits.graceSeconds = 60;
        }));
        auto host = client();
        QVERIFY(host);
        const QString room = hostRoom(*host);
        const int connections = m_server->server()->connectionCount();

        RawWebSocket silent;
        QVERIFY(silent.open(m_server->server()->port()));
        const Identity me = Identity::generate();
        QVERIFY(silent.sendJson(
            {{str("id"), 1},
             {str("type"), str("hello")},
             {str("version"), Protocol::Version},
             {str("identity"), QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}}));
        QVERIFY(ok(silent.waitReply(1)));
        QVERIFY(silent.sendJson({{str("id"), 2},
                                 {str("type"), str("join_room")},
                                 {str("code"), room},
                                 {str("displayName"), str("Silent")}}));
        QVERIFY(ok(silent.waitReply(2)));
        const QString silentId = IdentityRules::participantIdFor(me.id);
        QVERIFY(host->waitForEventKind(str("participant_joined")));
        QTRY_COMPARE(m_server->server()->connectionCount(), connections + 1);

        // From now on it neither reads nor answers pings.
        QElapsedTimer timer;
        timer.start();
        QVERIFY(host->waitForEvent(
            [&](const QJsonObject &e) { return isPresence(e, silentId, false); }, 10000));
        const qint64 elapsed = timer.elapsed();
        // Not before the idle timeout (3 s), and within it plus the sweep's second and slack.
        QVERIFY2(elapsed >= 2500 && elapsed <= 7000, qPrintable(QString::number(elapsed)));
        QTRY_COMPARE(m_server->server()->connectionCount(), connections);
        // The server did ping it, and then gave up on it.
        QVERIFY(silent.waitForEof(5000));
        QVERIFY(silent.pings() >= 1);

        // The host, silent just as long but answering pings (as every WebSocket library does),
        // is still there and still online; the silent one stays in the room, offline.
        QVERIFY(host->isConnected());
        for (const QJsonObject &e : host->events())
            QVERIFY(!isPresence(e, host->participantId(), false));
        const QJsonObject info = host->request(req("room_info", {{str("room"), room}}));
        const QJsonObject roomJson =
            info.value(str("result")).toObject().value(str("room")).toObject();
        QCOMPARE(roomJson.value(str("seats")).toInt(), 2);
        QCOMPARE(roomJson.value(str("online")).toInt(), 1);
        VERIFY_UNHARMED();
    }

    void clientPingsCountAsLife()
    {
        // "A connection from which nothing at all (no frame, no pong, no ping) has arrived for
        // idleTimeoutSeconds is dropped": a peer that sends its own pings is not silent, even
        // if it never answers the server's.
        QVERIFY(startServer([](ServerConfig &c) {
            // Not 2: the sweep runs once a second, so a healthy peer last heard 0.95 s before
            // a sweep is first pinged at the next one, and a late timer could then already
            // find it over a 2 s timeout.
            c.limits.idleTimeoutSeconds = 3;
            c.limits.heartbeatSeconds = 1;
        }));
        auto host = client();
        QVERIFY(host);
        const QString room = hostRoom(*host);
        RawWebSocket pinger;
        QVERIFY(pinger.open(m_server->server()->port()));
        const Identity me = Identity::generate();
        QVERIFY(pinger.sendJson(
            {{str("id"), 1},
             {str("type"), str("hello")},
             {str("version"), Protocol::Version},
             {str("identity"), QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}}));
        QVERIFY(ok(pinger.waitReply(1)));
        QVERIFY(pinger.sendJson({{str("id"), 2},
                                 {str("type"), str("join_room")},
                                 {str("code"), room},
                                 {str("displayName"), str("Pinger")}}));
        QVERIFY(ok(pinger.waitReply(2)));
        const QString pingerId = IdentityRules::participantIdFor(me.id);
        const int connections = m_server->server()->connectionCount();

        // 1.5 s past the idle timeout since its last message, a ping every 300 ms, no pong.
        QElapsedTimer timer;
        timer.start();
        bool dropped = false;
        while (timer.elapsed() < 4500 && !dropped) {
            QVERIFY(pinger.sendPing());
            dropped = host->waitForEvent(
                [&](const QJsonObject &e) { return isPresence(e, pingerId, false); }, 300);
        }
        QVERIFY2(!dropped, qPrintable(QStringLiteral("dropped after %1 ms").arg(timer.elapsed())));
        QCOMPARE(m_server->server()->connectionCount(), connections);
        VERIFY_UNHARMED();
    }

    void refusalsThatAreNotRateLimitsDoNotClose()
    {
        // "A connection that keeps sending while limited (50 rate_limited replies in a row) is
        // closed with 1008": a client within its rate whose requests fail for other reasons is
        // not flooding.
        QVERIFY(startServer([](ServerConfig &c) {
            c.limits.requestsPerSecond = 1000;
            c.maxConsecutiveRefusals = 50;
        }));
        auto c = client();
        QVERIFY(c);
        int notMember = 0;
        for (int i = 0; i < 60 && c->isConnected(); ++i) {
            const QJsonObject reply =
                c->request(req("room_info", {{str("room"), str("ZZZZZZ")}}), 2000);
            notMember += errorCode(reply) == str("not_member");
        }
        QCOMPARE(notMember, 60);
        QVERIFY(c->isConnected());
        QVERIFY(ok(c->request(req("ping"))));
        VERIFY_UNHARMED();
    }

    void burstToAFastReaderIsNotADrop()
    {
        // "A connection that does not read what the server sends (more than 4 MiB waiting for
        // it) is dropped" — one that reads is not, however large a single burst or reply is.
        QVERIFY(startServer([](ServerConfig &c) {
            c.limits.requestsPerSecond = 100000;
            c.limits.chatPerSecond = 100000;
        }));
        QCOMPARE(m_server->config().maxQueuedBytes, qint64(4) << 20);
        auto host = client();
        auto reader = client();
        QVERIFY(host && reader);
        const QString room = hostRoom(*host);
        QVERIFY(!reader->joinRoom(room, str("Reader")).isEmpty());
        QVERIFY(host->waitForEventKind(str("participant_joined")));

        // The longest chat there is in bytes: 2000 emoji, 8000 bytes of UTF-8. 200 at once: a
        // fan-out of 1.6 MB to each member within a few group commits.
        const QString emoji = str("\xF0\x9F\x98\x80").repeated(2000);
        std::vector<qint64> ids;
        for (int i = 0; i < 200; ++i)
            ids.push_back(
                host->send(req("send_chat", {{str("room"), room}, {str("text"), emoji}})));
        for (qint64 id : ids)
            QVERIFY(ok(host->waitReply(id, 20000)));
        QVERIFY(reader->waitForEvent(
            [](const QJsonObject &e) { return e.value(str("seq")).toInteger() == 202; }, 20000));
        QCOMPARE(reader->eventsOf(str("chat")).size(), 200);
        QVERIFY(reader->isConnected());
        QVERIFY(host->isConnected());

        // A large reply: 200 chats of 2000 quotes, each escaped to 4000 bytes: ~840 KB.
        const QString quotes(2000, u'"');
        ids.clear();
        for (int i = 0; i < 200; ++i)
            ids.push_back(
                host->send(req("send_chat", {{str("room"), room}, {str("text"), quotes}})));
        for (qint64 id : ids)
            QVERIFY(ok(host->waitReply(id, 20000)));
        const QJsonObject page = reader->request(
            req("history", {{str("room"), room}, {str("after"), 202}, {str("limit"), 200}}), 20000);
        QVERIFY2(ok(page), qPrintable(QStringLiteral("%1, close code %2")
                                          .arg(compact(page).left(200))
                                          .arg(reader->closeCode())));
        const QJsonArray events =
            page.value(str("result")).toObject().value(str("events")).toArray();
        QCOMPARE(events.size(), 200);
        QCOMPARE(
            events.last().toObject().value(str("data")).toObject().value(str("text")).toString(),
            quotes);
        QVERIFY(reader->isConnected());
        const QList<QJsonObject> seen = host->events();
        for (const QJsonObject &e : seen)
            QVERIFY(!isPresence(e, reader->participantId(), false));
        VERIFY_UNHARMED();
    }

    void largeNonAsciiReplyArrivesIntact()
    {
        // The largest reply there is: a page of 200 chats of 2000 emoji, ~1.65 MB, to a Qt
        // client (like the desktop app).
        QVERIFY(startServer([](ServerConfig &c) {
            c.limits.requestsPerSecond = 100000;
            c.limits.chatPerSecond = 100000;
        }));
        auto host = client();
        QVERIFY(host);
        const QString room = hostRoom(*host);
        const QString emoji = str("\xF0\x9F\x98\x80").repeated(2000);
        for (int round = 0; round < 4; ++round) {
            std::vector<qint64> ids;
            for (int i = 0; i < 50; ++i)
                ids.push_back(
                    host->send(req("send_chat", {{str("room"), room}, {str("text"), emoji}})));
            for (qint64 id : ids)
                QVERIFY(ok(host->waitReply(id, 20000)));
        }
        // Where the 512 KiB frame boundaries fall depends on the reply's exact length: ids of 1
        // to 4 digits shift it through all four byte offsets, two page sizes move it further.
        int answered = 0, tries = 0;
        QString failure;
        for (int limit : {200, 199}) {
            for (const char *id : {"7", "77", "777", "7777"}) {
                ++tries;
                auto reader = client();
                QVERIFY(reader);
                // A name each: the readers stay in the room, and names there are unique.
                QVERIFY(!reader->joinRoom(room, QStringLiteral("Reader %1").arg(tries)).isEmpty());
                reader->sendText(QStringLiteral(R"({"id":%1,"type":"history","room":"%2",)"
                                                R"("before":202,"limit":%3})")
                                     .arg(QLatin1String(id), room)
                                     .arg(limit));
                QJsonObject page;
                QVERIFY(waitUntil(
                    [&] {
                        page = reader->TestClient::waitReply(QByteArray(id).toLongLong(), 0);
                        return !page.isEmpty() || !reader->isConnected();
                    },
                    20000));
                const QJsonArray events =
                    page.value(str("result")).toObject().value(str("events")).toArray();
                if (ok(page) && events.size() == limit &&
                    events.last().toObject().value(str("data")).toObject().value(str("text")) ==
                        emoji) {
                    ++answered;
                } else if (failure.isEmpty()) {
                    failure = QStringLiteral("id %1, limit %2: close code %3 (%4)")
                                  .arg(QLatin1String(id))
                                  .arg(limit)
                                  .arg(reader->closeCode())
                                  .arg(reader->socket().closeReason());
                }
            }
        }
        qInfo("%d of %d large replies arrived", answered, tries);
        QVERIFY2(answered == tries, qPrintable(failure));
        VERIFY_UNHARMED();
    }

    void slowReaderIsDropped()
    {
        QVERIFY(startServer([](ServerConfig &c) {
            c.maxQueuedBytes = 64 * 1024;
            c.limits.requestsPerSecond = 100000;
            c.limits.chatPerSecond = 100000;
        }));
        auto host = client();
        auto reader = client();
        QVERIFY(host && reader);
        const QString room = hostRoom(*host);
        QVERIFY(!reader->joinRoom(room, str("Reader")).isEmpty());

        RawWebSocket slow;
        QVERIFY(slow.open(m_server->server()->port(), 4096));
        const Identity me = Identity::generate();
        QVERIFY(slow.sendJson(
            {{str("id"), 1},
             {str("type"), str("hello")},
             {str("version"), Protocol::Version},
             {str("identity"), QJsonObject{{str("id"), me.id}, {str("secret"), me.secret}}}}));
        QVERIFY(ok(slow.waitReply(1)));
        QVERIFY(slow.sendJson({{str("id"), 2},
                               {str("type"), str("join_room")},
                               {str("code"), room},
                               {str("displayName"), str("Slow")}}));
        QVERIFY(ok(slow.waitReply(2)));
        const QString slowId = IdentityRules::participantIdFor(me.id);
        QVERIFY(host->waitForEvent([&](const QJsonObject &e) {
            return e.value(str("event")).toString() == str("participant_joined") &&
                   e.value(str("data"))
                           .toObject()
                           .value(str("participant"))
                           .toObject()
                           .value(str("id"))
                           .toString() == slowId;
        }));
        const int connections = m_server->server()->connectionCount();

        // The room floods; the slow one never reads another byte.
        const QString text = QString(1900, u'w');
        QList<qint64> acknowledged;
        bool dropped = false;
        // How much it takes depends on the kernel's socket buffers (the server's send buffer
        // grows up to tcp_wmem's maximum, 4 MiB by default); 5000 messages are 10 MB. Twenty
        // at a time keep each burst to the host, which does read, well under this test's small
        // maxQueuedBytes.
        for (int round = 0; round < 250 && !dropped; ++round) {
            std::vector<qint64> ids;
            for (int i = 0; i < 20; ++i)
                ids.push_back(
                    host->send(req("send_chat", {{str("room"), room}, {str("text"), text}})));
            for (qint64 id : ids) {
                const QJsonObject reply = host->waitReply(id, 10000);
                QVERIFY2(ok(reply), qPrintable(compact(reply)));
                acknowledged.append(
                    reply.value(str("result")).toObject().value(str("seq")).toInteger());
            }
            const QList<QJsonObject> seen = host->events();
            dropped = std::any_of(seen.cbegin(), seen.cend(), [&](const QJsonObject &e) {
                return isPresence(e, slowId, false);
            });
        }
        QVERIFY2(
            dropped,
            qPrintable(
                QStringLiteral("not dropped after %1 messages of 2 KB").arg(acknowledged.size())));
        qInfo("slow reader dropped after %d messages", int(acknowledged.size()));
        QTRY_COMPARE(m_server->server()->connectionCount(), connections - 1);

        // The reader that does read got every message, in order; the host lost nothing.
        QTRY_COMPARE_WITH_TIMEOUT(reader->eventsOf(str("chat")).size(), acknowledged.size(), 10000);
        QList<qint64> delivered;
        for (const QJsonObject &e : reader->eventsOf(str("chat")))
            delivered.append(e.value(str("seq")).toInteger());
        QCOMPARE(delivered, acknowledged);
        QVERIFY(reader->isConnected());
        QVERIFY(host->isConnected());
        VERIFY_UNHARMED();
    }
};

QTEST_GUILESS_MAIN(tst_BadInput)
#include "tst_badinput.moc"
