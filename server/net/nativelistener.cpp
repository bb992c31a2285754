#include "nativelistener.h"

#include "serverconfig.h"
#include "websocketconnection.h"

NativeListener::NativeListener(const ServerConfig &config, QObject *parent)
    : ClientListener(parent)
    , m_serverName(QByteArrayLiteral("hearth/" HEARTH_VERSION))
    , m_maxMessageBytes(config.limits.maxMessageBytes)
    , m_maxQueuedBytes(config.maxQueuedBytes)
{
    connect(&m_tcp, &TcpListener::accepted, this, &NativeListener::accept);
}

NativeListener::~NativeListener()
{
    // Connections not yet handed over are our children: they go before the flusher they may
    // be scheduled with.
    const QList<WebSocketConnection *> left =
        findChildren<WebSocketConnection *>(Qt::FindDirectChildrenOnly);
    for (WebSocketConnection *connection : left) {
        connection->disconnect();
        delete connection;
    }
}

bool NativeListener::listen(const QHostAddress &address, quint16 port, int backlog)
{
    m_tcp.setListenBacklogSize(backlog);
    return m_tcp.listen(address, port);
}

void NativeListener::close()
{
    m_tcp.close();
}

void NativeListener::accept(qintptr socketDescriptor)
{
    const WebSocketConnection::Options options{m_serverName, m_maxMessageBytes, m_maxQueuedBytes};
    Q_EMIT newConnection(new WebSocketConnection(socketDescriptor, options, &m_flusher, this));
}
