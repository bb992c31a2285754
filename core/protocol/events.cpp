#include "events.h"

#include "jsonwrite.h"

using namespace Qt::StringLiterals;

namespace {

// The wire names, in EventData's order (Unknown carries its own).
constexpr QLatin1String EventNames[] = {"participant_joined"_L1,
                                        "participant_left"_L1,
                                        "participant_updated"_L1,
                                        "presence"_L1,
                                        "chat"_L1,
                                        "room_updated"_L1,
                                        "host_changed"_L1,
                                        "room_closed"_L1};
static_assert(std::size(EventNames) + 1 == std::variant_size_v<EventData>);

constexpr QLatin1String NoticeNames[] = {"join_request"_L1, "join_request_cancelled"_L1,
                                         "join_pending"_L1};
static_assert(std::size(NoticeNames) + 1 == std::variant_size_v<NoticeData>);

Decoded<EventData> readEventData(QStringView name, const QJsonObject &object)
{
    JsonFields f(object);
    const auto decoded = [&f](EventData d) { return Decoded<EventData>::from(std::move(d), f); };
    if (name == EventNames[0]) {
        const Decoded<ParticipantInfo> p = ParticipantInfo::fromJson(f.object("participant"_L1));
        if (!p.value)
            f.fail(p.error);
        return decoded(Events::ParticipantJoined{p.value.value_or(ParticipantInfo{})});
    }
    if (name == EventNames[1]) {
        Events::ParticipantLeft e;
        e.participant = f.string("participant"_L1);
        e.reason = f.oneOf("reason"_L1, fromWireName<LeaveReason>, "a reason").value_or(e.reason);
        e.by = f.optionalString("by"_L1).value_or(QString());
        return decoded(e);
    }
    if (name == EventNames[2]) {
        Events::ParticipantUpdated e;
        e.participant = f.string("participant"_L1);
        const QJsonObject status = f.object("status"_L1);
        e.status = statusFromJson(status, f);
        for (int i = 0; i < StatusFlags::Count; ++i) {
            if (status.contains(QLatin1String(StatusFlags::name(i))))
                e.changed |= quint8(1 << i);
        }
        return decoded(e);
    }
    if (name == EventNames[3]) {
        Events::Presence e;
        e.participant = f.string("participant"_L1);
        e.online = f.boolean("online"_L1);
        e.lastSeen = f.optionalInteger("lastSeen"_L1).value_or(0);
        return decoded(e);
    }
    if (name == EventNames[4]) {
        Events::Chat e;
        e.author = f.string("author"_L1);
        e.name = f.string("name"_L1);
        e.text = f.string("text"_L1);
        e.clientMsgId = f.optionalString("clientMsgId"_L1).value_or(QString());
        return decoded(e);
    }
    if (name == EventNames[5]) {
        const Decoded<RoomInfo> room = RoomInfo::fromJson(f.object("room"_L1));
        if (!room.value)
            f.fail(room.error);
        return decoded(Events::RoomUpdated{room.value.value_or(RoomInfo{})});
    }
    if (name == EventNames[6]) {
        Events::HostChanged e;
        e.from = f.stringOrNull("from"_L1);
        e.to = f.string("to"_L1);
        e.reason =
            f.oneOf("reason"_L1, fromWireName<HostChangeReason>, "a reason").value_or(e.reason);
        return decoded(e);
    }
    if (name == EventNames[7]) {
        Events::RoomClosed e;
        e.reason = f.oneOf("reason"_L1, fromWireName<CloseReason>, "a reason").value_or(e.reason);
        return decoded(e);
    }
    return decoded(Events::Unknown{name.toString()});
}

// An event frame in the documented key order; `writeName` appends the event's name as a JSON
// string.
template <typename WriteName>
QByteArray writeFrame(QStringView room, qint64 seq, qint64 ts, QByteArrayView dataJson,
                      WriteName writeName)
{
    QByteArray out;
    out.reserve(dataJson.size() + 96);
    out += "{\"type\":\"event\",\"room\":";
    JsonWrite::string(out, room);
    out += ",\"seq\":";
    JsonWrite::number(out, seq);
    out += ",\"ts\":";
    JsonWrite::number(out, ts);
    out += ",\"event\":";
    writeName(out);
    out += ",\"data\":";
    out += dataJson;
    out += '}';
    return out;
}

} // namespace

QLatin1String eventName(const EventData &data)
{
    if (std::holds_alternative<Events::Unknown>(data))
        return QLatin1String(); // a newer server's name: see Events::Unknown::name
    return EventNames[data.index()];
}

