// Room settings: room_info, update_settings, set_state, and the settings they change.
#include "roomserver_p.h"

#include "protocol/replies.h"

namespace {
constexpr int maxPasswordLength = 64;
} // namespace

bool RoomServerPrivate::applySettings(Session *s, qint64 id, const Requests::SettingsChange &change,
                                      Room *room, bool forUpdate)
{
    // Checked before anything changes: a refused update leaves the room as it was.
    QString passwordHash = room->passwordHash;
    if (change.password) {
        const QString &text = *change.password;
        if (text.isEmpty() && forUpdate)
            passwordHash.clear();
        else if (text.isEmpty() || TextRules::codePointCount(text) > maxPasswordLength)
            return badRequest(s, id, QStringLiteral("A password has 1 to 64 characters."));
        else
            passwordHash = Room::hashPassword(text);
    }
    RoomSettings &settings = room->settings;
    settings.spectators = change.spectators.value_or(settings.spectators);
    settings.approval = change.approval.value_or(settings.approval);
    settings.locked = change.locked.value_or(settings.locked);
    settings.isPublic = change.isPublic.value_or(settings.isPublic);
    room->passwordHash = passwordHash;
    return true;
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::RoomInfo &r)
{
    auto m = member(s, id, r.room);
    if (!m)
        return;
    RoomInfoResult result{m->room->info(), std::nullopt};
    if (m->self->role == Role::Host)
        result.stats = m->room->statsInfo();
    reply(s, id, result.json());
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::UpdateSettings &r)
{
    auto m = host(s, id, r.room);
    if (!m)
        return;
    Room &room = *m->room;
    const Limits &l = config.limits;
    QString name = room.name;
    if (r.name) {
        const auto verdict = TextRules::checkName(*r.name, l.maxRoomNameLength, &name);
        if (verdict != TextRules::Verdict::Ok) {
            refuse(s, id, verdictCode(verdict),
                   verdictText(verdict, "room name", l.maxRoomNameLength));
            return;
        }
    }
    const int floor = std::max(1, room.seatsTaken());
    if (r.capacity && (*r.capacity < floor || *r.capacity > l.capacityMax)) {
        badRequest(s, id,
                   QStringLiteral("\"capacity\" must be a whole number from %1 (the seats "
                                  "taken) to %2.")
                       .arg(floor)
                       .arg(l.capacityMax));
        return;
    }
    if (!applySettings(s, id, r.settings, &room, true))
        return;
    room.name = name;
    room.capacity = int(r.capacity.value_or(room.capacity));
    emitRoomUpdated(m->room, answerEmpty(s, id));
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::SetState &r)
{
    auto m = host(s, id, r.room);
    if (!m)
        return;
    Room &room = *m->room;
    const bool allowed = room.state == RoomState::Waiting ||
                         (room.state == RoomState::Active && r.state == RoomState::Finished);
    if (!allowed) {
        refuse(s, id, ErrorCode::InvalidTransition,
               QStringLiteral("A room cannot go from %1 to %2.")
                   .arg(wireName(room.state), wireName(r.state)));
        return;
    }
    room.state = r.state;
    emitRoomUpdated(m->room, answerEmpty(s, id));
}
