#pragma once

// What only the client adds to the protocol's types (core/protocol): how a request ended.

#include "protocol/errorcode.h"
#include "protocol/jsonread.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <optional>

namespace Client {

// The empty result of operations that answer `{}` (anything in it is ignored).
struct Done {
    static Decoded<Done> fromJson(const QJsonObject &) { return {Done{}, {}}; }
};

// Why a request did not succeed: the server refused it (with a stable code), or the client gave
// up on it because the connection went away or no reply came in time.
struct RequestError {
    Q_DECLARE_TR_FUNCTIONS(RequestError)
public:
    enum class Kind { Server, ConnectionLost, Timeout, NotConnected, Malformed };
    Kind kind = Kind::Server;
    // For Server, the reply's error with its extra fields (reason, spectators, name, …); for
    // the others code is InternalError.
    ProtocolError error;

    ErrorCode code() const { return error.code; }
    // A refusal that says nothing about our seat (rate limited, shutting down, …), or no answer
    // at all: worth trying again on a fresh connection.
    bool isTransient() const;
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
