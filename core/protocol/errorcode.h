#pragma once

#include <QtCore/QLatin1String>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// The stable error codes of protocol v2. Codes are only ever added, never renamed: clients
// switch on them. The wire form is the snake_case string returned by errorCodeName().
enum class ErrorCode {
    BadJson,
    BadRequest,
    UnknownType,
    HelloRequired,
    UnsupportedVersion,
    IdentityRejected,
    RoomNotFound,
    WrongPassword,
    RoomFull,
    RoomLocked,
    Banned,
    SpectatorsNotAllowed,
    JoinDenied,
    RoomClosed,
    NotMember,
    NotHost,
    ParticipantNotFound,
    InvalidTransition,
    TooManyRooms,
    TooLarge,
    RateLimited,
    StorageError,
    ShuttingDown,
    NameTaken, // join_room: someone in the room already has a name that looks the same
    InternalError,
};

QLatin1String errorCodeName(ErrorCode code);

// Parses a wire name back; unknown names (a newer server) map to InternalError.
ErrorCode errorCodeFromName(QStringView name);

// An error as carried in a reply: the stable code plus English text for people, and the extra
// fields some codes carry (docs/protocol.md, "One reply per error code"). Read and written by
// the reply codec (core/protocol/replies.h).
struct ProtocolError {
    ErrorCode code = ErrorCode::InternalError;
    QString message;
    qint64 retryAfterMs = -1; // rate_limited: when to try again
    QString reason = {};      // not_member after a resume: why the seat is gone
    // room_full for a member: whether the same join as a spectator would get in.
    std::optional<bool> spectators = {};
    QString name = {};            // name_taken: the name as its holder spells it
    QList<qint64> supported = {}; // unsupported_version: the versions the server speaks

    bool operator==(const ProtocolError &) const = default;
};
