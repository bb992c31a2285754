#include "testclient.h"

#include "protocol/protocol.h"

#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

TestClient::TestClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestClient::onText);
    connect(&m_socket, &QWebSocket::disconnected, this,
            [this] { m_closeCode = int(m_socket.closeCode()); });
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
    m_participantId = reply.value(QStringLiteral("result"))
                          .toObject()
                          .value(QStringLiteral("participant"))
                          .toString();
    m_lastError =
        reply.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    return reply.value(QStringLiteral("ok")).toBool();
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
    m_lastError =
        reply.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    return reply.value(QStringLiteral("result")).toObject();
}

QJsonObject TestClient::joinRoom(const QString &code, const QString &displayName,
                                 const QString &role)
{
    const QJsonObject reply = request({{QStringLiteral("type"), QStringLiteral("join_room")},
                                       {QStringLiteral("code"), code},
                                       {QStringLiteral("displayName"), displayName},
                                       {QStringLiteral("role"), role}});
    m_lastError =
        reply.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
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
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = frame.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("reply")) {
        const QJsonValue id = frame.value(QStringLiteral("id"));
        if (id.isNull())
            m_anonymousReplies.append(frame);
        else
            m_replies.insert(qint64(id.toDouble()), frame);
    } else if (type == QLatin1String("event")) {
        m_events.append(frame);
    } else if (type == QLatin1String("notice")) {
        m_notices.append(frame);
    }
}
