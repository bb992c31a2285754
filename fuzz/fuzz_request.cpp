// A request frame as the server reads it. The room server validates requests inside its
// handlers (RoomServerPrivate, server/roomserver_p.h), reachable only through a socket; this
// target runs what those handlers call on the request's fields: the JSON parse, room code
// normalisation, the text rules for names and chat, the status update and role names. When the
// typed protocol codec (issue 10) exists, its request decoder replaces this body.
// Seeds: the request examples of docs/protocol.md.
#include "client/roomtypes.h"
#include "fuzzcheck.h"
#include "protocol/roomcode.h"
#include "protocol/statusflags.h"
#include "protocol/textrules.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace {
void checkName(const QJsonValue &value, int maxLength)
{
    QString cleaned;
    const QString name = value.toString();
    if (TextRules::checkName(name, maxLength, &cleaned) == TextRules::Verdict::Ok) {
        FUZZ_CHECK(!cleaned.isEmpty());
        FUZZ_CHECK(TextRules::codePointCount(cleaned) <= maxLength);
        FUZZ_CHECK(TextRules::checkName(cleaned, maxLength, nullptr) == TextRules::Verdict::Ok);
    }
    // Names that look alike compare equal: the key of a key is itself.
    const QString key = TextRules::nameKey(name);
    FUZZ_CHECK(TextRules::nameKey(key) == key);
}

void checkCode(const QJsonValue &value)
{
    if (const auto code = RoomCode::normalize(value.toString()))
        FUZZ_CHECK(RoomCode::normalize(*code) == code);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (!doc.isObject())
        return 0;
    const QJsonObject req = doc.object();
    checkCode(req.value("room"_L1));
    checkCode(req.value("code"_L1));
    checkName(req.value("name"_L1), 64);
    checkName(req.value("name"_L1), 32);
    const QString text = req.value("text"_L1).toString();
    if (TextRules::checkChat(text, 2000) == TextRules::Verdict::Ok)
        FUZZ_CHECK(TextRules::codePointCount(text) <= 2000);
    if (const auto update = StatusFlags::parseUpdate(req.value("status"_L1).toObject()))
        FUZZ_CHECK((update->values & ~update->mask) == 0);
    if (const auto role = roleFromName(req.value("role"_L1).toString()))
        FUZZ_CHECK(roleName(*role) == req.value("role"_L1).toString());
    return 0;
}
