#pragma once

#include "errorcode.h"
#include "jsonread.h"
#include "roomvalues.h"
#include "statusflags.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <variant>

// The requests of protocol v2 (docs/protocol.md, "Operations"): one type each, one decoder
// (the server's) and one encoder (the client's and the tests'). The decoder decides the shape:
// a missing or mistyped field is a bad_request here. What depends on the server's limits or
// state (name lengths, capacity bounds, membership) is the server's to check.

namespace Requests {
struct Hello {
    double version = 0;
    QString client;
    QString identityId;
    QString identitySecret;
};
struct Ping {};
// The settings a create_room or update_settings names; absent ones stay as they are.
struct SettingsChange {
    std::optional<bool> spectators, approval, locked, isPublic;
    // A new password; "" removes it (update_settings only).
    std::optional<QString> password;
    bool isEmpty() const { return !spectators && !approval && !locked && !isPublic && !password; }
};
struct CreateRoom {
    QString name;
    QString displayName;
    std::optional<qint64> capacity;
    SettingsChange settings;
};
struct JoinRoom {
    QString code;
    QString displayName;
    Role role = Role::Member; // never Host
    std::optional<QString> password;
    bool resume = false;
};
struct LeaveRoom {
    QString room;
};
struct SendChat {
    QString room;
    QString text;
    std::optional<QString> clientMsgId; // 1–64 characters when given
};
struct History {
    QString room;
    std::optional<qint64> before; // ≥ 1
    std::optional<qint64> after;  // ≥ 0
    std::optional<qint64> limit;  // the server checks 1 to limits.historyPageMax
};
struct SetStatus {
    QString room;
    StatusFlags::Update status;
};
struct RoomInfo {
    QString room;
};
struct UpdateSettings {
    QString room;
    std::optional<QString> name;
    std::optional<qint64> capacity;
    SettingsChange settings;
};
struct SetState {
    QString room;
    RoomState state = RoomState::Active; // Active or Finished
};
// admit, deny, kick, ban, transfer_host: one shape, the action is the type.
struct OnParticipant {
    HostAction action = HostAction::Kick;
    QString room;
    QString participant;
};
struct CloseRoom {
    QString room;
};
} // namespace Requests

using Request =
    std::variant<Requests::Hello, Requests::Ping, Requests::CreateRoom, Requests::JoinRoom,
                 Requests::LeaveRoom, Requests::SendChat, Requests::History, Requests::SetStatus,
                 Requests::RoomInfo, Requests::UpdateSettings, Requests::SetState,
                 Requests::OnParticipant, Requests::CloseRoom>;

// The request's wire type ("hello", "kick", …).
QLatin1String requestTypeName(const Request &request);

// Why a frame is not a request the server can act on: the error reply's code and message.
// id is -1 when the frame had no usable id (the reply then says "id": null).
struct RequestRefusal {
    qint64 id = -1;
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
};

// Reading a request in the server's order: the frame and its id first (so that a rate limit
// can refuse by id before anything else is read), then the type (unknown_type; whether the
// type is allowed before hello), then the fields.
struct RequestFrame {
    qint64 id = -1;
    QJsonObject object;

    static std::variant<RequestFrame, RequestRefusal> read(const QByteArray &utf8);
    // The type, or unknown_type (or bad_request when it is not a string). Only the type: a
    // request whose fields are bad is still known to be, say, a hello.
    std::variant<Request, RequestRefusal> emptyOfType() const;
    // The fields, into the request emptyOfType() gave.
    std::optional<RequestRefusal> decodeInto(Request &request) const;
};

// Both steps at once (tests, fuzzing).
std::variant<Request, RequestRefusal> decodeRequest(const QJsonObject &object, qint64 id);

// The request as the frame a client sends.
QByteArray encodeRequest(qint64 id, const Request &request);
