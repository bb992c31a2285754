#include "values.h"

#include "jsonwrite.h"

#include <QtCore/QJsonDocument>

#include <bit>

using namespace Qt::StringLiterals;

namespace {
// StatusFlags' bits in the order QJsonDocument writes their names (sorted).
constexpr StatusFlags::Flag SortedFlags[] = {StatusFlags::Away, StatusFlags::Camera,
                                             StatusFlags::Muted, StatusFlags::Ready,
                                             StatusFlags::Screen};
} // namespace

void writeStatusJson(QByteArray &out, StatusFlags flags, quint8 mask)
{
    out += '{';
    bool first = true;
    for (const StatusFlags::Flag flag : SortedFlags) {
        if (!(mask & flag))
            continue;
        if (!first)
            out += ',';
        first = false;
        out += '"';
        out += StatusFlags::name(std::countr_zero(unsigned(flag)));
        out += "\":";
        JsonWrite::boolean(out, flags.test(flag));
    }
    out += '}';
}

StatusFlags statusFromJson(const QJsonObject &object, JsonFields &fields)
{
    StatusFlags flags;
    JsonFields status(object);
    for (int i = 0; i < StatusFlags::Count; ++i) {
        const auto on = status.optionalBoolean(QLatin1String(StatusFlags::name(i)));
        flags.set(StatusFlags::Flag(1 << i), on.value_or(false));
    }
    if (!status.ok())
        fields.fail(status.error());
    return flags;
}

Decoded<RoomSettings> RoomSettings::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    RoomSettings s;
    s.spectators = f.optionalBoolean("spectators"_L1).value_or(s.spectators);
    s.approval = f.optionalBoolean("approval"_L1).value_or(s.approval);
    s.locked = f.optionalBoolean("locked"_L1).value_or(s.locked);
    s.password = f.optionalBoolean("password"_L1).value_or(s.password);
    s.isPublic = f.optionalBoolean("public"_L1).value_or(s.isPublic);
    return Decoded<RoomSettings>::from(s, f);
}

void RoomSettings::writeJson(QByteArray &out) const
{
    out += "{\"approval\":";
    JsonWrite::boolean(out, approval);
    out += ",\"locked\":";
    JsonWrite::boolean(out, locked);
    out += ",\"password\":";
    JsonWrite::boolean(out, password);
    out += ",\"public\":";
    JsonWrite::boolean(out, isPublic);
    out += ",\"spectators\":";
    JsonWrite::boolean(out, spectators);
    out += '}';
}

Decoded<ParticipantInfo> ParticipantInfo::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    ParticipantInfo p;
    p.id = f.string("id"_L1);
    p.name = f.string("name"_L1);
    p.role = f.oneOf("role"_L1, fromWireName<Role>, "a role").value_or(Role::Member);
    p.online = f.optionalBoolean("online"_L1).value_or(false);
    p.lastSeen = f.optionalInteger("lastSeen"_L1).value_or(0);
    p.joinedSeq = f.optionalInteger("joinedSeq"_L1).value_or(0);
    if (const auto status = f.optionalObject("status"_L1))
        p.status = statusFromJson(*status, f);
    return Decoded<ParticipantInfo>::from(p, f);
}

void ParticipantInfo::writeJson(QByteArray &out) const
{
    out.reserve(out.size() + 160 + name.size());
    out += "{\"id\":";
    JsonWrite::string(out, id);
    out += ",\"joinedSeq\":";
    JsonWrite::number(out, joinedSeq);
    out += ",\"lastSeen\":";
    JsonWrite::number(out, lastSeen);
    out += ",\"name\":";
    JsonWrite::string(out, name);
    out += ",\"online\":";
    JsonWrite::boolean(out, online);
    out += ",\"role\":";
    JsonWrite::name(out, wireName(role));
    out += ",\"status\":";
    writeStatusJson(out, status);
    out += '}';
}

