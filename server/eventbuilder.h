#pragma once

#include "protocol/errorcode.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

// Builds the server's outgoing frames. An event is encoded once and the same bytes go to every
// member and into history; the envelope is written by hand so its key order matches the docs.
namespace Frames {

QByteArray event(const QString &roomCode, qint64 seq, qint64 ts, QLatin1String kind,
                 const QJsonObject &data);

// The same with the event's data already written as a compact JSON object.
QByteArray eventRaw(const QString &roomCode, qint64 seq, qint64 ts, QLatin1String kind,
                    QByteArrayView dataJson);

QByteArray notice(const QString &roomCode, QLatin1String kind, const QJsonObject &data);

// requestId < 0 means "unknown" and is written as null.
QByteArray result(qint64 requestId, const QJsonObject &result);
QByteArray resultRaw(qint64 requestId, const QByteArray &resultJson);
QByteArray error(qint64 requestId, ErrorCode code, const QString &message,
                 const QJsonObject &extra = {});

} // namespace Frames
