#include "roomtypes.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonArray>

using namespace Qt::StringLiterals;

namespace Client {

namespace {

// Integers arrive as JSON doubles; anything not integral or absent is rejected by the caller.
std::optional<qint64> integer(const QJsonObject &object, QLatin1String key)
{
    return integerFromJson(object.value(key));
}

std::optional<QString> string(const QJsonObject &object, QLatin1String key)
{
    const QJsonValue value = object.value(key);
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

StatusFlags statusFromJson(const QJsonObject &object)
{
    StatusFlags flags;
    // Unknown keys (a newer server's flags) are ignored here, unlike in requests.
    for (int i = 0; i < StatusFlags::Count; ++i) {
        if (object.value(QLatin1String(StatusFlags::name(i))).toBool())
            flags.bits |= quint8(1 << i);
    }
    return flags;
}

} // namespace

std::optional<qint64> integerFromJson(const QJsonValue &value)
{
    // The range is checked before the conversion: converting a double beyond qint64 is
    // undefined behaviour (found by fuzz_clientjson: an event's "ts" of 22 digits).
    constexpr double maxExact = 9007199254740991.0; // 2^53 - 1
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!(d >= -maxExact && d <= maxExact) || d != double(qint64(d)))
        return std::nullopt;
    return qint64(d);
}

RoomSettings RoomSettings::fromJson(const QJsonObject &object)
{
    RoomSettings s;
    s.spectators = object.value("spectators"_L1).toBool(s.spectators);
    s.approval = object.value("approval"_L1).toBool(s.approval);
    s.locked = object.value("locked"_L1).toBool(s.locked);
    s.password = object.value("password"_L1).toBool(s.password);
    s.isPublic = object.value("public"_L1).toBool(s.isPublic);
    return s;
}

bool RoomSettings::operator==(const RoomSettings &other) const
{
    return spectators == other.spectators && approval == other.approval && locked == other.locked &&
           password == other.password && isPublic == other.isPublic;
}

std::optional<ParticipantInfo> ParticipantInfo::fromJson(const QJsonObject &object)
{
    const auto id = string(object, "id"_L1);
    const auto name = string(object, "name"_L1);
    const auto role = roleFromName(object.value("role"_L1).toString());
    if (!id || !name || !role)
        return std::nullopt;
    ParticipantInfo p;
    p.id = *id;
    p.name = *name;
    p.role = *role;
    p.online = object.value("online"_L1).toBool();
    p.lastSeen = integer(object, "lastSeen"_L1).value_or(0);
    p.joinedSeq = integer(object, "joinedSeq"_L1).value_or(0);
    p.status = statusFromJson(object.value("status"_L1).toObject());
    return p;
}

std::optional<RoomInfo> RoomInfo::fromJson(const QJsonObject &object)
{
    const auto code = string(object, "code"_L1);
    const auto name = string(object, "name"_L1);
    const auto capacity = integer(object, "capacity"_L1);
    const auto state = roomStateFromName(object.value("state"_L1).toString());
    if (!code || !name || !capacity || !state)
        return std::nullopt;
    RoomInfo r;
    r.code = *code;
    r.name = *name;
    r.capacity = int(*capacity);
    r.state = *state;
    r.host = object.value("host"_L1).toString(); // null when the room is empty
    r.seats = int(integer(object, "seats"_L1).value_or(0));
    r.spectators = int(integer(object, "spectators"_L1).value_or(0));
    r.online = int(integer(object, "online"_L1).value_or(0));
    r.waitingToJoin = int(integer(object, "waitingToJoin"_L1).value_or(0));
    r.lastSeq = integer(object, "lastSeq"_L1).value_or(0);
    r.createdAt = integer(object, "createdAt"_L1).value_or(0);
    r.settings = RoomSettings::fromJson(object.value("settings"_L1).toObject());
    return r;
}

std::optional<RoomSnapshot> RoomSnapshot::fromJson(const QJsonObject &result)
{
    const auto room = RoomInfo::fromJson(result.value("room"_L1).toObject());
    const auto self = string(result, "self"_L1);
    if (!room || !self || !result.value("participants"_L1).isArray())
        return std::nullopt;
    RoomSnapshot snapshot;
    snapshot.room = *room;
    snapshot.self = *self;
    snapshot.rejoined = result.value("rejoined"_L1).toBool();
    const QJsonArray participants = result.value("participants"_L1).toArray();
    snapshot.participants.reserve(participants.size());
    for (const QJsonValue &value : participants) {
        const auto p = ParticipantInfo::fromJson(value.toObject());
        if (!p)
            return std::nullopt;
        snapshot.participants.append(*p);
    }
    return snapshot;
}

RoomStats RoomStats::fromJson(const QJsonObject &object)
{
    RoomStats s;
    s.messages = integer(object, "messages"_L1).value_or(0);
    s.events = integer(object, "events"_L1).value_or(0);
    s.joins = integer(object, "joins"_L1).value_or(0);
    s.peakSeats = integer(object, "peakSeats"_L1).value_or(0);
    s.kicks = integer(object, "kicks"_L1).value_or(0);
    s.bans = integer(object, "bans"_L1).value_or(0);
    return s;
}

std::optional<RoomEvent> RoomEvent::fromJson(const QJsonObject &object)
{
    const auto room = string(object, "room"_L1);
    const auto seq = integer(object, "seq"_L1);
    const auto name = string(object, "event"_L1);
    if (!room || !seq || !name || *seq < 1)
        return std::nullopt;
    RoomEvent e;
    e.room = *room;
    e.seq = *seq;
    e.ts = integer(object, "ts"_L1).value_or(0);
    e.name = *name;
    e.data = object.value("data"_L1).toObject();
    static const struct {
        QLatin1String name;
        Kind kind;
    } kinds[] = {
        {"participant_joined"_L1, Kind::ParticipantJoined},
        {"participant_left"_L1, Kind::ParticipantLeft},
        {"participant_updated"_L1, Kind::ParticipantUpdated},
        {"presence"_L1, Kind::Presence},
        {"chat"_L1, Kind::Chat},
        {"room_updated"_L1, Kind::RoomUpdated},
        {"host_changed"_L1, Kind::HostChanged},
        {"room_closed"_L1, Kind::RoomClosed},
    };
    for (const auto &k : kinds) {
        if (e.name == k.name)
            e.kind = k.kind;
    }
    return e;
}

std::optional<HistoryPage> HistoryPage::fromJson(const QJsonObject &result)
{
    if (!result.value("events"_L1).isArray())
        return std::nullopt;
    HistoryPage page;
    const QJsonArray events = result.value("events"_L1).toArray();
    page.events.reserve(events.size());
    for (const QJsonValue &value : events) {
        const auto e = RoomEvent::fromJson(value.toObject());
        if (!e)
            return std::nullopt;
        page.events.append(*e);
    }
    page.hasMore = result.value("hasMore"_L1).toBool();
    page.firstSeq = integer(result, "firstSeq"_L1).value_or(0);
    page.lastSeq = integer(result, "lastSeq"_L1).value_or(0);
    page.missing = integer(result, "missing"_L1).value_or(0);
    return page;
}

std::optional<Notice> Notice::fromJson(const QJsonObject &object)
{
    const auto name = string(object, "notice"_L1);
    if (!name)
        return std::nullopt;
    Notice n;
    n.name = *name;
    n.room = object.value("room"_L1).toString();
    n.data = object.value("data"_L1).toObject();
    if (n.name == "join_request"_L1)
        n.kind = Kind::JoinRequest;
    else if (n.name == "join_request_cancelled"_L1)
        n.kind = Kind::JoinRequestCancelled;
    else if (n.name == "join_pending"_L1)
        n.kind = Kind::JoinPending;
    return n;
}

QString RequestError::text() const
{
    switch (kind) {
    case Kind::ConnectionLost:
        return tr("The connection to the host was lost.");
    case Kind::Timeout:
        return tr("The host did not answer in time.");
    case Kind::NotConnected:
        return tr("Not connected to a host.");
    case Kind::Malformed:
        return tr("The host sent an answer this version of Hearth does not understand.");
    case Kind::Server:
        break;
    }
    switch (error.code) {
    case ErrorCode::RoomNotFound:
        return tr("No room has this code. Check the code and the host address.");
    case ErrorCode::WrongPassword:
        return tr("The password is not right.");
    case ErrorCode::RoomFull:
        return spectatorsWelcome ? tr("The room is full: every seat is taken. You can still "
                                      "watch as a spectator.")
                                 : tr("The room is full.");
    case ErrorCode::NameTaken:
        return takenName.isEmpty()
                   ? tr("Someone in this room already has this name; pick another name.")
                   : tr("Someone in this room is already called “%1”; pick another name.")
                         .arg(takenName);
    case ErrorCode::RoomLocked:
        return tr("The room is locked: it takes nobody new right now.");
    case ErrorCode::Banned:
        return tr("You are banned from this room.");
    case ErrorCode::SpectatorsNotAllowed:
        return tr("This room does not allow spectators.");
    case ErrorCode::JoinDenied:
        return tr("The host did not let you in.");
    case ErrorCode::RoomClosed:
        return tr("The room has closed.");
    case ErrorCode::TooManyRooms:
        return tr("You already host as many rooms as allowed. Close one first.");
    case ErrorCode::TooLarge:
        return tr("That text is too long.");
    case ErrorCode::RateLimited:
        return tr("Too many attempts. Wait a moment and try again.");
    case ErrorCode::NotHost:
        return tr("Only the host can do that.");
    case ErrorCode::NotMember:
        return tr("You are no longer in this room.");
    case ErrorCode::UnsupportedVersion:
        return tr("The host runs a version of Hearth that cannot talk to this one.");
    case ErrorCode::IdentityRejected:
        return tr("The host does not accept this identity.");
    case ErrorCode::ShuttingDown:
        return tr("The host is shutting down.");
    case ErrorCode::StorageError:
        return tr("The host could not save that. Try again.");
    default:
        break;
    }
    // The server's English text is better than nothing for the rest (bugs, bad requests).
    return error.message.isEmpty() ? tr("Something went wrong.") : error.message;
}

} // namespace Client
