#pragma once

#include <QtCore/QLatin1String>
#include <QtCore/QStringView>

#include <optional>

// Values of protocol v1 (docs/protocol.md, "Values") that the server and the client share, with
// their wire names: defined once, here.

// A participant's role in a room: "host", "member", "spectator".
enum class Role : quint8 { Host, Member, Spectator };
QLatin1String roleName(Role role);
std::optional<Role> roleFromName(QStringView name);

// A room's session: "waiting" → "active" → "finished" (also waiting → finished).
enum class RoomState : quint8 { Waiting, Active, Finished };
QLatin1String roomStateName(RoomState state);
std::optional<RoomState> roomStateFromName(QStringView name);

// The host operations that name one participant (docs/protocol.md, "Host operations"); the
// name is the request's type.
enum class HostAction : quint8 { Admit, Deny, Kick, Ban, TransferHost };
inline constexpr HostAction AllHostActions[] = {HostAction::Admit, HostAction::Deny,
                                                HostAction::Kick, HostAction::Ban,
                                                HostAction::TransferHost};
QLatin1String hostActionName(HostAction action);
std::optional<HostAction> hostActionFromName(QStringView name);

// Why a participant left (participant_left's "reason").
enum class LeaveReason : quint8 { Left, TimedOut, Kicked, Banned };
QLatin1String leaveReasonName(LeaveReason reason);
std::optional<LeaveReason> leaveReasonFromName(QStringView name);

// Why the host changed (host_changed's "reason").
enum class HostChangeReason : quint8 { Transferred, HostLeft };
QLatin1String hostChangeReasonName(HostChangeReason reason);
std::optional<HostChangeReason> hostChangeReasonFromName(QStringView name);

// Why a room closed (room_closed's "reason").
enum class CloseReason : quint8 { Closed, Expired };
QLatin1String closeReasonName(CloseReason reason);
std::optional<CloseReason> closeReasonFromName(QStringView name);
