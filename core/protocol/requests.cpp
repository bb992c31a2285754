#include "requests.h"

#include "overloaded.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <array>
#include <iterator>
#include <type_traits>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

// The wire types, in Request's order. The host actions on one participant share one
// alternative and take their names from HostAction: theirs is left empty here.
constexpr QLatin1String TypeNames[] = {
    "hello"_L1,     "ping"_L1,       "create_room"_L1, "join_room"_L1, "leave_room"_L1,
    "send_chat"_L1, "history"_L1,    "set_status"_L1,  "room_info"_L1, "update_settings"_L1,
    "set_state"_L1, QLatin1String(), "close_room"_L1};
static_assert(std::size(TypeNames) == std::variant_size_v<Request>);
static_assert(std::is_same_v<std::variant_alternative_t<11, Request>, Requests::OnParticipant>);

// The empty request of each alternative, by its index.
template <std::size_t... I> constexpr auto emptyMakers(std::index_sequence<I...>)
{
    return std::array<Request (*)(), sizeof...(I)>{
        [] { return Request(std::in_place_index<I>); }...};
}
constexpr auto EmptyRequests = emptyMakers(std::make_index_sequence<std::size(TypeNames)>());

std::optional<Request> emptyRequest(QStringView type)
{
    if (const auto action = fromWireName<HostAction>(type))
        return Request(Requests::OnParticipant{*action, {}, {}});
    for (std::size_t i = 0; i < std::size(TypeNames); ++i) {
        if (!TypeNames[i].isEmpty() && type == TypeNames[i])
            return EmptyRequests[i]();
    }
    return std::nullopt;
}

// --- reading the fields ----------------------------------------------------------------------

Requests::SettingsChange readSettings(JsonFields &f)
{
    Requests::SettingsChange change;
    const auto object = f.optionalObject("settings"_L1);
    if (!object)
        return change;
    JsonFields s(*object);
    change.spectators = s.optionalBoolean("spectators"_L1);
    change.approval = s.optionalBoolean("approval"_L1);
    change.locked = s.optionalBoolean("locked"_L1);
    change.isPublic = s.optionalBoolean("public"_L1);
    // null means "no password", as absent does.
    if (!object->value("password"_L1).isNull())
        change.password = s.optionalString("password"_L1);
    if (!s.ok())
        f.fail(u"settings."_s + s.error());
    return change;
}

void readFields(JsonFields &f, Requests::Hello &r)
{
    // Any number: a version this server does not speak (even 1.5) is unsupported_version.
    const QJsonValue version = f.json().value("version"_L1);
    if (!version.isDouble())
        f.fail(u"\"version\" must be a number."_s);
    r.version = version.toDouble();
    r.client = f.optionalString("client"_L1).value_or(QString());
    const QJsonObject identity = f.optionalObject("identity"_L1).value_or(QJsonObject());
    const QJsonValue id = identity.value("id"_L1), secret = identity.value("secret"_L1);
    if (!id.isString() || !secret.isString())
        f.fail(u"\"identity\" needs an \"id\" (16-64 characters of A-Z a-z 0-9 _ -) and a "
               u"\"secret\" (32-128 of the same)."_s);
    r.identityId = id.toString();
    r.identitySecret = secret.toString();
}

void readFields(JsonFields &, Requests::Ping &) {}

void readFields(JsonFields &f, Requests::CreateRoom &r)
{
    r.name = f.string("name"_L1);
    r.displayName = f.string("displayName"_L1);
    // Its bounds are the server's (limits.capacityMax), and so is the message naming them.
    r.capacity = f.optionalInteger("capacity"_L1);
    r.settings = readSettings(f);
}

void readFields(JsonFields &f, Requests::JoinRoom &r)
{
    r.code = f.string("code"_L1);
    r.displayName = f.string("displayName"_L1);
    const auto role = f.oneOf("role"_L1, fromWireName<Role>, "\"member\" or \"spectator\"", false);
    if (role == Role::Host)
        f.fail(u"\"role\" must be \"member\" or \"spectator\"."_s);
    r.role = role.value_or(Role::Member);
    r.password = f.optionalString("password"_L1);
    r.resume = f.optionalBoolean("resume"_L1).value_or(false);
}

