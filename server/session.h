#pragma once

#include "ratelimiter.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtWebSockets/QWebSocket>

#include <vector>

// One client connection: its socket, what it said in hello, its rate limits, and the rooms in
// which it holds the live seat. Owned by the RoomServer; the protocol logic lives there.
class Session : public QObject
{
    Q_OBJECT
public:
    Session(QWebSocket *socket, qint64 maxQueuedBytes, QObject *parent);
    ~Session() override;

    QWebSocket *socket() const { return m_socket; }

    // Sends one text frame. A client that does not read (more than maxQueuedBytes waiting in
    // our buffer) is dropped, rather than making the server hold its backlog.
    void send(const QByteArray &utf8Json);
    void send(const QString &text);
    void close(quint16 code, const QString &reason);
    bool isGone() const { return m_gone; }
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
    QWebSocket *m_socket;
    qint64 m_maxQueuedBytes;
    bool m_gone = false;
};
