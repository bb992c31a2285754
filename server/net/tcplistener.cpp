#include "tcplistener.h"

#include <QtCore/QMetaMethod>

// Like WebSocketConnection, POSIX only (Q_OS_UNIX).
#include <unistd.h>

void TcpListener::discard(qintptr socketDescriptor)
{
    ::close(int(socketDescriptor));
}

void TcpListener::incomingConnection(qintptr socketDescriptor)
{
    if (isSignalConnected(QMetaMethod::fromSignal(&TcpListener::accepted)))
        Q_EMIT accepted(socketDescriptor);
    else
        discard(socketDescriptor);
}
