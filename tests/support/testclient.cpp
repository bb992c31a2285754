#include "testclient.h"

#include "protocol/protocol.h"
#include "protocol/replies.h"

#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

namespace {

// The reply frame read by the codec; nothing when it is not a well-formed reply (or none came).
std::optional<Reply> readReply(const QJsonObject &frame)
{
    return Reply::fromJson(frame).value;
}

// The error code's wire name; empty for a success or anything that is not a reply.
QString errorCodeOf(const QJsonObject &frame)
{
    const std::optional<Reply> r = readReply(frame);
    return r && !r->ok ? QString(errorCodeName(r->error.code)) : QString();
}

} // namespace

TestClient::TestClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestClient::onText);
    connect(&m_socket, &QWebSocket::disconnected, this,
            [this] { m_closeCode = int(m_socket.closeCode()); });
    // A self-signed host certificate is accepted only when it is exactly the one trusted.
    connect(&m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        const QSslCertificate presented = m_socket.sslConfiguration().peerCertificate();
        if (!m_trusted.isNull() && presented == m_trusted)
            m_socket.ignoreSslErrors(errors);
        else
            m_sslErrors += errors;
    });
}

void TestClient::trustCertificate(const QSslCertificate &certificate)
{
    m_trusted = certificate;
}

TestClient::~TestClient()
{
    m_socket.abort();
}

bool TestClient::connectTo(const QUrl &url, int timeoutMs)
{
    m_socket.open(url);
    return QTest::qWaitFor([this] { return isConnected(); }, timeoutMs);
}

bool TestClient::isConnected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void TestClient::disconnectNow()
{
    m_socket.abort();
}

bool TestClient::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                           timeoutMs);
}

qint64 TestClient::send(QJsonObject request)
{
    const qint64 id = m_nextId++;
    request.insert(QStringLiteral("id"), id);
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact)));
    return id;
}

void TestClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void TestClient::sendBinary(const QByteArray &data)
{
    m_socket.sendBinaryMessage(data);
}

QJsonObject TestClient::waitReply(qint64 id, int timeoutMs)
{
    if (!QTest::qWaitFor([&] { return m_replies.contains(id); }, timeoutMs))
        return {};
    return m_replies.take(id);
}

QJsonObject TestClient::request(const QJsonObject &request, int timeoutMs)
{
    return waitReply(send(request), timeoutMs);
}

QJsonObject TestClient::waitAnonymousReply(int timeoutMs)
{
    if (!QTest::qWaitFor([&] { return !m_anonymousReplies.isEmpty(); }, timeoutMs))
        return {};
    return m_anonymousReplies.isEmpty() ? QJsonObject() : m_anonymousReplies.takeFirst();
}

bool TestClient::hello(const Identity &identity)
{
    m_identity = identity;
    const QJsonObject reply = request(
        {{QStringLiteral("type"), QStringLiteral("hello")},
         {QStringLiteral("version"), Protocol::Version},
         {QStringLiteral("identity"), QJsonObject{{QStringLiteral("id"), identity.id},
                                                  {QStringLiteral("secret"), identity.secret}}}});
    const std::optional<Reply> r = readReply(reply);
    const std::optional<HelloResult> result =
        r && r->ok ? HelloResult::fromJson(r->result).value : std::nullopt;
    m_participantId = result ? result->participant : QString();
    m_lastError = errorCodeOf(reply);
    return result.has_value();
}

QJsonObject TestClient::createRoom(const QString &name, const QString &displayName, int capacity,
                                   const QJsonObject &settings)
{
    QJsonObject req{{QStringLiteral("type"), QStringLiteral("create_room")},
                    {QStringLiteral("name"), name},
                    {QStringLiteral("displayName"), displayName},
                    {QStringLiteral("capacity"), capacity}};
    if (!settings.isEmpty())
        req.insert(QStringLiteral("settings"), settings);
    const QJsonObject reply = request(req);
    m_lastError = errorCodeOf(reply);
    return reply.value(QStringLiteral("result")).toObject();
}

QJsonObject TestClient::joinRoom(const QString &code, const QString &displayName,
                                 const QString &role)
{
    const QJsonObject reply = request({{QStringLiteral("type"), QStringLiteral("join_room")},
                                       {QStringLiteral("code"), code},
                                       {QStringLiteral("displayName"), displayName},
                                       {QStringLiteral("role"), role}});
    m_lastError = errorCodeOf(reply);
    return reply.value(QStringLiteral("result")).toObject();
}

QList<QJsonObject> TestClient::eventsOf(const QString &kind) const
{
    QList<QJsonObject> out;
    for (const QJsonObject &e : m_events) {
        if (e.value(QStringLiteral("event")).toString() == kind)
            out.append(e);
    }
    return out;
}

bool TestClient::waitForEvent(const std::function<bool(const QJsonObject &)> &predicate,
                              int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            for (const QJsonObject &e : std::as_const(m_events)) {
                if (predicate(e))
                    return true;
            }
            return false;
        },
        timeoutMs);
}

bool TestClient::waitForEventKind(const QString &kind, int timeoutMs)
{
    return waitForEvent(
        [&](const QJsonObject &e) { return e.value(QStringLiteral("event")).toString() == kind; },
        timeoutMs);
}

bool TestClient::waitForNotice(const QString &kind, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            for (const QJsonObject &n : std::as_const(m_notices)) {
                if (n.value(QStringLiteral("notice")).toString() == kind)
                    return true;
            }
            return false;
        },
        timeoutMs);
}

void TestClient::onText(const QString &text)
{
    // Sorted by the codec; kept as JSON, for the tests that look at the frames themselves. A
    // frame the codec cannot read is dropped: a test waiting for it fails, as it should.
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const Decoded<ServerMessage> message = readServerMessage(frame);
    if (!message.value) {
        qWarning() << "TestClient: unreadable frame from the server:" << message.error << text;
        return;
    }
    if (const auto *reply = std::get_if<Reply>(&*message.value)) {
        if (reply->id < 0)
            m_anonymousReplies.append(frame);
        else
            m_replies.insert(reply->id, frame);
    } else if (std::holds_alternative<RoomEvent>(*message.value)) {
        m_events.append(frame);
    } else {
        m_notices.append(frame);
    }
}
