#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

// The server side of the WebSocket opening handshake (RFC 6455 section 4.2): reads the
// client's HTTP Upgrade request and says what to answer. No I/O.
namespace HttpUpgrade {

enum class Status {
    Incomplete, // the request's blank line has not arrived yet
    Accepted,   // answer `response` (101) and speak WebSocket from `consumed` on
    Refused,    // answer `response` (4xx) and close
};

struct Result {
    Status status = Status::Incomplete;
    qsizetype consumed = 0; // bytes of the request, including its blank line
    QByteArray response;
};

// Reads the request at the start of `bytes`. Anything after its blank line is not part of it
// (a client may send its first frame in the same packet). A request longer than
// `maxRequestBytes` without a blank line is refused.
Result parse(QByteArrayView bytes, QByteArrayView serverName, qsizetype maxRequestBytes = 8192);

// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept for a Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView key);

} // namespace HttpUpgrade
