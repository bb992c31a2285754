#pragma once

#include "clientconnection.h"

#include <QtCore/QPointer>

class QSslSocket;
class QTcpSocket;
class QWebSocket;

// The Qt transport's connection: a QWebSocket (already upgraded by QtListener) over a
// QTcpSocket, or a QSslSocket for wss://. Applies the guards of ClientConnection: the frame
// and message limits on the QWebSocket itself, and a cap on the output queued in Qt's socket
// buffers (a peer that does not read is dropped).
class QtClientConnection : public ClientConnection
{
    Q_OBJECT
public:
    struct Options {
        qint64 maxMessageBytes = 65536;  // larger frames or messages close with 1009
        qint64 maxQueuedBytes = 4 << 20; // a peer with more waiting for it is dropped
    };

    // Takes ownership of `webSocket`; `socket` is the connection under it (QWebSocketServer
    // deletes it once it is disconnected).
    QtClientConnection(QWebSocket *webSocket, QTcpSocket *socket, const Options &options,
                       QObject *parent = nullptr);
    ~QtClientConnection() override;

    bool isOpen() const override { return m_open; }
    QHostAddress peerAddress() const override { return m_peerAddress; }
    void sendText(QByteArrayView utf8) override;
    void sendShared(const SharedMessage &message) override;
    void ping() override;
    void close(quint16 code, const QString &reason) override;
    void abort() override;
    qint64 bytesToWrite() const override;

private:
    void lose();
    // Drops the peer (later: not from inside a fan-out) when more than maxQueuedBytes wait.
    void checkBacklog();

    QPointer<QWebSocket> m_webSocket;
    QPointer<QTcpSocket> m_socket;
    // The same socket when it is a QSslSocket (wss://), found once: bytesToWrite() runs for
    // every message sent.
    QPointer<QSslSocket> m_sslSocket;
    Options m_options;
    QHostAddress m_peerAddress;
    bool m_open = true;
    bool m_lost = false;
    bool m_dropping = false;
};
