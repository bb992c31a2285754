#include "roomtypes.h"

#include <QtCore/QCoreApplication>

using namespace Qt::StringLiterals;

namespace Client {

bool RequestError::isTransient() const
{
    if (kind != Kind::Server)
        return true;
    switch (error.code) {
    case ErrorCode::RateLimited:
    case ErrorCode::ShuttingDown:
    case ErrorCode::StorageError:
    case ErrorCode::InternalError:
        return true;
    default:
        return false;
    }
}

QString RequestError::text() const
{
    switch (kind) {
    case Kind::ConnectionLost:
        return tr("The connection to the host was lost.");
    case Kind::Timeout:
        return tr("The host did not answer in time.");
    case Kind::NotConnected:
        return tr("Not connected to a host.");
    case Kind::Malformed:
        return tr("The host sent an answer this version of Hearth does not understand.");
    case Kind::Server:
        break;
    }
    switch (error.code) {
    case ErrorCode::RoomNotFound:
        return tr("No room has this code. Check the code and the host address.");
    case ErrorCode::WrongPassword:
        return tr("The password is not right.");
    case ErrorCode::RoomFull:
        return error.spectators.value_or(false)
                   ? tr("The room is full: every seat is taken. You can still "
                        "watch as a spectator.")
                   : tr("The room is full.");
    case ErrorCode::NameTaken:
        return error.name.isEmpty()
                   ? tr("Someone in this room already has this name; pick another name.")
                   : tr("Someone in this room is already called “%1”; pick another name.")
                         .arg(error.name);
    case ErrorCode::RoomLocked:
        return tr("The room is locked: it takes nobody new right now.");
    case ErrorCode::Banned:
        return tr("You are banned from this room.");
    case ErrorCode::SpectatorsNotAllowed:
        return tr("This room does not allow spectators.");
    case ErrorCode::JoinDenied:
        return tr("The host did not let you in.");
    case ErrorCode::RoomClosed:
        return tr("The room has closed.");
    case ErrorCode::TooManyRooms:
        return tr("You already host as many rooms as allowed. Close one first.");
    case ErrorCode::TooLarge:
        return tr("That text is too long.");
    case ErrorCode::RateLimited:
        return tr("Too many attempts. Wait a moment and try again.");
    case ErrorCode::NotHost:
        return tr("Only the host can do that.");
    case ErrorCode::NotMember:
        return tr("You are no longer in this room.");
    case ErrorCode::UnsupportedVersion:
        return tr("The host runs a version of Hearth that cannot talk to this one.");
    case ErrorCode::IdentityRejected:
        return tr("The host does not accept this identity.");
    case ErrorCode::ShuttingDown:
        return tr("The host is shutting down.");
    case ErrorCode::StorageError:
        return tr("The host could not save that. Try again.");
    default:
        break;
    }
    // The server's English text is better than nothing for the rest (bugs, bad requests).
    return error.message.isEmpty() ? tr("Something went wrong.") : error.message;
}

} // namespace Client
