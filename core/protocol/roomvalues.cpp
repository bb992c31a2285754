#include "roomvalues.h"

using namespace Qt::StringLiterals;

namespace {
// Index = the enum's value.
constexpr QLatin1String RoleNames[] = {"host"_L1, "member"_L1, "spectator"_L1};
constexpr QLatin1String RoomStateNames[] = {"waiting"_L1, "active"_L1, "finished"_L1};
constexpr QLatin1String HostActionNames[] = {"admit"_L1, "deny"_L1, "kick"_L1, "ban"_L1,
                                             "transfer_host"_L1};
constexpr QLatin1String LeaveReasonNames[] = {"left"_L1, "timed_out"_L1, "kicked"_L1, "banned"_L1};
constexpr QLatin1String HostChangeReasonNames[] = {"transferred"_L1, "host_left"_L1};
constexpr QLatin1String CloseReasonNames[] = {"closed"_L1, "expired"_L1};

template <typename Enum, std::size_t N>
std::optional<Enum> fromName(const QLatin1String (&names)[N], QStringView name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i])
            return Enum(i);
    }
    return std::nullopt;
}
} // namespace

QLatin1String roleName(Role role)
{
    return RoleNames[std::size_t(role)];
}

std::optional<Role> roleFromName(QStringView name)
{
    return fromName<Role>(RoleNames, name);
}

QLatin1String roomStateName(RoomState state)
{
    return RoomStateNames[std::size_t(state)];
}

std::optional<RoomState> roomStateFromName(QStringView name)
{
    return fromName<RoomState>(RoomStateNames, name);
}

QLatin1String hostActionName(HostAction action)
{
    return HostActionNames[std::size_t(action)];
}

std::optional<HostAction> hostActionFromName(QStringView name)
{
    return fromName<HostAction>(HostActionNames, name);
}

QLatin1String leaveReasonName(LeaveReason reason)
{
    return LeaveReasonNames[std::size_t(reason)];
}

std::optional<LeaveReason> leaveReasonFromName(QStringView name)
{
    return fromName<LeaveReason>(LeaveReasonNames, name);
}

QLatin1String hostChangeReasonName(HostChangeReason reason)
{
    return HostChangeReasonNames[std::size_t(reason)];
}

std::optional<HostChangeReason> hostChangeReasonFromName(QStringView name)
{
    return fromName<HostChangeReason>(HostChangeReasonNames, name);
}

QLatin1String closeReasonName(CloseReason reason)
{
    return CloseReasonNames[std::size_t(reason)];
}

std::optional<CloseReason> closeReasonFromName(QStringView name)
{
    return fromName<CloseReason>(CloseReasonNames, name);
}