Decoded<RoomInfo> RoomInfo::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    RoomInfo r;
    r.code = f.string("code"_L1);
    r.name = f.string("name"_L1);
    r.capacity = int(f.integer("capacity"_L1, 0, INT_MAX));
    r.state =
        f.oneOf("state"_L1, fromWireName<RoomState>, "a room state").value_or(RoomState::Waiting);
    r.host = f.stringOrNull("host"_L1);
    r.seats = int(f.optionalInteger("seats"_L1, 0, INT_MAX).value_or(0));
    r.spectators = int(f.optionalInteger("spectators"_L1, 0, INT_MAX).value_or(0));
    r.online = int(f.optionalInteger("online"_L1, 0, INT_MAX).value_or(0));
    r.waitingToJoin = int(f.optionalInteger("waitingToJoin"_L1, 0, INT_MAX).value_or(0));
    r.lastSeq = f.optionalInteger("lastSeq"_L1, 0).value_or(0);
    r.createdAt = f.optionalInteger("createdAt"_L1).value_or(0);
    if (const auto settings = f.optionalObject("settings"_L1)) {
        const Decoded<RoomSettings> s = RoomSettings::fromJson(*settings);
        if (s.value)
            r.settings = *s.value;
        else
            f.fail(s.error);
    }
    return Decoded<RoomInfo>::from(r, f);
}

void RoomInfo::writeJson(QByteArray &out) const
{
    out.reserve(out.size() + 300 + name.size());
    out += "{\"capacity\":";
    JsonWrite::number(out, capacity);
    out += ",\"code\":";
    JsonWrite::string(out, code);
    out += ",\"createdAt\":";
    JsonWrite::number(out, createdAt);
    out += ",\"host\":";
    JsonWrite::idOrNull(out, host);
    out += ",\"lastSeq\":";
    JsonWrite::number(out, lastSeq);
    out += ",\"name\":";
    JsonWrite::string(out, name);
    out += ",\"online\":";
    JsonWrite::number(out, online);
    out += ",\"seats\":";
    JsonWrite::number(out, seats);
    out += ",\"settings\":";
    settings.writeJson(out);
    out += ",\"spectators\":";
    JsonWrite::number(out, spectators);
    out += ",\"state\":";
    JsonWrite::name(out, wireName(state));
    out += ",\"waitingToJoin\":";
    JsonWrite::number(out, waitingToJoin);
    out += '}';
}

Decoded<RoomStats> RoomStats::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    RoomStats s;
    s.messages = f.optionalInteger("messages"_L1, 0).value_or(0);
    s.events = f.optionalInteger("events"_L1, 0).value_or(0);
    s.joins = f.optionalInteger("joins"_L1, 0).value_or(0);
    s.peakSeats = f.optionalInteger("peakSeats"_L1, 0).value_or(0);
    s.kicks = f.optionalInteger("kicks"_L1, 0).value_or(0);
    s.bans = f.optionalInteger("bans"_L1, 0).value_or(0);
    return Decoded<RoomStats>::from(s, f);
}

void RoomStats::writeJson(QByteArray &out) const
{
    out += "{\"bans\":";
    JsonWrite::number(out, bans);
    out += ",\"events\":";
    JsonWrite::number(out, events);
    out += ",\"joins\":";
    JsonWrite::number(out, joins);
    out += ",\"kicks\":";
    JsonWrite::number(out, kicks);
    out += ",\"messages\":";
    JsonWrite::number(out, messages);
    out += ",\"peakSeats\":";
    JsonWrite::number(out, peakSeats);
    out += '}';
}

template <typename T> QJsonObject toJsonObject(const T &value)
{
    QByteArray out;
    value.writeJson(out);
    return QJsonDocument::fromJson(out).object();
}

template QJsonObject toJsonObject(const RoomSettings &);
template QJsonObject toJsonObject(const ParticipantInfo &);
template QJsonObject toJsonObject(const RoomInfo &);
template QJsonObject toJsonObject(const RoomStats &);
