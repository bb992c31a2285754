#pragma once

#include "security/hostcertificate.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUrl>

class QWebSocket;
class QWebSocketServer;

// A WebSocket relay on 127.0.0.1 in front of a room server: every client connection gets a
// connection of its own to `backend`, and text frames go both ways unchanged. Two uses:
// - with a certificate, it is a wss:// front for a plain test server (real TLS on loopback,
//   QWebSocketServer in SecureMode), until the server serves TLS itself;
// - it keeps every frame clients sent (received()), as a host that records everything would.
class RelayServer : public QObject
{
    Q_OBJECT
public:
    // `certificate` invalid: plain ws://.
    explicit RelayServer(const QUrl &backend, const HostCertificate &certificate = {},
                         QObject *parent = nullptr);
    ~RelayServer() override;

    bool listen(quint16 port = 0);
    void close();
    QUrl url() const; // ws://127.0.0.1:PORT/ or wss://…
    quint16 port() const;
    // Every text frame a client sent, in order.
    QList<QString> received() const { return m_received; }
    int connectionCount() const { return m_connections; }

private:
    void onNewConnection();

    QUrl m_backend;
    QWebSocketServer *m_server = nullptr;
    bool m_secure = false;
    QList<QString> m_received;
    int m_connections = 0;
};
