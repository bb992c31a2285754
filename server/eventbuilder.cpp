#include "eventbuilder.h"

#include "protocol/jsonwrite.h"

#include <QtCore/QJsonDocument>

namespace Frames {

namespace {
QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray jsonString(const QString &text)
{
    QByteArray out;
    JsonWrite::string(out, text);
    return out;
}

QByteArray idJson(qint64 requestId)
{
    return requestId < 0 ? QByteArrayLiteral("null") : QByteArray::number(requestId);
}
} // namespace

QByteArray event(const QString &roomCode, qint64 seq, qint64 ts, QLatin1String kind,
                 const QJsonObject &data)
{
    return eventRaw(roomCode, seq, ts, kind, compact(data));
}

QByteArray eventRaw(const QString &roomCode, qint64 seq, qint64 ts, QLatin1String kind,
                    QByteArrayView dataJson)
{
    QByteArray out;
    out.reserve(dataJson.size() + 96);
    out += "{\"type\":\"event\",\"room\":";
    JsonWrite::string(out, roomCode);
    out += ",\"seq\":" + QByteArray::number(seq) + ",\"ts\":" + QByteArray::number(ts) +
           ",\"event\":\"" + QByteArray(kind.data(), kind.size()) + "\",\"data\":";
    out += dataJson;
    out += '}';
    return out;
}

QByteArray notice(const QString &roomCode, QLatin1String kind, const QJsonObject &data)
{
    return "{\"type\":\"notice\",\"notice\":\"" + QByteArray(kind.data(), kind.size()) +
           "\",\"room\":" + jsonString(roomCode) + ",\"data\":" + compact(data) + '}';
}

QByteArray result(qint64 requestId, const QJsonObject &result)
{
    return resultRaw(requestId, compact(result));
}

QByteArray resultRaw(qint64 requestId, const QByteArray &resultJson)
{
    return "{\"type\":\"reply\",\"id\":" + idJson(requestId) +
           ",\"ok\":true,\"result\":" + resultJson + '}';
}

QByteArray error(qint64 requestId, ErrorCode code, const QString &message, const QJsonObject &extra)
{
    QJsonObject err = extra;
    err.insert(QLatin1String("code"), errorCodeName(code));
    err.insert(QLatin1String("message"), message);
    return "{\"type\":\"reply\",\"id\":" + idJson(requestId) +
           ",\"ok\":false,\"error\":" + compact(err) + '}';
}

} // namespace Frames
