#pragma once

#include "protocol/events.h"

#include <QtCore/QHash>
#include <QtCore/QList>

#include <functional>

// Keeps a connection's room events in seq order, each seq once: the last seq delivered per room
// (kept across connections, for resuming), and the events that arrive before their room can
// take them (the join's reply not read yet, or a resume still fetching what it missed).
class EventSequencer
{
public:
    qint64 lastSeq(const QString &room) const { return m_lastSeq.value(room, 0); }
    void setLastSeq(const QString &room, qint64 seq) { m_lastSeq.insert(room, seq); }

    // Whether `event` comes next in its room. A duplicate (seq already delivered) does not;
    // anything newer does, and becomes the room's last seq. `gapFrom` is set when events were
    // skipped: the seq that was expected instead.
    struct Step {
        bool deliver = false;
        qint64 gapFrom = 0;
    };
    Step advance(const RoomEvent &event);

    // Events kept until their room is ready, in arrival order.
    void hold(const RoomEvent &event) { m_held.append(event); }
    QList<RoomEvent> takeHeld(const QString &room);
    void dropHeld(const QString &room);
    void dropHeldUnless(const std::function<bool(const QString &room)> &keep);
    void dropAllHeld() { m_held.clear(); }

private:
    QHash<QString, qint64> m_lastSeq;
    QList<RoomEvent> m_held;
};
