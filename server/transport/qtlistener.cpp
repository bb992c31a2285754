#include "qtlistener.h"

#include <QtCore/QLoggingCategory>

#include <QtNetwork/QSslCipher>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>
#include <algorithm>

// Failures are warnings; each connection's TLS version and cipher a debug line (off by default:
// QT_LOGGING_RULES="hearth.server.transport.debug=true").
Q_LOGGING_CATEGORY(lcQtTransport, "hearth.server.transport", QtInfoMsg)

// Accepts like any QTcpServer, but hands each descriptor to the listener instead of making
// a QTcpSocket itself: the listener picks QSslSocket or QTcpSocket.
class QtAcceptor : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

Q_SIGNALS:
    void accepted(qintptr socketDescriptor);

protected:
    void incomingConnection(qintptr socketDescriptor) override
    {
        Q_EMIT accepted(socketDescriptor);
    }
};

namespace {
QString protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_3:
        return QStringLiteral("TLS 1.3");
    case QSsl::TlsV1_2:
        return QStringLiteral("TLS 1.2");
    default:
        return QStringLiteral("TLS (protocol %1)").arg(int(protocol));
    }
}

QString describe(const QTcpSocket *socket)
{
    return QStringLiteral("%1 port %2")
        .arg(socket->peerAddress().toString())
        .arg(socket->peerPort());
}
} // namespace

QtListener::QtListener(const ServerConfig &config, QObject *parent)
    : ClientListener(parent)
    , m_acceptor(new QtAcceptor(this))
    , m_upgrader(new QWebSocketServer(QStringLiteral("hearth/" HEARTH_VERSION),
                                      QWebSocketServer::NonSecureMode, this))
    , m_secure(!config.certificate.isNull())
    , m_handshakeTimeoutMs(config.handshakeTimeoutMs)
    , m_options{config.limits.maxMessageBytes, config.maxQueuedBytes}
{
    if (m_secure) {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setLocalCertificate(config.certificate);
        m_tls.setPrivateKey(config.privateKey);
        // TLS 1.3 when the client has it (OpenSSL picks the highest both speak), 1.2 at least.
        m_tls.setProtocol(QSsl::TlsV1_2OrLater);
        // Clients have no certificates: they prove who they are inside the protocol.
        m_tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    connect(m_acceptor, &QtAcceptor::accepted, this, &QtListener::accept);
    connect(m_acceptor, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcQtTransport).noquote()
            << "accepting a connection failed:" << m_acceptor->errorString();
    });
    connect(m_upgrader, &QWebSocketServer::newConnection, this, &QtListener::takeUpgraded);
    // Emitted only when the error differs from the previous one (Qt 6.4): a hint, not a count.
    connect(m_upgrader, &QWebSocketServer::serverError, this,
            [this](QWebSocketProtocol::CloseCode code) {
                qCInfo(lcQtTransport).noquote()
                    << QStringLiteral("WebSocket upgrade refused: %1 (%2)")
                           .arg(m_upgrader->errorString())
                           .arg(int(code));
            });
    // QWebSocketServer's own handshake timer covers only connections it accepts itself; ours
    // covers TLS and the upgrade alike.
    m_sweepTimer.setInterval(std::clamp(m_handshakeTimeoutMs / 4, 10, 250));
    connect(&m_sweepTimer, &QTimer::timeout, this, &QtListener::sweep);
}

QtListener::~QtListener()
{
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        it.key()->disconnect(this);
    m_pending.clear();
}

bool QtListener::listen(const QHostAddress &address, quint16 port, int backlog)
{
    m_acceptor->setListenBacklogSize(backlog);
    if (!m_acceptor->listen(address, port))
        return false;
    m_sweepTimer.start();
    return true;
}

void QtListener::close()
{
    m_acceptor->close();
    m_sweepTimer.stop();
    // Shutting down: those still in their handshake go without a log line each.
    const QList<QTcpSocket *> pending = m_pending.keys();
    m_pending.clear();
    for (QTcpSocket *socket : pending) {
        socket->abort();
        socket->deleteLater();
    }
}

bool QtListener::isListening() const
{
    return m_acceptor->isListening();
}

quint16 QtListener::serverPort() const
{
    return m_acceptor->serverPort();
}

QHostAddress QtListener::serverAddress() const
{
    return m_acceptor->serverAddress();
}

QString QtListener::errorString() const
{
    return m_acceptor->errorString();
}

