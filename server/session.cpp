#include "session.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "hearth.server.session")

Session::Session(QWebSocket *socket, qint64 maxQueuedBytes, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_maxQueuedBytes(maxQueuedBytes)
{
    m_socket->setParent(this);
}

Session::~Session() = default;

void Session::send(const QByteArray &utf8Json)
{
    send(QString::fromUtf8(utf8Json));
}

void Session::send(const QString &text)
{
    if (m_gone)
        return;
    m_socket->sendTextMessage(text);
    // Qt buffers writes until the event loop runs, so a large reply or a burst of events can
    // sit in our buffer for a moment even for a fast reader. Only when the buffer is over the
    // limit, hand the kernel what it will take right now and judge what is left.
    if (m_socket->bytesToWrite() > m_maxQueuedBytes && (m_socket->flush(), true) &&
        m_socket->bytesToWrite() > m_maxQueuedBytes) {
        qCWarning(lcSession) << "dropping a connection that does not read:" << peerAddress
                             << m_socket->bytesToWrite() << "bytes queued";
        m_gone = true;
        // Not from inside a fan-out loop: abort() emits disconnected() synchronously.
        QMetaObject::invokeMethod(m_socket, &QWebSocket::abort, Qt::QueuedConnection);
    }
}

void Session::close(quint16 code, const QString &reason)
{
    if (m_gone)
        return;
    m_gone = true;
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}
