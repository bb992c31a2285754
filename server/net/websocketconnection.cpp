#include "websocketconnection.h"

#include "httpupgrade.h"
#include "outputflusher.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkInterface>

// The transport drives the socket descriptor itself with POSIX calls; Windows would need a
// Winsock variant of these few calls, which nothing needs yet.
#ifndef Q_OS_UNIX
#error "WebSocketConnection's transport is POSIX only (Q_OS_UNIX)"
#endif

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcConnection, "hearth.server.connection")

namespace {
// After our close frame, how long a peer may take to let the TCP connection go.
constexpr int closeTimeoutMs = 5000;
// Bytes read per read() call; a read that fills it is followed by another.
constexpr size_t readChunkBytes = 64 * 1024;

#ifdef MSG_NOSIGNAL
constexpr int sendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
constexpr int sendFlags = MSG_DONTWAIT; // SO_NOSIGPIPE is set on the socket instead
#endif

// The peer's address as QTcpSocket::peerAddress() gave it (an IPv4-mapped address stays IPv6).
QHostAddress peerAddressOf(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    if (storage.ss_family == AF_INET) {
        const auto *in = reinterpret_cast<const sockaddr_in *>(&storage);
        return QHostAddress(ntohl(in->sin_addr.s_addr));
    }
    if (storage.ss_family == AF_INET6) {
        const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(&storage);
        QHostAddress address(in6->sin6_addr.s6_addr);
        if (in6->sin6_scope_id)
            address.setScopeId(QNetworkInterface::interfaceNameFromIndex(int(in6->sin6_scope_id)));
        return address;
    }
    return {};
}
} // namespace

WebSocketConnection::WebSocketConnection(qintptr socketDescriptor, const Options &options,
                                         OutputFlusher *flusher, QObject *parent)
    : ClientConnection(parent)
    , m_fd(int(socketDescriptor))
    , m_flusher(flusher)
    , m_options(options)
    , m_decoder(options.maxMessageBytes, options.maxMessageBytes)
{
    const int statusFlags = ::fcntl(m_fd, F_GETFL);
    if (statusFlags != -1 && !(statusFlags & O_NONBLOCK))
        ::fcntl(m_fd, F_SETFL, statusFlags | O_NONBLOCK);
    const int descriptorFlags = ::fcntl(m_fd, F_GETFD);
    if (descriptorFlags != -1 && !(descriptorFlags & FD_CLOEXEC))
        ::fcntl(m_fd, F_SETFD, descriptorFlags | FD_CLOEXEC);
    const int on = 1;
    // Frames are coalesced per event-loop pass already; Nagle would only add a round trip.
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    ::setsockopt(m_fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
    // Read once: the logs and the per-address join throttle ask for it.
    m_peerAddress = peerAddressOf(m_fd);
    m_readNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocketConnection::onReadable);
}

WebSocketConnection::~WebSocketConnection()
{
    if (m_scheduled)
        m_flusher->forget(this);
    if (m_fd >= 0)
        closeDescriptor(); // no signal: whoever destroys us knows
}

void WebSocketConnection::closeDescriptor()
{
    // Notifiers go before the descriptor: one left on a closed (and reused) number would watch
    // someone else's socket.
    m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    ::close(m_fd); // not retried on EINTR: on Linux the descriptor is gone either way
    m_fd = -1;
}

void WebSocketConnection::lose()
{
    if (m_fd < 0)
        return;
    closeDescriptor();
    m_out.clear();
    if (m_scheduled) {
        m_scheduled = false;
        m_flusher->forget(this);
    }
    m_state = State::Closed;
    Q_EMIT disconnected();
}

