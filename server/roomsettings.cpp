// Room settings: room_info, update_settings, set_state, and the "settings" object they read.
#include "roomserver_p.h"

namespace {
constexpr int maxPasswordLength = 64;
} // namespace

bool RoomServerPrivate::parseSettings(Session *s, qint64 id, const QJsonObject &req,
                                      RoomSettings *settings, bool forUpdate)
{
    const QJsonValue value = req.value(QLatin1String("settings"));
    if (value.isUndefined())
        return true;
    if (!value.isObject())
        return badRequest(s, id, QStringLiteral("\"settings\" must be an object."));
    const QJsonObject object = value.toObject();
    const struct {
        const char *key;
        bool RoomSettings::*member;
    } flags[] = {{"spectators", &RoomSettings::allowSpectators},
                 {"approval", &RoomSettings::approvalRequired},
                 {"locked", &RoomSettings::locked},
                 {"public", &RoomSettings::isPublic}};
    for (const auto &flag : flags) {
        const QJsonValue v = object.value(QLatin1String(flag.key));
        if (v.isUndefined())
            continue;
        if (!v.isBool())
            return badRequest(
                s, id,
                QStringLiteral("settings.%1 must be true or false.").arg(QLatin1String(flag.key)));
        settings->*flag.member = v.toBool();
    }
    const QJsonValue password = object.value(QLatin1String("password"));
    if (!password.isUndefined() && !password.isNull()) {
        if (!password.isString())
            return badRequest(s, id, QStringLiteral("settings.password must be a string."));
        const QString text = password.toString();
        if (text.isEmpty() && forUpdate)
            settings->passwordHash.clear();
        else if (text.isEmpty() || TextRules::codePointCount(text) > maxPasswordLength)
            return badRequest(s, id, QStringLiteral("A password has 1 to 64 characters."));
        else
            settings->passwordHash = Room::hashPassword(text);
    }
    return true;
}

void RoomServerPrivate::opRoomInfo(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    QJsonObject result{{QLatin1String("room"), m->room->toJson()}};
    if (m->self->role == Role::Host)
        result.insert(QLatin1String("stats"), m->room->statsJson());
    reply(s, id, result);
}

void RoomServerPrivate::opUpdateSettings(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    Room &room = *m->room;
    const Limits &l = config.limits;
    QString name = room.name;
    if (req.contains(QLatin1String("name"))) {
        const auto verdict = TextRules::checkName(req.value(QLatin1String("name")).toString(),
                                                  l.maxRoomNameLength, &name);
        if (verdict != TextRules::Verdict::Ok) {
            refuse(s, id, verdictCode(verdict),
                   verdictText(verdict, "room name", l.maxRoomNameLength));
            return;
        }
    }
    int capacity = room.capacity;
    if (req.contains(QLatin1String("capacity"))) {
        const QJsonValue v = req.value(QLatin1String("capacity"));
        const double c = v.toDouble(-1);
        const int floor = std::max(1, room.seatsTaken());
        if (!v.isDouble() || c < floor || c > l.capacityMax || c != double(int(c))) {
            badRequest(s, id,
                       QStringLiteral("\"capacity\" must be a whole number from %1 (the seats "
                                      "taken) to %2.")
                           .arg(floor)
                           .arg(l.capacityMax));
            return;
        }
        capacity = int(c);
    }
    RoomSettings settings = room.settings;
    if (!parseSettings(s, id, req, &settings, true))
        return;
    room.name = name;
    room.capacity = capacity;
    room.settings = settings;
    emitRoomUpdated(m->room, answerEmpty(s, id));
}

void RoomServerPrivate::opSetState(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    const auto target = roomStateFromName(req.value(QLatin1String("state")).toString());
    if (!target || *target == RoomState::Waiting) {
        badRequest(s, id, QStringLiteral("\"state\" must be \"active\" or \"finished\"."));
        return;
    }
    Room &room = *m->room;
    const bool allowed = (room.state == RoomState::Waiting && *target != RoomState::Waiting) ||
                         (room.state == RoomState::Active && *target == RoomState::Finished);
    if (!allowed) {
        refuse(s, id, ErrorCode::InvalidTransition,
               QStringLiteral("A room cannot go from %1 to %2.")
                   .arg(roomStateName(room.state), roomStateName(*target)));
        return;
    }
    room.state = *target;
    emitRoomUpdated(m->room, answerEmpty(s, id));
}