void readFields(JsonFields &f, Requests::LeaveRoom &r)
{
    r.room = f.string("room"_L1);
}

void readFields(JsonFields &f, Requests::SendChat &r)
{
    r.room = f.string("room"_L1);
    r.text = f.string("text"_L1);
    r.clientMsgId = f.optionalString("clientMsgId"_L1);
    if (r.clientMsgId && (r.clientMsgId->isEmpty() || r.clientMsgId->size() > 64))
        f.fail(u"\"clientMsgId\" must be 1 to 64 characters."_s);
}

void readFields(JsonFields &f, Requests::History &r)
{
    r.room = f.string("room"_L1);
    r.before = f.optionalInteger("before"_L1, 1);
    r.after = f.optionalInteger("after"_L1, 0);
    r.limit = f.optionalInteger("limit"_L1); // 1 to limits.historyPageMax: the server's check
    if (r.before && r.after && *r.before <= *r.after + 1)
        f.fail(u"\"before\" must be above \"after\" + 1."_s);
}

void readFields(JsonFields &f, Requests::SetStatus &r)
{
    r.room = f.string("room"_L1);
    const QJsonValue status = f.json().value("status"_L1);
    const auto update =
        status.isObject() ? StatusFlags::parseUpdate(status.toObject()) : std::nullopt;
    if (!update)
        f.fail(u"\"status\" must be an object of ready, away, muted, camera, screen: true or "
               u"false."_s);
    r.status = update.value_or(StatusFlags::Update{});
}

void readFields(JsonFields &f, Requests::RoomInfo &r)
{
    r.room = f.string("room"_L1);
}

void readFields(JsonFields &f, Requests::UpdateSettings &r)
{
    r.room = f.string("room"_L1);
    r.name = f.optionalString("name"_L1);
    r.capacity = f.optionalInteger("capacity"_L1);
    r.settings = readSettings(f);
}

void readFields(JsonFields &f, Requests::SetState &r)
{
    r.room = f.string("room"_L1);
    const auto state = f.oneOf("state"_L1, fromWireName<RoomState>, "\"active\" or \"finished\"");
    if (state == RoomState::Waiting)
        f.fail(u"\"state\" must be \"active\" or \"finished\"."_s);
    r.state = state.value_or(RoomState::Active);
}

void readFields(JsonFields &f, Requests::OnParticipant &r)
{
    r.room = f.string("room"_L1);
    r.participant = f.string("participant"_L1);
}

void readFields(JsonFields &f, Requests::CloseRoom &r)
{
    r.room = f.string("room"_L1);
}

// --- writing them --------------------------------------------------------------------------

void insertSettings(QJsonObject &o, const Requests::SettingsChange &c)
{
    if (c.isEmpty())
        return;
    QJsonObject s;
    if (c.spectators)
        s.insert("spectators"_L1, *c.spectators);
    if (c.approval)
        s.insert("approval"_L1, *c.approval);
    if (c.locked)
        s.insert("locked"_L1, *c.locked);
    if (c.isPublic)
        s.insert("public"_L1, *c.isPublic);
    if (c.password)
        s.insert("password"_L1, *c.password);
    o.insert("settings"_L1, s);
}

template <typename T> void insertIf(QJsonObject &o, QLatin1String key, const std::optional<T> &v)
{
    if (v)
        o.insert(key, *v);
}

