#pragma once

// Small helpers the protocol tests share to write requests and read replies tersely. Replies
// are read with the protocol codec (core/protocol/replies.h), as the client reads them.

#include "protocol/replies.h"

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QPair>
#include <QtCore/QString>

#include <initializer_list>

namespace ProtocolHelpers {

inline QString str(const char *s)
{
    return QString::fromUtf8(s);
}

// {"type": type, ...fields}: raw JSON, so that a test can also send what no encoder would.
inline QJsonObject req(const char *type,
                       std::initializer_list<QPair<QString, QJsonValue>> fields = {})
{
    QJsonObject o{{QStringLiteral("type"), str(type)}};
    for (const auto &f : fields)
        o.insert(f.first, f.second);
    return o;
}

inline bool ok(const QJsonObject &reply)
{
    const Decoded<Reply> r = Reply::fromJson(reply);
    return r.value && r.value->ok;
}

// The reply's error; code InternalError when the frame is no error reply.
inline ProtocolError errorOf(const QJsonObject &reply)
{
    const Decoded<Reply> r = Reply::fromJson(reply);
    return r.value && !r.value->ok ? r.value->error : ProtocolError{};
}

// The wire name of the reply's error code; empty when it succeeded or is no reply.
inline QString errorCode(const QJsonObject &reply)
{
    const Decoded<Reply> r = Reply::fromJson(reply);
    return r.value && !r.value->ok ? QString(errorCodeName(r.value->error.code)) : QString();
}

} // namespace ProtocolHelpers
