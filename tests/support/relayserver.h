#pragma once

#include "security/hostcertificate.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUrl>

class QSslError;
class QWebSocket;
class QWebSocketServer;

// A WebSocket relay on 127.0.0.1 in front of a room server: every client connection gets a
// connection of its own to `backend`, and text frames go both ways unchanged. Two uses:
// - with a certificate, it is a wss:// front (real TLS on loopback, QWebSocketServer in
//   SecureMode) showing that certificate instead of the backend's: a host reached through
//   another certificate (reinstalled, or someone in between), before a plain test server or
//   before a host that serves wss:// itself (see expectBackendCertificate());
// - it keeps every frame clients sent (received()), as a host that records everything would.
class RelayServer : public QObject
{
    Q_OBJECT
public:
    // `certificate` invalid: plain ws://.
    explicit RelayServer(const QUrl &backend, const HostCertificate &certificate = {},
                         QObject *parent = nullptr);
    ~RelayServer() override;

    // A wss:// backend (an embedded host) shows a self-signed certificate: the relay accepts
    // exactly the one with this fingerprint (Fingerprint::of), as a client that pinned it
    // would, and no other. Without it, a wss:// backend is refused. Set before listen().
    void expectBackendCertificate(const QByteArray &fingerprint)
    {
        m_backendFingerprint = fingerprint;
    }

    bool listen(quint16 port = 0);
    void close();
    QUrl url() const; // ws://127.0.0.1:PORT/ or wss://…
    quint16 port() const;
    // Every text frame a client sent, in order.
    QList<QString> received() const { return m_received; }
    int connectionCount() const { return m_connections; }

private:
    void onNewConnection();
    // Ignores the TLS errors of a backend connection (self-signed, another name) when all of
    // them are about the expected certificate; any other stays and fails the handshake.
    void checkBackendCertificate(QWebSocket *back, const QList<QSslError> &errors);

    QUrl m_backend;
    QByteArray m_backendFingerprint;
    QWebSocketServer *m_server = nullptr;
    bool m_secure = false;
    QList<QString> m_received;
    int m_connections = 0;
};
