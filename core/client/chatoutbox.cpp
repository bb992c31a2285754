#include "chatoutbox.h"

#include <algorithm>

void OutgoingChat::complete(const Client::Result<ChatAck> &result) const
{
    if (hasContext && !context)
        return;
    if (done)
        done(result);
}

quint64 ChatOutbox::add(OutgoingChat entry)
{
    entry.serial = m_nextSerial++;
    m_entries.push_back(std::move(entry));
    return m_entries.back().serial;
}

OutgoingChat *ChatOutbox::find(quint64 serial)
{
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [serial](const OutgoingChat &e) { return e.serial == serial; });
    return it == m_entries.end() ? nullptr : &*it;
}

std::optional<OutgoingChat> ChatOutbox::take(quint64 serial)
{
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [serial](const OutgoingChat &e) { return e.serial == serial; });
    if (it == m_entries.end())
        return std::nullopt;
    OutgoingChat entry = std::move(*it);
    m_entries.erase(it);
    return entry;
}

std::list<OutgoingChat> ChatOutbox::takeRoom(const QString &room)
{
    std::list<OutgoingChat> taken;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const auto next = std::next(it);
        if (room.isEmpty() || it->room == room)
            taken.splice(taken.end(), m_entries, it);
        it = next;
    }
    return taken;
}

QList<quint64> ChatOutbox::idle(const std::function<bool(const OutgoingChat &)> &pick) const
{
    QList<quint64> serials;
    for (const OutgoingChat &entry : m_entries) {
        if (!entry.inFlight && pick(entry))
            serials.append(entry.serial);
    }
    return serials;
}

QStringList ChatOutbox::texts(const QString &room) const
{
    QStringList texts;
    for (const OutgoingChat &entry : m_entries) {
        if (entry.room == room)
            texts.append(entry.text);
    }
    return texts;
}