void writeEventData(QByteArray &out, const EventData &data)
{
    // Keys in QJsonDocument's (sorted) order.
    std::visit(Overloaded{
                   [&out](const Events::ParticipantJoined &e) {
                       out += "{\"participant\":";
                       e.participant.writeJson(out);
                       out += '}';
                   },
                   [&out](const Events::ParticipantLeft &e) {
                       out += '{';
                       if (!e.by.isEmpty()) {
                           out += "\"by\":";
                           JsonWrite::string(out, e.by);
                           out += ',';
                       }
                       out += "\"participant\":";
                       JsonWrite::string(out, e.participant);
                       out += ",\"reason\":";
                       JsonWrite::name(out, wireName(e.reason));
                       out += '}';
                   },
                   [&out](const Events::ParticipantUpdated &e) {
                       out += "{\"participant\":";
                       JsonWrite::string(out, e.participant);
                       out += ",\"status\":";
                       writeStatusJson(out, e.status, e.changed);
                       out += '}';
                   },
                   [&out](const Events::Presence &e) {
                       out += "{\"lastSeen\":";
                       JsonWrite::number(out, e.lastSeen);
                       out += ",\"online\":";
                       JsonWrite::boolean(out, e.online);
                       out += ",\"participant\":";
                       JsonWrite::string(out, e.participant);
                       out += '}';
                   },
                   [&out](const Events::Chat &e) {
                       out.reserve(out.size() + e.text.size() + e.name.size() + 96);
                       out += "{\"author\":";
                       JsonWrite::string(out, e.author);
                       if (!e.clientMsgId.isEmpty()) {
                           out += ",\"clientMsgId\":";
                           JsonWrite::string(out, e.clientMsgId);
                       }
                       out += ",\"name\":";
                       JsonWrite::string(out, e.name);
                       out += ",\"text\":";
                       JsonWrite::string(out, e.text);
                       out += '}';
                   },
                   [&out](const Events::RoomUpdated &e) {
                       out += "{\"room\":";
                       e.room.writeJson(out);
                       out += '}';
                   },
                   [&out](const Events::HostChanged &e) {
                       out += "{\"from\":";
                       JsonWrite::idOrNull(out, e.from);
                       out += ",\"reason\":";
                       JsonWrite::name(out, wireName(e.reason));
                       out += ",\"to\":";
                       JsonWrite::string(out, e.to);
                       out += '}';
                   },
                   [&out](const Events::RoomClosed &e) {
                       out += "{\"reason\":";
                       JsonWrite::name(out, wireName(e.reason));
                       out += '}';
                   },
                   [&out](const Events::Unknown &) { out += "{}"; },
               },
               data);
}

Decoded<RoomEvent> RoomEvent::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    RoomEvent e;
    e.room = f.string("room"_L1);
    e.seq = f.integer("seq"_L1, 1);
    e.ts = f.optionalInteger("ts"_L1).value_or(0);
    const QString name = f.string("event"_L1);
    if (!f.ok())
        return Decoded<RoomEvent>::fail(f.error());
    const Decoded<EventData> data = readEventData(name, f.object("data"_L1));
    if (!data.value)
        return Decoded<RoomEvent>::fail(QStringLiteral("%1: %2").arg(name, data.error));
    e.data = *data.value;
    return Decoded<RoomEvent>::from(std::move(e), f);
}

QByteArray RoomEvent::frame(QStringView room, qint64 seq, qint64 ts, QLatin1String name,
                            QByteArrayView dataJson)
{
    return writeFrame(room, seq, ts, dataJson,
                      [name](QByteArray &out) { JsonWrite::name(out, name); });
}

QByteArray RoomEvent::toFrame() const
{
    QByteArray dataJson;
    writeEventData(dataJson, data);
    if (const auto *unknown = std::get_if<Events::Unknown>(&data)) {
        // Whatever a newer server called it, escaped (found by fuzz_clientjson: a '"' in the
        // name made the frame invalid JSON, and names beyond Latin-1 came back as '?').
        return writeFrame(room, seq, ts, dataJson,
                          [unknown](QByteArray &out) { JsonWrite::string(out, unknown->name); });
    }
    return frame(room, seq, ts, eventName(data), dataJson);
}

Decoded<Notice> Notice::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    Notice n;
    const QString name = f.string("notice"_L1);
    n.room = f.optionalString("room"_L1).value_or(QString());
    const QJsonObject data = f.optionalObject("data"_L1).value_or(QJsonObject());
    JsonFields d(data);
    if (name == NoticeNames[0]) {
        Notices::JoinRequest r;
        r.participant = d.string("participant"_L1);
        r.name = d.string("name"_L1);
        r.role = d.oneOf("role"_L1, fromWireName<Role>, "a role").value_or(r.role);
        n.data = r;
    } else if (name == NoticeNames[1]) {
        n.data = Notices::JoinRequestCancelled{d.string("participant"_L1)};
    } else if (name == NoticeNames[2]) {
        n.data = Notices::JoinPending{};
    } else {
        n.data = Notices::Unknown{name};
    }
    if (!d.ok())
        f.fail(QStringLiteral("%1: %2").arg(name, d.error()));
    return Decoded<Notice>::from(std::move(n), f);
}

QByteArray Notice::toFrame() const
{
    QByteArray out = "{\"type\":\"notice\",\"notice\":";
    // A newer server's notice keeps its name (fuzz_clientjson's round trip: it was written as
    // "unknown", so the notice did not read back as itself).
    if (const auto *unknown = std::get_if<Notices::Unknown>(&data))
        JsonWrite::string(out, unknown->name);
    else
        JsonWrite::name(out, NoticeNames[data.index()]);
    out += ",\"room\":";
    JsonWrite::string(out, room);
    out += ",\"data\":";
    std::visit(Overloaded{
                   [&out](const Notices::JoinRequest &r) {
                       out += "{\"name\":";
                       JsonWrite::string(out, r.name);
                       out += ",\"participant\":";
                       JsonWrite::string(out, r.participant);
                       out += ",\"role\":";
                       JsonWrite::name(out, wireName(r.role));
                       out += '}';
                   },
                   [&out](const Notices::JoinRequestCancelled &r) {
                       out += "{\"participant\":";
                       JsonWrite::string(out, r.participant);
                       out += '}';
                   },
                   [&out](const auto &) { out += "{}"; },
               },
               data);
    out += '}';
    return out;
}
