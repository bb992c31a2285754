#pragma once

#include "room.h"

#include <QtCore/QHash>

#include <memory>
#include <optional>

// The live rooms, by code and by id. A closed room leaves the registry at once (freeing its
// code), while pending completions may still hold it through their shared_ptr.
class RoomRegistry
{
public:
    std::shared_ptr<Room> byCode(const QString &code) const { return m_byCode.value(code); }
    std::shared_ptr<Room> byId(qint64 id) const { return m_byId.value(id); }
    const QHash<qint64, std::shared_ptr<Room>> &rooms() const { return m_byId; }
    int size() const { return int(m_byId.size()); }

    void insert(std::shared_ptr<Room> room);
    void remove(const Room &room);

    // A code no live room holds, from the secure generator. Retries a bounded number of
    // times; nullopt (to be reported loudly) if the code space is somehow exhausted.
    std::optional<QString> freshCode(int attempts = 32) const;
    // A random positive 62-bit id no room holds: no coordination needed between servers.
    qint64 freshId() const;
    // Live rooms in which `participantId` is the host.
    int hostedBy(const QString &participantId) const;

private:
    QHash<QString, std::shared_ptr<Room>> m_byCode;
    QHash<qint64, std::shared_ptr<Room>> m_byId;
};