void QtListener::accept(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_secure ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(lcQtTransport).noquote()
            << "cannot use an accepted connection:" << socket->errorString();
        delete socket;
        return;
    }
    // Frames are coalesced by Qt's write buffer already; Nagle would only add a round trip.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    Pending &pending = m_pending[socket];
    pending.age.start();
    pending.peer = describe(socket);
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        const auto it = m_pending.constFind(socket);
        if (it == m_pending.cend())
            return;
        qCWarning(lcQtTransport).noquote()
            << "connection from" << it->peer << "closed before its"
            << (it->stage == Stage::Tls ? "TLS handshake" : "WebSocket upgrade") << "finished";
        forget(socket);
        // After its upgrade QWebSocketServer deletes it; before, nobody else would.
        socket->deleteLater();
    });
    if (!m_secure) {
        upgrade(socket);
        return;
    }
    auto *ssl = static_cast<QSslSocket *>(socket);
    ssl->setSslConfiguration(m_tls);
    connect(ssl, &QSslSocket::encrypted, this, [this, ssl] {
        qCDebug(lcQtTransport).noquote()
            << describe(ssl) << ":" << protocolName(ssl->sessionProtocol())
            << ssl->sessionCipher().name();
        upgrade(ssl);
    });
    connect(ssl, &QAbstractSocket::errorOccurred, this, [this, ssl](QAbstractSocket::SocketError) {
        const auto it = m_pending.constFind(ssl);
        if (it == m_pending.cend() || it->stage != Stage::Tls)
            return;
        qCWarning(lcQtTransport).noquote()
            << "TLS handshake with" << it->peer << "failed:" << ssl->errorString();
        ssl->abort();
    });
    connect(ssl, &QSslSocket::sslErrors, this, [ssl](const QList<QSslError> &errors) {
        for (const QSslError &error : errors)
            qCWarning(lcQtTransport).noquote()
                << "TLS error with" << describe(ssl) << ":" << error.errorString();
    });
    // Clients send no certificate (VerifyNone): this would be a misconfiguration of ours.
    connect(ssl, &QSslSocket::peerVerifyError, this, [ssl](const QSslError &error) {
        qCWarning(lcQtTransport).noquote()
            << "TLS peer verification with" << describe(ssl) << ":" << error.errorString();
    });
    connect(ssl, &QSslSocket::alertReceived, this,
            [ssl](QSsl::AlertLevel level, QSsl::AlertType, const QString &description) {
                if (level == QSsl::AlertLevel::Fatal)
                    qCWarning(lcQtTransport).noquote()
                        << "TLS alert from" << describe(ssl) << ":" << description;
            });
    ssl->startServerEncryption();
}

void QtListener::upgrade(QTcpSocket *socket)
{
    const auto it = m_pending.find(socket);
    if (it == m_pending.end())
        return;
    it->stage = Stage::Upgrade;
    m_upgrader->handleConnection(socket);
}

void QtListener::takeUpgraded()
{
    while (m_upgrader->hasPendingConnections()) {
        QWebSocket *webSocket = m_upgrader->nextPendingConnection();
        // QWebSocketServer does not say which socket it upgraded: the peer's address and port
        // name one connection of this listener.
        QTcpSocket *socket = nullptr;
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            if (it.key()->peerPort() == webSocket->peerPort() &&
                it.key()->peerAddress() == webSocket->peerAddress()) {
                socket = it.key();
                break;
            }
        }
        if (socket)
            forget(socket);
        auto *connection = new QtClientConnection(webSocket, socket, m_options, this);
        Q_EMIT newConnection(connection);
    }
}

void QtListener::forget(QTcpSocket *socket)
{
    m_pending.remove(socket);
}

void QtListener::sweep()
{
    QList<QTcpSocket *> stalled;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->age.hasExpired(m_handshakeTimeoutMs))
            stalled.append(it.key());
    }
    for (QTcpSocket *socket : std::as_const(stalled)) {
        const Pending pending = m_pending.value(socket);
        qCWarning(lcQtTransport).noquote()
            << "connection from" << pending.peer << "did not finish its"
            << (pending.stage == Stage::Tls ? "TLS handshake" : "WebSocket upgrade") << "within"
            << m_handshakeTimeoutMs << "ms: closing it";
        forget(socket);
        socket->abort();
        socket->deleteLater();
    }
}

#include "qtlistener.moc"
