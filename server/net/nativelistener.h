#pragma once

#include "outputflusher.h"
#include "tcplistener.h"
#include "transport/clientconnection.h"

#include <QtCore/QByteArray>

struct ServerConfig;

// The native transport's listener (Linux; HEARTH_NATIVE_TRANSPORT): a TcpListener hands over
// bare descriptors and each becomes a WebSocketConnection, which does its own upgrade; one
// OutputFlusher writes every connection's queue once per event-loop pass. Plain ws:// only.
// Connections are handed over before their upgrade: the server's sweep closes the ones that do
// not finish it in time.
class NativeListener : public ClientListener
{
    Q_OBJECT
public:
    explicit NativeListener(const ServerConfig &config, QObject *parent = nullptr);
    ~NativeListener() override;

    bool listen(const QHostAddress &address, quint16 port, int backlog) override;
    void close() override;
    bool isListening() const override { return m_tcp.isListening(); }
    quint16 serverPort() const override { return m_tcp.serverPort(); }
    QHostAddress serverAddress() const override { return m_tcp.serverAddress(); }
    QString errorString() const override { return m_tcp.errorString(); }
    bool isSecure() const override { return false; }

private:
    void accept(qintptr socketDescriptor);

    TcpListener m_tcp;
    OutputFlusher m_flusher;
    QByteArray m_serverName;
    qint64 m_maxMessageBytes;
    qint64 m_maxQueuedBytes;
};
