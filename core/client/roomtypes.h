#pragma once

#include "protocol/errorcode.h"
#include "protocol/limits.h"
#include "protocol/roomvalues.h"
#include "protocol/statusflags.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// Client-side values live in namespace Client: the server has its own (storage-shaped) types of
// similar names, and both end up in one binary.
namespace Client {

// The values of protocol v1 (docs/protocol.md) as the desktop client reads them. Each fromJson()
// is strict about the fields the client relies on and returns nothing when one is missing or of
// the wrong type, so that a malformed frame never becomes a half-filled value.

// The shared values, under their client names too (core/protocol/roomvalues.h).
using ::Role;
using ::roleFromName;
using ::roleName;
using ::RoomState;
using ::roomStateFromName;
using ::roomStateName;

// A JSON number that is a whole number within ±(2^53−1), the range a double holds exactly (the
// protocol's integers); nothing for anything else. Every integer the client reads from a server
// goes through this: converting a larger double to qint64 is undefined behaviour.
std::optional<qint64> integerFromJson(const QJsonValue &value);

// A room's settings as the server reports them; `password` says whether one is set.
struct RoomSettings {
    bool spectators = true;
    bool approval = false;
    bool locked = false;
    bool password = false;
    bool isPublic = false;

    static RoomSettings fromJson(const QJsonObject &object); // missing keys keep defaults
    bool operator==(const RoomSettings &other) const;
    bool operator!=(const RoomSettings &other) const { return !(*this == other); }
};

// The participant object.
struct ParticipantInfo {
    QString id;
    QString name;
    Role role = Role::Member;
    bool online = false;
    qint64 lastSeen = 0;
    qint64 joinedSeq = 0;
    StatusFlags status;

    static std::optional<ParticipantInfo> fromJson(const QJsonObject &object);
};

// The room object.
struct RoomInfo {
    QString code;
    QString name;
    int capacity = 0;
    RoomState state = RoomState::Waiting;
    QString host; // participant id; empty while nobody is in the room
    int seats = 0;
    int spectators = 0;
    int online = 0;
    int waitingToJoin = 0;
    qint64 lastSeq = 0;
    qint64 createdAt = 0;
    RoomSettings settings;

    static std::optional<RoomInfo> fromJson(const QJsonObject &object);
};

// The result of create_room and join_room: the room right after your own participant_joined.
struct RoomSnapshot {
    RoomInfo room;
    QString self; // your participant id in this room
    QList<ParticipantInfo> participants;
    bool rejoined = false;

    static std::optional<RoomSnapshot> fromJson(const QJsonObject &result);
};

// The host's extra part of room_info.
struct RoomStats {
    qint64 messages = 0;
    qint64 events = 0;
    qint64 joins = 0;
    qint64 peakSeats = 0;
    qint64 kicks = 0;
    qint64 bans = 0;

    static RoomStats fromJson(const QJsonObject &object);
};

// room_info's result.
struct RoomInfoResult {
    RoomInfo room;
    std::optional<RoomStats> stats; // only in the host's reply
};

// One room event, pushed live or read from history. `data` is kept as JSON: what it holds
// depends on `kind` (see "Room events" in docs/protocol.md).
struct RoomEvent {
    enum class Kind {
        ParticipantJoined,
        ParticipantLeft,
        ParticipantUpdated,
        Presence,
        Chat,
        RoomUpdated,
        HostChanged,
        RoomClosed,
        Unknown, // a newer server's event; kept so that sequence numbers stay gapless
    };

    QString room;
    qint64 seq = 0;
    qint64 ts = 0;
    Kind kind = Kind::Unknown;
    QString name; // the wire name of the event
    QJsonObject data;

    static std::optional<RoomEvent> fromJson(const QJsonObject &object);
};

// history's result: events in ascending seq order.
struct HistoryPage {
    QList<RoomEvent> events;
    bool hasMore = false;
    qint64 firstSeq = 0; // the oldest seq the server still stores
    qint64 lastSeq = 0;  // the newest seq of the room
    // Events asked for (with `after`) that the server no longer keeps (trimmed history).
    qint64 missing = 0;

    static std::optional<HistoryPage> fromJson(const QJsonObject &result);
};

// send_chat's result.
struct ChatAck {
    qint64 seq = 0;
    qint64 ts = 0;
    bool duplicate = false; // the clientMsgId was used before; seq is the first message's
};

// hello's result.
struct HelloResult {
    QString server;
    int version = 0;
    QString participant;
    Limits limits;
};

// A notice: for this connection only, not part of history.
struct Notice {
    enum class Kind { JoinRequest, JoinRequestCancelled, JoinPending, Unknown };
    Kind kind = Kind::Unknown;
    QString name; // the wire name
    QString room;
    QJsonObject data;

    static std::optional<Notice> fromJson(const QJsonObject &object);
};

// The empty result of operations that answer `{}`.
struct Done {};

// Why a request did not succeed: the server refused it (with a stable code), or the client gave
// up on it because the connection went away or no reply came in time.
struct RequestError {
    Q_DECLARE_TR_FUNCTIONS(RequestError)
public:
    enum class Kind { Server, ConnectionLost, Timeout, NotConnected, Malformed };
    Kind kind = Kind::Server;
    ProtocolError error; // for Server; for the others code is InternalError
    // The server's error.reason where it gives one (join_room with resume: why the seat is
    // gone: timed_out, kicked, banned, left).
    QString reason;
    // room_full for a member: the room would take you as a spectator (error.spectators).
    bool spectatorsWelcome = false;
    // name_taken: the name of whoever already goes by it (error.name), as they spell it.
    QString takenName;

    ErrorCode code() const { return error.code; }
    // Plain words for a person (what the lobby shows), e.g. "No room has this code."
    QString text() const;
};

// The outcome of a request: a value of T, or an error.
template <typename T> struct Result {
    std::optional<T> value;
    RequestError error;

    bool ok() const { return value.has_value(); }
};

} // namespace Client
