#include "qtclientconnection.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>
#include <QtNetwork/QSslSocket>
#include <QtWebSockets/QWebSocket>

Q_LOGGING_CATEGORY(lcQtConnection, "hearth.server.connection")

namespace {
// After our close frame, how long a peer may take to let the connection go.
constexpr int closeTimeoutMs = 5000;
} // namespace

QtClientConnection::QtClientConnection(QWebSocket *webSocket, QTcpSocket *socket,
                                       const Options &options, QObject *parent)
    : ClientConnection(parent)
    , m_webSocket(webSocket)
    , m_socket(socket)
    , m_sslSocket(qobject_cast<QSslSocket *>(socket))
    , m_options(options)
    , m_peerAddress(webSocket->peerAddress())
{
    webSocket->setParent(this);
    // Qt checks these on every frame it reads from now on (not on what it read with the
    // upgrade request: docs/architecture.md, "What Qt 6.4 does not let us check").
    webSocket->setMaxAllowedIncomingFrameSize(quint64(options.maxMessageBytes));
    webSocket->setMaxAllowedIncomingMessageSize(quint64(options.maxMessageBytes));
    // One frame per message, as the native transport sends: Qt 6.4 cuts longer messages into
    // 512 KiB frames at any byte, and its own client then fails a frame that ends inside a
    // UTF-8 sequence with 1007 (tst_badinput largeNonAsciiReplyArrivesIntact).
    webSocket->setOutgoingFrameSize(QWebSocket::maxOutgoingFrameSize());
    connect(webSocket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { Q_EMIT textReceived(text.toUtf8()); });
    connect(webSocket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &) { Q_EMIT binaryReceived(); });
    connect(webSocket, &QWebSocket::disconnected, this, &QtClientConnection::lose);
    if (socket) {
        // Connected after QWebSocket's own reader: by now it has answered any ping in the
        // data, so a peer that floods pings without reading shows here.
        connect(socket, &QTcpSocket::readyRead, this, [this] {
            Q_EMIT bytesReceived();
            checkBacklog();
        });
    }
    if (webSocket->state() != QAbstractSocket::ConnectedState) {
        m_open = false;
        QMetaObject::invokeMethod(this, &QtClientConnection::lose, Qt::QueuedConnection);
    }
}

QtClientConnection::~QtClientConnection()
{
    if (m_socket)
        m_socket->disconnect(this);
    if (m_webSocket) {
        m_webSocket->disconnect(this);
        delete m_webSocket;
    }
    // QWebSocketServer deletes the socket once it is disconnected.
    if (m_socket)
        m_socket->abort();
}

void QtClientConnection::lose()
{
    m_open = false;
    if (m_lost)
        return;
    m_lost = true;
    Q_EMIT disconnected();
}

void QtClientConnection::sendText(QByteArrayView utf8)
{
    if (!m_open)
        return;
    m_webSocket->sendTextMessage(QString::fromUtf8(utf8));
    checkBacklog();
}

void QtClientConnection::sendShared(const SharedMessage &message)
{
    if (!m_open)
        return;
    // The QString is shared (implicitly) by every recipient; QWebSocket encodes it again to
    // UTF-8 for each, which Qt 6.4's API leaves no way around.
    m_webSocket->sendTextMessage(message.text());
    checkBacklog();
}

void QtClientConnection::ping()
{
    if (m_open)
        m_webSocket->ping();
}

void QtClientConnection::close(quint16 code, const QString &reason)
{
    if (!m_open)
        return;
    m_open = false;
    m_webSocket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(closeTimeoutMs, this, [this] {
        if (!m_lost)
            abort();
    });
}

void QtClientConnection::abort()
{
    m_open = false;
    if (m_webSocket)
        m_webSocket->abort();
    lose();
}

qint64 QtClientConnection::bytesToWrite() const
{
    qint64 queued = m_webSocket ? m_webSocket->bytesToWrite() : 0;
    // A QSslSocket counts what waits to be encrypted; what is encrypted and waits for the
    // kernel is counted apart.
    if (m_sslSocket)
        queued += m_sslSocket->encryptedBytesToWrite();
    return queued;
}

void QtClientConnection::checkBacklog()
{
    if (m_dropping || m_lost)
        return;
    const qint64 queued = bytesToWrite();
    if (queued <= m_options.maxQueuedBytes)
        return;
    m_dropping = true;
    m_open = false;
    qCWarning(lcQtConnection).noquote()
        << QStringLiteral("dropping %1 which does not read: %2 bytes wait for it (limit %3)")
               .arg(m_peerAddress.toString())
               .arg(queued)
               .arg(m_options.maxQueuedBytes);
    QMetaObject::invokeMethod(this, &QtClientConnection::abort, Qt::QueuedConnection);
}
