#include "replies.h"

#include "jsonwrite.h"
#include "protocol.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;

namespace {
void writeId(QByteArray &out, qint64 requestId)
{
    if (requestId < 0)
        out += "null";
    else
        JsonWrite::number(out, requestId);
}
} // namespace

Decoded<HelloResult> HelloResult::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    HelloResult h;
    h.server = f.optionalString("server"_L1).value_or(QString());
    h.version = f.integer("version"_L1);
    h.participant = f.string("participant"_L1);
    h.limits = Limits::fromJson(f.optionalObject("limits"_L1).value_or(QJsonObject()));
    return Decoded<HelloResult>::from(h, f);
}

QByteArray HelloResult::json(QByteArrayView limitsJson, QStringView participant)
{
    QByteArray out = "{\"limits\":";
    out += limitsJson;
    out += ",\"participant\":";
    JsonWrite::string(out, participant);
    out += ",\"server\":\"hearth/" HEARTH_VERSION "\",\"version\":";
    JsonWrite::number(out, Protocol::Version);
    out += '}';
    return out;
}

Decoded<RoomSnapshot> RoomSnapshot::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    RoomSnapshot snapshot;
    const Decoded<RoomInfo> room = RoomInfo::fromJson(f.object("room"_L1));
    if (!room.value)
        return Decoded<RoomSnapshot>::fail(u"room: "_s + room.error);
    snapshot.room = *room.value;
    snapshot.self = f.string("self"_L1);
    snapshot.rejoined = f.optionalBoolean("rejoined"_L1).value_or(false);
    const QJsonArray participants = f.array("participants"_L1);
    snapshot.participants.reserve(participants.size());
    for (const QJsonValue &value : participants) {
        const Decoded<ParticipantInfo> p = ParticipantInfo::fromJson(value.toObject());
        if (!p.value)
            return Decoded<RoomSnapshot>::fail(u"participants: "_s + p.error);
        snapshot.participants.append(*p.value);
    }
    return Decoded<RoomSnapshot>::from(std::move(snapshot), f);
}

QByteArray RoomSnapshot::json(const RoomInfo &room, QByteArrayView participantsJson,
                              QStringView self, bool rejoined)
{
    // Keys in QJsonDocument's (sorted) order.
    QByteArray out;
    out.reserve(participantsJson.size() + 400);
    out += "{\"participants\":";
    out += participantsJson;
    if (rejoined)
        out += ",\"rejoined\":true";
    out += ",\"room\":";
    room.writeJson(out);
    out += ",\"self\":";
    JsonWrite::string(out, self);
    out += '}';
    return out;
}

Decoded<ChatAck> ChatAck::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    ChatAck ack;
    ack.seq = f.integer("seq"_L1, 1);
    ack.ts = f.optionalInteger("ts"_L1).value_or(0);
    ack.duplicate = f.optionalBoolean("duplicate"_L1).value_or(false);
    return Decoded<ChatAck>::from(ack, f);
}

QByteArray ChatAck::json() const
{
    QByteArray out;
    if (duplicate) {
        out += "{\"duplicate\":true,\"seq\":";
        JsonWrite::number(out, seq);
    } else {
        out += "{\"seq\":";
        JsonWrite::number(out, seq);
        out += ",\"ts\":";
        JsonWrite::number(out, ts);
    }
    out += '}';
    return out;
}

Decoded<HistoryPage> HistoryPage::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    HistoryPage page;
    const QJsonArray events = f.array("events"_L1);
    page.events.reserve(events.size());
    for (const QJsonValue &value : events) {
        const Decoded<RoomEvent> e = RoomEvent::fromJson(value.toObject());
        if (!e.value)
            return Decoded<HistoryPage>::fail(u"events: "_s + e.error);
        page.events.append(*e.value);
    }
    page.hasMore = f.optionalBoolean("hasMore"_L1).value_or(false);
    page.firstSeq = f.optionalInteger("firstSeq"_L1, 0).value_or(0);
    page.lastSeq = f.optionalInteger("lastSeq"_L1, 0).value_or(0);
    page.missing = f.optionalInteger("missing"_L1, 0).value_or(0);
    return Decoded<HistoryPage>::from(std::move(page), f);
}

QByteArray HistoryPage::json(const QList<QByteArray> &eventFrames, bool hasMore, qint64 firstSeq,
                             qint64 lastSeq, qint64 missing)
{
    qsizetype size = 96;
    for (const QByteArray &e : eventFrames)
        size += e.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += "{\"events\":[";
    for (qsizetype i = 0; i < eventFrames.size(); ++i) {
        if (i > 0)
            out += ',';
        out += eventFrames[i];
    }
    out += "],\"hasMore\":";
    JsonWrite::boolean(out, hasMore);
    out += ",\"firstSeq\":";
    JsonWrite::number(out, firstSeq);
    out += ",\"lastSeq\":";
    JsonWrite::number(out, lastSeq);
    if (missing > 0) {
        out += ",\"missing\":";
        JsonWrite::number(out, missing);
    }
    out += '}';
    return out;
}

