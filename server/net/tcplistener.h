#pragma once

#include <QtNetwork/QTcpServer>

// Listens like a QTcpServer (its listen(), backlog and errors) but hands over each accepted
// connection as a bare socket descriptor: no QTcpSocket (socket engine, notifiers, buffers) is
// ever built for it, since a WebSocketConnection drives the descriptor itself. Most of the
// per-connection cost of accepting was that QTcpSocket (docs/benchmarks.md).
class TcpListener : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

    // Closes an accepted descriptor that nobody will use.
    static void discard(qintptr socketDescriptor);

Q_SIGNALS:
    // A connection was accepted. The receiver owns the descriptor and must close it; with no
    // receiver connected the listener closes it at once.
    void accepted(qintptr socketDescriptor);

protected:
    void incomingConnection(qintptr socketDescriptor) override;
};
