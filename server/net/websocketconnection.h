#pragma once

#include "transport/clientconnection.h"
#include "websocketframe.h"

#include <QtCore/QByteArray>
#include <QtNetwork/QHostAddress>

class OutputFlusher;
class QSocketNotifier;

// The native transport's ClientConnection (HEARTH_NATIVE_TRANSPORT): one accepted TCP
// connection speaking WebSocket (RFC 6455) as the server: the HTTP upgrade,
// then frames both ways, pings, and the close handshake. Output is queued and written once per
// event-loop pass (OutputFlusher); pre-encoded frames are shared, not copied, between
// recipients. Knows nothing of the room protocol: it reports text messages, and the server
// answers them.
//
// It drives a bare non-blocking socket descriptor (read(), send(), shutdown()) with a read
// notifier and, only while the kernel does not take all output, a write notifier: a
// QTcpSocket per connection was most of the server's per-connection CPU and memory
// (docs/benchmarks.md). So this transport is POSIX only (Q_OS_UNIX); works on any Qt event
// dispatcher.
class WebSocketConnection : public ClientConnection
{
    Q_OBJECT
public:
    struct Options {
        QByteArray serverName;           // the upgrade response's Server header
        qint64 maxMessageBytes = 65536;  // larger frames or messages close with 1009
        qint64 maxQueuedBytes = 4 << 20; // a peer with more waiting for it is dropped
    };
    enum class State { Handshaking, Open, Closing, Closed };

    // Takes ownership of the descriptor of a connected TCP socket (from accept(), e.g.
    // TcpListener::accepted): makes it non-blocking and close-on-exec, turns Nagle off and
    // reads the peer's address. Closes it when the connection ends or is destroyed.
    WebSocketConnection(qintptr socketDescriptor, const Options &options, OutputFlusher *flusher,
                        QObject *parent = nullptr);
    ~WebSocketConnection() override;

    State state() const { return m_state; }
    bool isOpen() const override { return m_state == State::Open; }
    QHostAddress peerAddress() const override { return m_peerAddress; }

    // Queues one text message (UTF-8, already valid) as one frame.
    void sendText(QByteArrayView utf8) override;
    // Queues the message's frame, encoded by the first recipient; the bytes are shared, not
    // copied.
    void sendShared(const SharedMessage &message) override
    {
        sendFrame(message.encoded([](const QByteArray &payload) {
            return WebSocketFrame::encode(WebSocketFrame::Text, payload);
        }));
    }
    // Queues a frame from WebSocketFrame::encode(); the bytes are shared, not copied.
    void sendFrame(const QByteArray &frame);
    void ping() override;
    // Sends a close frame after everything queued, then ends the TCP connection: shuts down
    // writing once the queue is out, discards what the peer still sends until it closes too
    // (or closeTimeoutMs passes), closes the descriptor and emits disconnected().
    void close(quint16 code, const QString &reason) override;
    // Drops the TCP connection at once; disconnected() is emitted before this returns.
    void abort() override;

    // Hands everything queued to the socket now (normally the OutputFlusher does this once per
    // event-loop pass).
    void flush();
    // Bytes queued here, not yet taken by the kernel.
    qint64 bytesToWrite() const override;
    // For the OutputFlusher: the flush it was scheduled for.
    void flushScheduled()
    {
        m_scheduled = false;
        flush();
    }

    // Signals: ClientConnection's (opened, bytesReceived, textReceived, binaryReceived,
    // disconnected).

private:
    void onReadable();
    void onWritable();
    void received(const QByteArray &data);
    void handshake();
    void decodeFrames();
    void queue(const QByteArray &frame);
    void fail(quint16 code, const QString &reason);
    // Our close frame (or refusal) is queued: flush it, then hang up (see close()).
    void startClosing();
    // The connection is gone: close the descriptor, emit disconnected() (once).
    void lose();
    // Abort later, not from inside a fan-out loop (abort() emits disconnected() at once).
    void abortLater();
    void setWriteNotifierEnabled(bool enabled);
    void closeDescriptor();
    // A peer with more than maxQueuedBytes waiting even after a flush does not read.
    void checkBacklog();

    int m_fd;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // made when the kernel first leaves output
    QHostAddress m_peerAddress;
    OutputFlusher *m_flusher;
    Options m_options;
    State m_state = State::Handshaking;
    bool m_scheduled = false;
    bool m_writeShutDown = false; // Closing: our side of the TCP connection is shut down
    bool m_aborting = false;      // an abort is on its way (abortLater)
    QByteArray m_in;              // the upgrade request, until it is complete
    QByteArray m_out;             // frames queued since the last flush
    WebSocketFrame::Decoder m_decoder;
};
