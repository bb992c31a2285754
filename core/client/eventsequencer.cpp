#include "eventsequencer.h"

EventSequencer::Step EventSequencer::advance(const RoomEvent &event)
{
    const qint64 last = lastSeq(event.room);
    if (event.seq <= last)
        return {};
    Step step{true, 0};
    if (last > 0 && event.seq != last + 1)
        step.gapFrom = last + 1;
    m_lastSeq.insert(event.room, event.seq);
    return step;
}

QList<RoomEvent> EventSequencer::takeHeld(const QString &room)
{
    QList<RoomEvent> taken;
    for (auto it = m_held.begin(); it != m_held.end();) {
        if (it->room == room) {
            taken.append(std::move(*it));
            it = m_held.erase(it);
        } else {
            ++it;
        }
    }
    return taken;
}

void EventSequencer::dropHeld(const QString &room)
{
    m_held.removeIf([&room](const RoomEvent &event) { return event.room == room; });
}

void EventSequencer::dropHeldUnless(const std::function<bool(const QString &room)> &keep)
{
    m_held.removeIf([&keep](const RoomEvent &event) { return !keep(event.room); });
}
