#include "roomregistry.h"

#include "protocol/roomcode.h"

#include <QtCore/QRandomGenerator>

void RoomRegistry::insert(std::shared_ptr<Room> room)
{
    m_byCode.insert(room->code, room);
    m_byId.insert(room->id, std::move(room));
}

void RoomRegistry::remove(const Room &room)
{
    m_byCode.remove(room.code);
    m_byId.remove(room.id);
}

std::optional<QString> RoomRegistry::freshCode(int attempts) const
{
    for (int i = 0; i < attempts; ++i) {
        QString code = RoomCode::generate();
        if (!m_byCode.contains(code))
            return code;
    }
    return std::nullopt;
}

qint64 RoomRegistry::freshId() const
{
    for (;;) {
        const qint64 id = qint64(QRandomGenerator::system()->generate64() >> 2);
        if (id > 0 && !m_byId.contains(id))
            return id;
    }
}

int RoomRegistry::hostedBy(const QString &participantId) const
{
    int n = 0;
    for (const auto &room : m_byId)
        n += room->hostId == participantId;
    return n;
}
