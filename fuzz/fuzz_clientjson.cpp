// What the desktop client reads from a server (the codec of core/protocol): one text frame, read
// as RoomClient::onTextMessage reads it (readServerMessage), then every fromJson() over the
// objects where the
// protocol puts them (a reply's result and its room, an event and its data, a notice), and
// over the whole frame too, so that a participant or room object alone is a useful seed.
// Seeds: the reply, event, notice, participant and room examples of docs/protocol.md.
#include "fuzzcheck.h"
#include "protocol/errorcode.h"
#include "protocol/limits.h"
#include "protocol/replies.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace {
// Every reader of one object; each must return a whole value or nothing, and never crash.
void readObject(const QJsonObject &o)
{
    if (const auto p = ParticipantInfo::fromJson(o).value)
        FUZZ_CHECK(roleFromName(QString(roleName(p->role))) == p->role);
    if (const auto room = RoomInfo::fromJson(o).value)
        FUZZ_CHECK(roomStateFromName(QString(roomStateName(room->state))) == room->state);
    (void)RoomSnapshot::fromJson(o);
    (void)HistoryPage::fromJson(o);
    (void)RoomEvent::fromJson(o);
    (void)Notice::fromJson(o);
    (void)RoomSettings::fromJson(o);
    (void)RoomStats::fromJson(o);
    (void)RoomInfoResult::fromJson(o);
    (void)ChatAck::fromJson(o);
    (void)HelloResult::fromJson(o);
    (void)Limits::fromJson(o);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // The client receives a QString (QWebSocket) and reads it back as UTF-8.
    const QJsonDocument doc = QJsonDocument::fromJson(QString::fromUtf8(bytes).toUtf8());
    if (!doc.isObject())
        return 0;
    const QJsonObject frame = doc.object();
    (void)readServerMessage(frame);
    readObject(frame);

    const QJsonObject result = frame.value("result"_L1).toObject();
    readObject(result);
    readObject(result.value("room"_L1).toObject());
    readObject(result.value("stats"_L1).toObject());
    readObject(result.value("limits"_L1).toObject());
    for (const QJsonValue &value : result.value("participants"_L1).toArray())
        readObject(value.toObject());
    const QJsonObject error = frame.value("error"_L1).toObject();
    const ErrorCode code = errorCodeFromName(error.value("code"_L1).toString());
    FUZZ_CHECK(errorCodeFromName(QString(errorCodeName(code))) == code);

    const QJsonObject eventData = frame.value("data"_L1).toObject();
    readObject(eventData);
    readObject(eventData.value("room"_L1).toObject());
    readObject(eventData.value("participant"_L1).toObject());
    return 0;
}
