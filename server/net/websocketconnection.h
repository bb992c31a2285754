#pragma once

#include "websocketframe.h"

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtNetwork/QHostAddress>

class OutputFlusher;
class QTcpSocket;

// One accepted TCP connection speaking WebSocket (RFC 6455) as the server: the HTTP upgrade,
// then frames both ways, pings, and the close handshake. Output is queued and written once per
// event-loop pass (OutputFlusher); pre-encoded frames are shared, not copied, between
// recipients. Knows nothing of the room protocol: it reports text messages, and the server
// answers them.
class WebSocketConnection : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QByteArray serverName;           // the upgrade response's Server header
        qint64 maxMessageBytes = 65536;  // larger frames or messages close with 1009
        qint64 maxQueuedBytes = 4 << 20; // a peer with more waiting for it is dropped
    };
    enum class State { Handshaking, Open, Closing, Closed };

    // Takes ownership of the socket (already connected).
    WebSocketConnection(QTcpSocket *socket, const Options &options, OutputFlusher *flusher,
                        QObject *parent = nullptr);
    ~WebSocketConnection() override;

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    QHostAddress peerAddress() const;

    // Queues one text message (UTF-8, already valid) as one frame.
    void sendText(QByteArrayView utf8);
    // Queues a frame from WebSocketFrame::encode(); the bytes are shared, not copied.
    void sendFrame(const QByteArray &frame);
    void ping();
    // Sends a close frame after everything queued, then closes the TCP connection.
    void close(quint16 code, const QString &reason);
    // Drops the TCP connection at once; disconnected() is emitted before this returns.
    void abort();

    // Hands everything queued to the socket now (normally the OutputFlusher does this once per
    // event-loop pass).
    void flush();
    // Bytes queued here or in the socket, not yet taken by the kernel.
    qint64 bytesToWrite() const;
    // For the OutputFlusher: the flush it was scheduled for.
    void flushScheduled()
    {
        m_scheduled = false;
        flush();
    }

Q_SIGNALS:
    void opened();                             // the upgrade succeeded
    void bytesReceived();                      // anything at all arrived (a sign of life)
    void textReceived(const QByteArray &utf8); // one whole, valid text message
    void binaryReceived();
    void disconnected(); // the TCP connection is gone (after a handshake or not)

private:
    void onReadyRead();
    void handshake();
    void decodeFrames();
    void queue(const QByteArray &frame);
    void fail(quint16 code, const QString &reason);
    // A peer with more than maxQueuedBytes waiting even after a flush does not read.
    void checkBacklog();

    QTcpSocket *m_socket;
    OutputFlusher *m_flusher;
    Options m_options;
    State m_state = State::Handshaking;
    bool m_scheduled = false;
    QByteArray m_in;  // the upgrade request, until it is complete
    QByteArray m_out; // frames queued since the last flush
    WebSocketFrame::Decoder m_decoder;
};
