#pragma once

#include "ratelimiter.h"
#include "transport/clientconnection.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <vector>

// One client connection: its WebSocket (either transport's ClientConnection), what it said in
// hello, its rate limits, and the rooms in which it holds the live seat. Owned by the RoomServer;
// the protocol logic lives there.
class Session : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of the (open) connection.
    Session(ClientConnection *connection, QObject *parent);
    ~Session() override;

    ClientConnection *connection() const { return m_connection; }

    // Queues one JSON text as a text frame; written at the end of this event-loop pass. A
    // client that does not read (more than maxQueuedBytes waiting for it) is dropped by its
    // connection, rather than making the server hold its backlog.
    void send(const QByteArray &utf8Json);
    // Queues a message made once for many recipients (a fan-out).
    void sendShared(const SharedMessage &message);
    void close(quint16 code, const QString &reason);
    bool isGone() const { return m_gone || !m_connection->isOpen(); }
    void markGone() { m_gone = true; }

    QString peerAddress;
    qint64 connectedAtMs = 0;
    qint64 lastHeardMs = 0;
    qint64 lastPingMs = 0;

    bool helloDone = false;
    QString participantId;
    int consecutiveRefusals = 0;
    TokenBucket requests;
    TokenBucket chat;
    // Ids of the rooms where this connection is (or is becoming) a participant's connection.
    std::vector<qint64> roomIds;

private:
    ClientConnection *m_connection;
    bool m_gone = false;
};