Decoded<RoomInfoResult> RoomInfoResult::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    RoomInfoResult info;
    const Decoded<RoomInfo> room = RoomInfo::fromJson(f.object("room"_L1));
    if (!room.value)
        return Decoded<RoomInfoResult>::fail(u"room: "_s + room.error);
    info.room = *room.value;
    if (const auto stats = f.optionalObject("stats"_L1)) {
        const Decoded<RoomStats> s = RoomStats::fromJson(*stats);
        if (!s.value)
            return Decoded<RoomInfoResult>::fail(u"stats: "_s + s.error);
        info.stats = *s.value;
    }
    return Decoded<RoomInfoResult>::from(std::move(info), f);
}

QByteArray RoomInfoResult::json() const
{
    QByteArray out = "{\"room\":";
    room.writeJson(out);
    if (stats) {
        out += ",\"stats\":";
        stats->writeJson(out);
    }
    out += '}';
    return out;
}

Decoded<PingResult> PingResult::fromJson(const QJsonObject &result)
{
    JsonFields f(result);
    return Decoded<PingResult>::from(PingResult{f.integer("ts"_L1)}, f);
}

QByteArray PingResult::json() const
{
    QByteArray out = "{\"ts\":";
    JsonWrite::number(out, ts);
    out += '}';
    return out;
}

Decoded<Reply> Reply::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    Reply r;
    const QJsonValue id = object.value("id"_L1);
    if (!id.isNull())
        r.id = f.integer("id"_L1, 0);
    r.ok = f.boolean("ok"_L1);
    if (r.ok) {
        r.result = f.object("result"_L1);
        return Decoded<Reply>::from(std::move(r), f);
    }
    JsonFields e(f.object("error"_L1));
    r.error.code = errorCodeFromName(e.string("code"_L1));
    r.error.message = e.optionalString("message"_L1).value_or(QString());
    r.error.retryAfterMs = e.optionalInteger("retryAfterMs"_L1, 0).value_or(-1);
    r.error.reason = e.optionalString("reason"_L1).value_or(QString());
    r.error.spectators = e.optionalBoolean("spectators"_L1);
    r.error.name = e.optionalString("name"_L1).value_or(QString());
    if (e.json().contains("supported"_L1)) {
        for (const QJsonValue &v : e.array("supported"_L1)) {
            if (const auto version = integerFromJson(v))
                r.error.supported.append(*version);
        }
    }
    if (!e.ok())
        f.fail(u"error: "_s + e.error());
    return Decoded<Reply>::from(std::move(r), f);
}

QByteArray Reply::success(qint64 requestId, QByteArrayView resultJson)
{
    QByteArray out;
    out.reserve(resultJson.size() + 48);
    out += "{\"type\":\"reply\",\"id\":";
    writeId(out, requestId);
    out += ",\"ok\":true,\"result\":";
    out += resultJson;
    out += '}';
    return out;
}

QByteArray Reply::failure(qint64 requestId, const ProtocolError &error)
{
    // Not a hot path: QJsonObject keeps the extra fields in the documented (sorted) order.
    QJsonObject e{{"code"_L1, errorCodeName(error.code)}, {"message"_L1, error.message}};
    if (error.retryAfterMs >= 0)
        e.insert("retryAfterMs"_L1, error.retryAfterMs);
    if (!error.reason.isEmpty())
        e.insert("reason"_L1, error.reason);
    if (error.spectators)
        e.insert("spectators"_L1, *error.spectators);
    if (!error.name.isEmpty())
        e.insert("name"_L1, error.name);
    if (!error.supported.isEmpty()) {
        QJsonArray versions;
        for (const qint64 v : error.supported)
            versions.append(v);
        e.insert("supported"_L1, versions);
    }
    QByteArray out = "{\"type\":\"reply\",\"id\":";
    writeId(out, requestId);
    out += ",\"ok\":false,\"error\":";
    out += QJsonDocument(e).toJson(QJsonDocument::Compact);
    out += '}';
    return out;
}

Decoded<ServerMessage> readServerMessage(const QJsonObject &object)
{
    const QString type = object.value("type"_L1).toString();
    const auto wrap = [](auto decoded) -> Decoded<ServerMessage> {
        if (!decoded.value)
            return Decoded<ServerMessage>::fail(decoded.error);
        return {ServerMessage(std::move(*decoded.value)), {}};
    };
    if (type == "reply"_L1)
        return wrap(Reply::fromJson(object));
    if (type == "event"_L1)
        return wrap(RoomEvent::fromJson(object));
    if (type == "notice"_L1)
        return wrap(Notice::fromJson(object));
    return Decoded<ServerMessage>::fail(u"\"type\" must be reply, event or notice."_s);
}

Decoded<ServerMessage> readServerMessage(const QByteArray &utf8)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (!doc.isObject())
        return Decoded<ServerMessage>::fail(u"not a JSON object"_s);
    return readServerMessage(doc.object());
}
