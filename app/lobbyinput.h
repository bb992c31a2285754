#pragma once

#include "client/roomclient.h"
#include "protocol/limits.h"

#include <QtCore/QString>
#include <QtCore/QVariantMap>

#include <optional>

// The lobby's live checks of what a person types, with the server's limits, in plain words.
// The server checks again: these only spare a round trip and explain the rule.
namespace LobbyInput {

// {"code": canonical prefix, "valid": bool, "complete": bool}.
QVariantMap checkCode(const QString &typed);
// Empty when acceptable, else what is wrong.
QString checkDisplayName(const QString &name, const Limits &limits);
QString checkRoomName(const QString &name, const Limits &limits);

// The lobby's address and code fields for a join from outside it (a hearth:// link, `hearth
// join [ADDRESS] CODE`): the address as typed, or the link's ("host:port"; the whole link when it
// carries a certificate fingerprint); the code canonical when valid.
struct JoinFields {
    QString address;
    QString code;
};
JoinFields joinFields(const QString &host, const QString &code);

// Why the lobby's input cannot be sent yet: what to show, and whether it is about the display
// name (the lobby then puts the focus on that field).
struct Problem {
    QString text;
    bool aboutName = false;
};

// The create_room request for the lobby's host form; nullopt (and `problem` says why) when a
// name is not usable. `options`: spectators, approval, locked, isPublic (bools), password.
std::optional<Client::CreateRoomArgs> createRoomArgs(const QString &roomName, int capacity,
                                                     const QVariantMap &options,
                                                     const QString &displayName,
                                                     const Limits &limits, Problem *problem);
// The join_room request for a typed code; nullopt (and `problem` says why) when the code or
// the display name is not usable.
std::optional<Client::JoinRoomArgs> joinRoomArgs(const QString &code, bool spectator,
                                                 const QString &password,
                                                 const QString &displayName, const Limits &limits,
                                                 Problem *problem);

} // namespace LobbyInput
