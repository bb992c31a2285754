#pragma once

#include <QtCore/QLatin1String>
#include <QtCore/QStringView>

#include <cstddef>
#include <iterator>
#include <optional>

// Values of protocol v2 (docs/protocol.md, "Values") that the server and the client share, with
// their wire names: defined once, here. Each enum's names are one table (WireNames, next to the
// enum, in the enum's order); wireName() and fromWireName() read any of them.

template <typename Enum> struct WireNames;

template <typename Enum> constexpr QLatin1String wireName(Enum value)
{
    return WireNames<Enum>::names[std::size_t(value)];
}

template <typename Enum> std::optional<Enum> fromWireName(QStringView name)
{
    for (std::size_t i = 0; i < std::size(WireNames<Enum>::names); ++i) {
        if (name == WireNames<Enum>::names[i])
            return Enum(i);
    }
    return std::nullopt;
}

// A participant's role in a room.
enum class Role : quint8 { Host, Member, Spectator };
template <> struct WireNames<Role> {
    static constexpr QLatin1String names[] = {QLatin1String("host"), QLatin1String("member"),
                                              QLatin1String("spectator")};
};

// A room's session: waiting → active → finished (also waiting → finished).
enum class RoomState : quint8 { Waiting, Active, Finished };
template <> struct WireNames<RoomState> {
    static constexpr QLatin1String names[] = {QLatin1String("waiting"), QLatin1String("active"),
                                              QLatin1String("finished")};
};

// The host operations that name one participant (docs/protocol.md, "Host operations"); the
// name is the request's type.
enum class HostAction : quint8 { Admit, Deny, Kick, Ban, TransferHost };
template <> struct WireNames<HostAction> {
    static constexpr QLatin1String names[] = {QLatin1String("admit"), QLatin1String("deny"),
                                              QLatin1String("kick"), QLatin1String("ban"),
                                              QLatin1String("transfer_host")};
};
inline constexpr HostAction AllHostActions[] = {HostAction::Admit, HostAction::Deny,
                                                HostAction::Kick, HostAction::Ban,
                                                HostAction::TransferHost};

// Why a participant left (participant_left's "reason").
enum class LeaveReason : quint8 { Left, TimedOut, Kicked, Banned };
template <> struct WireNames<LeaveReason> {
    static constexpr QLatin1String names[] = {QLatin1String("left"), QLatin1String("timed_out"),
                                              QLatin1String("kicked"), QLatin1String("banned")};
};

// Why the host changed (host_changed's "reason").
enum class HostChangeReason : quint8 { Transferred, HostLeft };
template <> struct WireNames<HostChangeReason> {
    static constexpr QLatin1String names[] = {QLatin1String("transferred"),
                                              QLatin1String("host_left")};
};

// Why a room closed (room_closed's "reason").
enum class CloseReason : quint8 { Closed, Expired };
template <> struct WireNames<CloseReason> {
    static constexpr QLatin1String names[] = {QLatin1String("closed"), QLatin1String("expired")};
};
