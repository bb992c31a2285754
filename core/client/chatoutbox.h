#pragma once

#include "protocol/replies.h"
#include "roomtypes.h"

#include <QtCore/QPointer>
#include <QtCore/QStringList>

#include <functional>
#include <list>

// A chat message sent but not acknowledged yet.
struct OutgoingChat {
    quint64 serial = 0; // set by ChatOutbox::add()
    QString room;
    QString text;
    QString clientMsgId;
    QPointer<QObject> context;
    bool hasContext = false;
    std::function<void(const Client::Result<ChatAck> &)> done;
    bool inFlight = false; // a send_chat for it waits for its reply

    // Runs `done` once, unless the object that asked is gone.
    void complete(const Client::Result<ChatAck> &result) const;
};

// The unacknowledged chat messages of a RoomClient, in the order they were sent. RoomClient
// decides when each goes out (again); this only keeps them.
class ChatOutbox
{
public:
    quint64 add(OutgoingChat entry);
    OutgoingChat *find(quint64 serial);
    std::optional<OutgoingChat> take(quint64 serial);
    // Those of `room` (an empty room: all), oldest first.
    std::list<OutgoingChat> takeRoom(const QString &room);
    // The serials of the messages not in flight that `pick` picks, oldest first.
    QList<quint64> idle(const std::function<bool(const OutgoingChat &)> &pick) const;
    QStringList texts(const QString &room) const;
    int size() const { return int(m_entries.size()); }

private:
    std::list<OutgoingChat> m_entries;
    quint64 m_nextSerial = 1;
};
