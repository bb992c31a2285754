#include "lobbyinput.h"

#include "invite/invitelink.h"
#include "protocol/roomcode.h"
#include "protocol/textrules.h"

#include <QtCore/QCoreApplication>

using namespace Qt::StringLiterals;

namespace {

// The texts keep AppController's translation context: they were its own before.
QString tr(const char *text)
{
    return QCoreApplication::translate("AppController", text);
}

} // namespace

namespace LobbyInput {

QVariantMap checkCode(const QString &typed)
{
    const RoomCode::Partial partial = RoomCode::normalizePartial(typed);
    return {{u"code"_s, partial.canonical},
            {u"valid"_s, partial.valid},
            {u"complete"_s, partial.valid && partial.canonical.size() == RoomCode::Length}};
}

QString checkDisplayName(const QString &name, const Limits &limits)
{
    switch (TextRules::checkName(name, limits.maxNameLength, nullptr)) {
    case TextRules::Verdict::Ok:
        return {};
    case TextRules::Verdict::Empty:
        return tr("Type the name others will see.");
    case TextRules::Verdict::TooLong:
        return tr("A name has at most %1 characters.").arg(limits.maxNameLength);
    case TextRules::Verdict::ControlCharacters:
        return tr("A name cannot contain control characters.");
    }
    return {};
}

QString checkRoomName(const QString &name, const Limits &limits)
{
    switch (TextRules::checkName(name, limits.maxRoomNameLength, nullptr)) {
    case TextRules::Verdict::Ok:
        return {};
    case TextRules::Verdict::Empty:
        return tr("Give the room a name.");
    case TextRules::Verdict::TooLong:
        return tr("A room name has at most %1 characters.").arg(limits.maxRoomNameLength);
    case TextRules::Verdict::ControlCharacters:
        return tr("A room name cannot contain control characters.");
    }
    return {};
}

JoinFields joinFields(const QString &host, const QString &code)
{
    QString address = host.trimmed();
    QString codeFromLink;
    if (InviteLink::looksLikeLink(address)) {
        if (const auto link = InviteLink::parse(address)) {
            codeFromLink = link->code;
            // A link with a fingerprint stays whole: the join must expect that certificate
            // (and go over wss://), which "host:port" alone would forget.
            if (link->fingerprint.isEmpty())
                address = link->serverUrl().authority(); // "10.0.0.2:5000", "[::1]:5000"
            else
                address = link->toString();
        }
    }
    const QString typed = code.trimmed().isEmpty() ? codeFromLink : code.trimmed();
    const auto normalized = RoomCode::normalize(typed);
    return {address, normalized ? *normalized : typed};
}

std::optional<Client::CreateRoomArgs> createRoomArgs(const QString &roomName, int capacity,
                                                     const QVariantMap &options,
                                                     const QString &displayName,
                                                     const Limits &limits, Problem *problem)
{
    if (QString text = checkRoomName(roomName, limits); !text.isEmpty()) {
        *problem = {text, false};
        return std::nullopt;
    }
    if (QString text = checkDisplayName(displayName, limits); !text.isEmpty()) {
        *problem = {text, true};
        return std::nullopt;
    }
    Client::CreateRoomArgs args;
    TextRules::checkName(roomName, limits.maxRoomNameLength, &args.name);
    TextRules::checkName(displayName, limits.maxNameLength, &args.displayName);
    args.capacity = qBound(1, capacity, limits.capacityMax);
    args.settings.spectators = options.value(u"spectators"_s, true).toBool();
    args.settings.approval = options.value(u"approval"_s, false).toBool();
    args.settings.locked = options.value(u"locked"_s, false).toBool();
    args.settings.isPublic = options.value(u"isPublic"_s, false).toBool();
    args.password = options.value(u"password"_s).toString();
    return args;
}

std::optional<Client::JoinRoomArgs> joinRoomArgs(const QString &code, bool spectator,
                                                 const QString &password,
                                                 const QString &displayName, const Limits &limits,
                                                 Problem *problem)
{
    const auto normalized = RoomCode::normalize(code);
    if (!normalized) {
        *problem = {tr("A room code has 6 letters and digits, like XJ9K2M."), false};
        return std::nullopt;
    }
    if (QString text = checkDisplayName(displayName, limits); !text.isEmpty()) {
        *problem = {text, true};
        return std::nullopt;
    }
    QString name;
    TextRules::checkName(displayName, limits.maxNameLength, &name);
    return Client::JoinRoomArgs{*normalized, name, spectator ? Role::Spectator : Role::Member,
                                password};
}

} // namespace LobbyInput
