#include "websocketconnection.h"

#include "httpupgrade.h"
#include "outputflusher.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpSocket>

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcConnection, "hearth.server.connection")

namespace {
// After our close frame, how long a peer may take to let the TCP connection go.
constexpr int closeTimeoutMs = 5000;
} // namespace

WebSocketConnection::WebSocketConnection(QTcpSocket *socket, const Options &options,
                                         OutputFlusher *flusher, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_flusher(flusher)
    , m_options(options)
    , m_decoder(options.maxMessageBytes, options.maxMessageBytes)
{
    m_socket->setParent(this);
    // Frames are coalesced per event-loop pass already; Nagle would only add a round trip.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QIODevice::readyRead, this, &WebSocketConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
        m_state = State::Closed;
        m_out.clear();
        Q_EMIT disconnected();
    });
}

WebSocketConnection::~WebSocketConnection()
{
    // The socket's last signals (an abort in its destructor) must not reach us half-destroyed.
    m_socket->disconnect(this);
    if (m_scheduled)
        m_flusher->forget(this);
}

QHostAddress WebSocketConnection::peerAddress() const
{
    return m_socket->peerAddress();
}

void WebSocketConnection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (data.isEmpty())
        return;
    Q_EMIT bytesReceived();
    if (m_state == State::Handshaking) {
        m_in += data;
        handshake();
    } else if (m_state == State::Open) {
        m_decoder.append(data);
        decodeFrames();
    }
    // Closing: what a peer sends after our close frame is not read.
}

void WebSocketConnection::handshake()
{
    const HttpUpgrade::Result result = HttpUpgrade::parse(m_in, m_options.serverName);
    switch (result.status) {
    case HttpUpgrade::Status::Incomplete:
        return;
    case HttpUpgrade::Status::Refused:
        m_in.clear();
        m_state = State::Closing;
        m_socket->write(result.response);
        m_socket->disconnectFromHost();
        QTimer::singleShot(closeTimeoutMs, this, &WebSocketConnection::abort);
        return;
    case HttpUpgrade::Status::Accepted:
        break;
    }
    // A client may send its first frames right behind the request, in the same packet.
    const QByteArray rest = m_in.mid(result.consumed);
    m_in = QByteArray();
    m_state = State::Open;
    queue(result.response);
    Q_EMIT opened();
    if (!rest.isEmpty() && m_state == State::Open) {
        m_decoder.append(rest);
        decodeFrames();
    }
}

void WebSocketConnection::decodeFrames()
{
    using Kind = WebSocketFrame::Decoder::Kind;
    while (m_state == State::Open) {
        std::optional<WebSocketFrame::Decoder::Message> message = m_decoder.next();
        if (!message) {
            if (m_decoder.failed())
                fail(m_decoder.failureCode(), m_decoder.failureReason());
            return;
        }
        switch (message->kind) {
        case Kind::Text:
            Q_EMIT textReceived(message->payload);
            break;
        case Kind::Binary:
            Q_EMIT binaryReceived();
            break;
        case Kind::Ping:
            queue(WebSocketFrame::encode(WebSocketFrame::Pong, message->payload));
            break;
        case Kind::Pong:
            break;
        case Kind::Close: {
            // The peer closes: answer with its code (none if it gave none), then hang up.
            const QByteArray payload =
                message->closeCode == WebSocketFrame::CloseNoStatus
                    ? QByteArray()
                    : WebSocketFrame::closePayload(message->closeCode, QString());
            m_state = State::Closing;
            queue(WebSocketFrame::encode(WebSocketFrame::Close, payload));
            flush();
            m_socket->disconnectFromHost();
            QTimer::singleShot(closeTimeoutMs, this, &WebSocketConnection::abort);
            return;
        }
        }
    }
}

void WebSocketConnection::sendText(QByteArrayView utf8)
{
    if (m_state == State::Open)
        queue(WebSocketFrame::encode(WebSocketFrame::Text, utf8));
}

void WebSocketConnection::sendFrame(const QByteArray &frame)
{
    if (m_state == State::Open)
        queue(frame);
}

void WebSocketConnection::ping()
{
    if (m_state == State::Open)
        queue(WebSocketFrame::encode(WebSocketFrame::Ping, {}));
}

void WebSocketConnection::close(quint16 code, const QString &reason)
{
    if (m_state == State::Handshaking) {
        abort();
        return;
    }
    if (m_state != State::Open)
        return;
    m_state = State::Closing;
    queue(
        WebSocketFrame::encode(WebSocketFrame::Close, WebSocketFrame::closePayload(code, reason)));
    flush();
    m_socket->disconnectFromHost();
    QTimer::singleShot(closeTimeoutMs, this, &WebSocketConnection::abort);
}

void WebSocketConnection::fail(quint16 code, const QString &reason)
{
    qCInfo(lcConnection).nospace() << "closing a connection that broke RFC 6455 (" << code << ", "
                                   << reason << "): " << m_socket->peerAddress().toString();
    close(code, reason);
}

void WebSocketConnection::abort()
{
    m_out.clear();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
}

void WebSocketConnection::queue(const QByteArray &frame)
{
    if (m_out.isEmpty())
        m_out = frame; // shared with every other recipient of the same frame
    else
        m_out += frame;
    if (!m_scheduled) {
        m_scheduled = true;
        m_flusher->schedule(this);
    }
    // A large reply or a long burst: give the kernel what it takes now and judge the rest.
    if (m_out.size() + m_socket->bytesToWrite() > m_options.maxQueuedBytes)
        flush();
}

void WebSocketConnection::flush()
{
    if (m_out.isEmpty())
        return;
    if (m_state == State::Closed) {
        m_out.clear();
        return;
    }
#ifdef Q_OS_LINUX
    // Straight to the kernel while Qt holds nothing for this socket: one send(), without a copy
    // into QTcpSocket's buffer and two write-notifier toggles per flush. Only what the kernel
    // does not take now goes through QTcpSocket, which writes it once the socket is writable.
    if (m_socket->bytesToWrite() == 0) {
        const ssize_t sent = ::send(int(m_socket->socketDescriptor()), m_out.constData(),
                                    size_t(m_out.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent == m_out.size()) {
            m_out.clear();
            return;
        }
        if (sent > 0)
            m_out.remove(0, qsizetype(sent));
        // sent < 0: EAGAIN (Qt buffers it) or an error (Qt's own write reports it).
    }
#endif
    m_socket->write(m_out);
    m_out.clear();
    m_socket->flush();
    checkBacklog();
}

void WebSocketConnection::checkBacklog()
{
    if (m_state == State::Closed || m_socket->bytesToWrite() <= m_options.maxQueuedBytes)
        return;
    qCWarning(lcConnection) << "dropping a connection that does not read:"
                            << m_socket->peerAddress().toString() << m_socket->bytesToWrite()
                            << "bytes queued";
    m_state = State::Closing;
    // Not from inside a fan-out loop: abort() emits disconnected() synchronously.
    QMetaObject::invokeMethod(this, &WebSocketConnection::abort, Qt::QueuedConnection);
}

qint64 WebSocketConnection::bytesToWrite() const
{
    return m_out.size() + m_socket->bytesToWrite();
}
