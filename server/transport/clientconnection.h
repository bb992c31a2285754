#pragma once

#include "sharedmessage.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QObject>
#include <QtNetwork/QHostAddress>

// One client's WebSocket connection as the room server sees it, whichever transport carries it
// (server/transport/qtclientconnection.h: QWebSocket, every platform, TLS; server/net: the
// Linux fast path on bare sockets). The server speaks protocol v1 over it and knows nothing of
// sockets: it sends text, pings, closes, and hears text, binary messages and the end.
//
// A transport applies the guards the server relies on: larger frames or messages than
// maxMessageBytes close with 1009, and a peer with more than maxQueuedBytes waiting for it (it
// does not read, or floods pings) is dropped (abort()).
class ClientConnection : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // True once the WebSocket upgrade is done and until close() or abort() or the end.
    virtual bool isOpen() const = 0;
    virtual QHostAddress peerAddress() const = 0;

    // Queues one text message (UTF-8, already valid).
    virtual void sendText(QByteArrayView utf8) = 0;
    // Queues a message shared by many recipients (a fan-out), without a copy per recipient.
    virtual void sendShared(const SharedMessage &message) = 0;
    virtual void ping() = 0;
    // Sends a close frame (code and reason) after everything queued, then ends the connection;
    // a peer that does not answer is dropped after a few seconds. disconnected() follows.
    virtual void close(quint16 code, const QString &reason) = 0;
    // Drops the connection at once; disconnected() is emitted before this returns (unless it
    // already was).
    virtual void abort() = 0;
    // Output queued in this process for the peer, not yet taken by the kernel.
    virtual qint64 bytesToWrite() const = 0;

Q_SIGNALS:
    void opened();                             // the upgrade succeeded
    void bytesReceived();                      // anything at all arrived (a sign of life)
    void textReceived(const QByteArray &utf8); // one whole, valid text message
    void binaryReceived();
    void disconnected(); // the connection is gone (after its upgrade or not); once
};

// Accepts connections for one transport: listens on a TCP port and hands over each
// connection, as a ClientConnection, by newConnection().
class ClientListener : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual bool listen(const QHostAddress &address, quint16 port, int backlog) = 0;
    // Stops listening and drops the connections whose handshake is not done yet.
    virtual void close() = 0;
    virtual bool isListening() const = 0;
    virtual quint16 serverPort() const = 0;
    virtual QHostAddress serverAddress() const = 0;
    virtual QString errorString() const = 0;
    // True when connections are wss:// (TLS).
    virtual bool isSecure() const = 0;

Q_SIGNALS:
    // A new connection: open already (isOpen()), or still doing its upgrade (then opened() or
    // disconnected() follows). The receiver owns it (it is a child of the listener until then).
    void newConnection(ClientConnection *connection);
};
