#include "relayserver.h"

#include "security/fingerprint.h"

#include <QtCore/QDebug>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslError>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

RelayServer::RelayServer(const QUrl &backend, const HostCertificate &certificate, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_secure(certificate.isValid())
{
    m_server = new QWebSocketServer(
        QStringLiteral("relay"),
        m_secure ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode, this);
    if (m_secure) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(certificate.certificate());
        tls.setPrivateKey(certificate.privateKey());
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server->setSslConfiguration(tls);
    }
    connect(m_server, &QWebSocketServer::newConnection, this, &RelayServer::onNewConnection);
}

RelayServer::~RelayServer()
{
    close();
}

bool RelayServer::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

void RelayServer::close()
{
    m_server->close();
}

quint16 RelayServer::port() const
{
    return m_server->serverPort();
}

QUrl RelayServer::url() const
{
    return QUrl(QStringLiteral("%1://127.0.0.1:%2/")
                    .arg(m_secure ? QStringLiteral("wss") : QStringLiteral("ws"))
                    .arg(m_server->serverPort()));
}

void RelayServer::onNewConnection()
{
    while (QWebSocket *front = m_server->nextPendingConnection()) {
        ++m_connections;
        front->setParent(this);
        auto *back = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, front);
        // Frames the client sends before the backend is up wait here.
        auto *pending = new QList<QString>;
        connect(front, &QObject::destroyed, [pending] { delete pending; });
        connect(front, &QWebSocket::textMessageReceived, back,
                [this, back, pending](const QString &text) {
                    m_received.append(text);
                    if (back->state() == QAbstractSocket::ConnectedState)
                        back->sendTextMessage(text);
                    else
                        pending->append(text);
                });
        connect(back, &QWebSocket::sslErrors, back, [this, back](const QList<QSslError> &errors) {
            checkBackendCertificate(back, errors);
        });
        connect(back, &QWebSocket::connected, back, [this, back, pending] {
            // Without any TLS error (a certificate some authority vouches for), still only the
            // expected one will do.
            if (m_backend.scheme() == QLatin1String("wss") &&
                Fingerprint::of(back->sslConfiguration().peerCertificate()) !=
                    m_backendFingerprint) {
                qWarning() << "relay: backend" << m_backend << "showed an unexpected certificate";
                back->abort();
                return;
            }
            for (const QString &text : std::as_const(*pending))
                back->sendTextMessage(text);
            pending->clear();
        });
        connect(back, &QWebSocket::textMessageReceived, front,
                [front](const QString &text) { front->sendTextMessage(text); });
        connect(back, &QWebSocket::disconnected, front,
                [front, back] { front->close(back->closeCode(), back->closeReason()); });
        connect(front, &QWebSocket::disconnected, front, [front, back] {
            back->disconnect(front);
            back->abort();
            front->deleteLater();
        });
        back->open(m_backend);
    }
}

void RelayServer::checkBackendCertificate(QWebSocket *back, const QList<QSslError> &errors)
{
    for (const QSslError &error : errors) {
        const QByteArray shown = Fingerprint::of(error.certificate());
        if (m_backendFingerprint.isEmpty() || shown != m_backendFingerprint) {
            qWarning().noquote() << "relay: backend" << m_backend.toString()
                                 << "refused:" << error.errorString() << "for certificate"
                                 << Fingerprint::wordsText(shown) << "expected"
                                 << Fingerprint::wordsText(m_backendFingerprint);
            return; // not ignored: the handshake fails, and the client's connection closes
        }
    }
    back->ignoreSslErrors(errors);
}
