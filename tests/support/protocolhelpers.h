#pragma once

// Small helpers the protocol tests share to write requests and read replies tersely.

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

// {"type": type, ...fields}
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
    return reply.value(QStringLiteral("ok")).toBool();
}

inline QJsonObject errorOf(const QJsonObject &reply)
{
    return reply.value(QStringLiteral("error")).toObject();
}

inline QString errorCode(const QJsonObject &reply)
{
    return errorOf(reply).value(QStringLiteral("code")).toString();
}

} // namespace ProtocolHelpers