void WebSocketConnection::onReadable()
{
    char buffer[readChunkBytes];
    bool heard = false;
    while (m_fd >= 0) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n > 0) {
            if (!heard) {
                heard = true;
                Q_EMIT bytesReceived();
                if (m_fd < 0)
                    return;
            }
            // Closing: what a peer sends after our close frame is read only to find its end.
            if (m_state == State::Handshaking || m_state == State::Open)
                received(QByteArray(buffer, qsizetype(n)));
            if (size_t(n) < sizeof buffer)
                return; // drained; the (level-triggered) notifier says when more comes
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        // 0: the peer closed its side. An error (ECONNRESET, ETIMEDOUT...): gone just the same.
        lose();
        return;
    }
}

void WebSocketConnection::received(const QByteArray &data)
{
    if (m_state == State::Handshaking) {
        m_in += data;
        handshake();
    } else if (m_state == State::Open) {
        m_decoder.append(data);
        decodeFrames();
    }
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
        queue(result.response);
        startClosing();
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
            startClosing();
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
    startClosing();
}

void WebSocketConnection::startClosing()
{
    // flush() shuts our side down once the queue is out; the peer's EOF (onReadable) or the
    // timeout then ends the connection.
    flush();
    if (m_fd >= 0)
        QTimer::singleShot(closeTimeoutMs, this, &WebSocketConnection::abort);
}

void WebSocketConnection::fail(quint16 code, const QString &reason)
{
    qCInfo(lcConnection).nospace() << "closing a connection that broke RFC 6455 (" << code << ", "
                                   << reason << "): " << m_peerAddress.toString();
    close(code, reason);
}

void WebSocketConnection::abort()
{
    lose();
}

void WebSocketConnection::abortLater()
{
    if (m_aborting)
        return;
    m_aborting = true;
    if (m_state != State::Closed)
        m_state = State::Closing;
    setWriteNotifierEnabled(false);
    QMetaObject::invokeMethod(this, &WebSocketConnection::abort, Qt::QueuedConnection);
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
    if (m_out.size() > m_options.maxQueuedBytes)
        flush();
}

void WebSocketConnection::onWritable()
{
    flush();
}

void WebSocketConnection::flush()
{
    if (m_fd < 0) {
        m_out.clear();
        return;
    }
    if (m_aborting)
        return;
    while (!m_out.isEmpty()) {
        const ssize_t sent = ::send(m_fd, m_out.constData(), size_t(m_out.size()), sendFlags);
        if (sent >= 0) {
            if (sent == m_out.size()) {
                m_out.clear();
                break;
            }
            // The kernel's buffer is full: the rest waits for the socket to be writable.
            // (Removing from the front of an unshared QByteArray moves no bytes.)
            m_out.remove(0, qsizetype(sent));
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        // EPIPE, ECONNRESET...: the peer is gone. Said later, since a flush may run inside a
        // fan-out loop (and the read notifier will likely tell first).
        m_out.clear();
        abortLater();
        return;
    }
    setWriteNotifierEnabled(!m_out.isEmpty());
    if (m_out.isEmpty()) {
        if (m_state == State::Closing && !m_writeShutDown) {
            // Everything, our close frame last, is out: tell the peer we are done writing.
            m_writeShutDown = true;
            ::shutdown(m_fd, SHUT_WR);
        }
        return;
    }
    checkBacklog();
}

void WebSocketConnection::setWriteNotifierEnabled(bool enabled)
{
    if (!m_writeNotifier) {
        if (!enabled || m_fd < 0)
            return;
        m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this,
                &WebSocketConnection::onWritable);
        return; // a new notifier starts enabled
    }
    if (m_writeNotifier->isEnabled() != enabled)
        m_writeNotifier->setEnabled(enabled);
}

void WebSocketConnection::checkBacklog()
{
    if (m_state == State::Closed || m_out.size() <= m_options.maxQueuedBytes)
        return;
    qCWarning(lcConnection) << "dropping a connection that does not read:"
                            << m_peerAddress.toString() << m_out.size() << "bytes queued";
    // Not from inside a fan-out loop: abort() emits disconnected() synchronously.
    abortLater();
}

qint64 WebSocketConnection::bytesToWrite() const
{
    return m_out.size();
}