QJsonObject fieldsOf(const Request &request)
{
    QJsonObject o;
    std::visit(Overloaded{
                   [&o](const Requests::Hello &r) {
                       o.insert("version"_L1, r.version);
                       o.insert("client"_L1, r.client);
                       o.insert("identity"_L1, QJsonObject{{"id"_L1, r.identityId},
                                                           {"secret"_L1, r.identitySecret}});
                   },
                   [](const Requests::Ping &) {},
                   [&o](const Requests::CreateRoom &r) {
                       o.insert("name"_L1, r.name);
                       o.insert("displayName"_L1, r.displayName);
                       insertIf(o, "capacity"_L1, r.capacity);
                       insertSettings(o, r.settings);
                   },
                   [&o](const Requests::JoinRoom &r) {
                       o.insert("code"_L1, r.code);
                       o.insert("displayName"_L1, r.displayName);
                       o.insert("role"_L1, wireName(r.role));
                       insertIf(o, "password"_L1, r.password);
                       if (r.resume)
                           o.insert("resume"_L1, true);
                   },
                   [&o](const Requests::LeaveRoom &r) { o.insert("room"_L1, r.room); },
                   [&o](const Requests::SendChat &r) {
                       o.insert("room"_L1, r.room);
                       o.insert("text"_L1, r.text);
                       insertIf(o, "clientMsgId"_L1, r.clientMsgId);
                   },
                   [&o](const Requests::History &r) {
                       o.insert("room"_L1, r.room);
                       insertIf(o, "before"_L1, r.before);
                       insertIf(o, "after"_L1, r.after);
                       insertIf(o, "limit"_L1, r.limit);
                   },
                   [&o](const Requests::SetStatus &r) {
                       o.insert("room"_L1, r.room);
                       o.insert("status"_L1, StatusFlags{r.status.values}.toJson(r.status.mask));
                   },
                   [&o](const Requests::RoomInfo &r) { o.insert("room"_L1, r.room); },
                   [&o](const Requests::UpdateSettings &r) {
                       o.insert("room"_L1, r.room);
                       insertIf(o, "name"_L1, r.name);
                       insertIf(o, "capacity"_L1, r.capacity);
                       insertSettings(o, r.settings);
                   },
                   [&o](const Requests::SetState &r) {
                       o.insert("room"_L1, r.room);
                       o.insert("state"_L1, wireName(r.state));
                   },
                   [&o](const Requests::OnParticipant &r) {
                       o.insert("room"_L1, r.room);
                       o.insert("participant"_L1, r.participant);
                   },
                   [&o](const Requests::CloseRoom &r) { o.insert("room"_L1, r.room); },
               },
               request);
    return o;
}

} // namespace

QLatin1String requestTypeName(const Request &request)
{
    if (const auto *r = std::get_if<Requests::OnParticipant>(&request))
        return wireName(r->action);
    return TypeNames[request.index()];
}

std::variant<RequestFrame, RequestRefusal> RequestFrame::read(const QByteArray &utf8)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (!doc.isObject()) {
        return RequestRefusal{
            -1, ErrorCode::BadJson,
            parseError.error != QJsonParseError::NoError
                ? QStringLiteral("The frame is not valid JSON: %1.").arg(parseError.errorString())
                : QStringLiteral("The frame must be a JSON object.")};
    }
    RequestFrame frame;
    frame.object = doc.object();
    const std::optional<qint64> id = integerFromJson(frame.object.value("id"_L1));
    if (!id || *id < 0) {
        return RequestRefusal{
            -1, ErrorCode::BadRequest,
            QStringLiteral("Every request needs an \"id\": an integer from 0 to 2^53-1.")};
    }
    frame.id = *id;
    return frame;
}

std::variant<Request, RequestRefusal> RequestFrame::emptyOfType() const
{
    const QJsonValue type = object.value("type"_L1);
    if (!type.isString())
        return RequestRefusal{id, ErrorCode::BadRequest, u"\"type\" must be a string."_s};
    if (auto request = emptyRequest(type.toString()))
        return *std::move(request);
    return RequestRefusal{
        id, ErrorCode::UnknownType,
        QStringLiteral("Unknown request type \"%1\".").arg(type.toString().left(64))};
}

std::optional<RequestRefusal> RequestFrame::decodeInto(Request &request) const
{
    JsonFields fields(object);
    std::visit([&fields](auto &r) { readFields(fields, r); }, request);
    if (!fields.ok())
        return RequestRefusal{id, ErrorCode::BadRequest, fields.error()};
    return std::nullopt;
}

std::variant<Request, RequestRefusal> decodeRequest(const QJsonObject &object, qint64 id)
{
    const RequestFrame frame{id, object};
    auto request = frame.emptyOfType();
    if (auto *r = std::get_if<Request>(&request)) {
        if (auto refusal = frame.decodeInto(*r))
            return *refusal;
    }
    return request;
}

QByteArray encodeRequest(qint64 id, const Request &request)
{
    QJsonObject o = fieldsOf(request);
    o.insert("id"_L1, id);
    o.insert("type"_L1, requestTypeName(request));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
