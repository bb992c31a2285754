#pragma once

#include "clientconnection.h"
#include "qtclientconnection.h"
#include "serverconfig.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QTimer>
#include <QtNetwork/QSslConfiguration>

class QTcpSocket;
class QWebSocketServer;
class QtAcceptor;

// The Qt transport's listener, on every platform: a QTcpServer of ours accepts (with the
// configured backlog), wraps each connection in a QSslSocket for wss:// (TLS 1.2 or later,
// 1.3 when the client has it) or a QTcpSocket for ws://, and once TLS is up hands it to a
// QWebSocketServer, used only for its HTTP upgrade (handleConnection()). Doing the accepting
// and TLS ourselves, rather than through QWebSocketServer's own QSslServer, gives us the
// backlog and a log line for every connection that fails before it is a WebSocket: a garbage
// or aborted TLS handshake, a plain client on a TLS port (QSslServer drops those silently), a
// refused upgrade, a handshake that does not finish within handshakeTimeoutMs.
class QtListener : public ClientListener
{
    Q_OBJECT
public:
    explicit QtListener(const ServerConfig &config, QObject *parent = nullptr);
    ~QtListener() override;

    bool listen(const QHostAddress &address, quint16 port, int backlog) override;
    void close() override;
    bool isListening() const override;
    quint16 serverPort() const override;
    QHostAddress serverAddress() const override;
    QString errorString() const override;
    bool isSecure() const override { return m_secure; }

    // Connections accepted whose TLS handshake or upgrade is not done yet.
    int pendingHandshakes() const { return int(m_pending.size()); }

private:
    enum class Stage { Tls, Upgrade };
    struct Pending {
        QElapsedTimer age;
        Stage stage = Stage::Tls;
        QString peer;
    };

    void accept(qintptr socketDescriptor);
    void upgrade(QTcpSocket *socket);
    void takeUpgraded();
    void forget(QTcpSocket *socket);
    void sweep();

    QtAcceptor *m_acceptor;
    QWebSocketServer *m_upgrader;
    QSslConfiguration m_tls;
    bool m_secure = false;
    int m_handshakeTimeoutMs;
    QtClientConnection::Options m_options;
    QHash<QTcpSocket *, Pending> m_pending;
    QTimer m_sweepTimer;
};
