#pragma once

#include "protocol/identity.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslError>
#include <QtWebSockets/QWebSocket>

#include <functional>

// A raw protocol client for tests (hello says Protocol::Version and sends the secret it is given):
// a real QWebSocket, JSON in and out, replies matched by id, and every event and notice kept in
// arrival order so a test can assert on exactly what this connection saw.
class TestClient : public QObject
{
    Q_OBJECT
public:
    explicit TestClient(QObject *parent = nullptr);
    ~TestClient() override;

    bool connectTo(const QUrl &url, int timeoutMs = 5000);
    // wss://: accept this (self-signed) certificate, and no other, despite its TLS errors.
    void trustCertificate(const QSslCertificate &certificate);
    // The TLS errors of certificates that were not trusted (the connection then failed).
    QList<QSslError> sslErrors() const { return m_sslErrors; }
    bool isConnected() const;
    void disconnectNow(); // abort, as a pulled cable would (no close frame)
    bool waitForDisconnected(int timeoutMs = 5000);
    int closeCode() const { return m_closeCode; }

    // Sends a request (an "id" is added) and returns its id without waiting.
    qint64 send(QJsonObject request);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    // The whole reply frame for `id`; an empty object on timeout.
    QJsonObject waitReply(qint64 id, int timeoutMs = 5000);
    // send() + waitReply().
    QJsonObject request(const QJsonObject &request, int timeoutMs = 5000);
    // The next reply frame with "id": null (replies to unreadable frames).
    QJsonObject waitAnonymousReply(int timeoutMs = 5000);

    // Convenience: hello with `identity` (a fresh one by default); true when accepted.
    bool hello(const Identity &identity = Identity::generate());
    const Identity &identity() const { return m_identity; }
    QString participantId() const { return m_participantId; }

    // create_room / join_room; the reply's "result" (empty on failure; see lastError()).
    QJsonObject createRoom(const QString &name, const QString &displayName, int capacity = 10,
                           const QJsonObject &settings = {});
    QJsonObject joinRoom(const QString &code, const QString &displayName,
                         const QString &role = QStringLiteral("member"));
    QString lastError() const { return m_lastError; }

    QList<QJsonObject> events() const { return m_events; }
    QList<QJsonObject> notices() const { return m_notices; }
    QList<QJsonObject> eventsOf(const QString &kind) const;
    void clearEvents() { m_events.clear(); }
    // Waits until an event matching `predicate` has arrived (also one already kept).
    bool waitForEvent(const std::function<bool(const QJsonObject &)> &predicate,
                      int timeoutMs = 5000);
    bool waitForEventKind(const QString &kind, int timeoutMs = 5000);
    bool waitForNotice(const QString &kind, int timeoutMs = 5000);

    QWebSocket &socket() { return m_socket; }

private:
    void onText(const QString &text);

    QWebSocket m_socket;
    QSslCertificate m_trusted;
    QList<QSslError> m_sslErrors;
    Identity m_identity;
    QString m_participantId;
    qint64 m_nextId = 1;
    QHash<qint64, QJsonObject> m_replies;
    QList<QJsonObject> m_anonymousReplies;
    QList<QJsonObject> m_events;
    QList<QJsonObject> m_notices;
    QString m_lastError;
    int m_closeCode = -1;
};
