#include "limits.h"

namespace {
// One table drives both directions so a new limit cannot be sent but not read (or vice versa).
struct Field {
    const char *name;
    int Limits::*member;
};
constexpr Field fields[] = {
    {"maxMessageBytes", &Limits::maxMessageBytes},
    {"maxChatLength", &Limits::maxChatLength},
    {"maxNameLength", &Limits::maxNameLength},
    {"maxRoomNameLength", &Limits::maxRoomNameLength},
    {"historyPageMax", &Limits::historyPageMax},
    {"capacityMax", &Limits::capacityMax},
    {"maxRoomsPerHost", &Limits::maxRoomsPerHost},
    {"requestsPerSecond", &Limits::requestsPerSecond},
    {"chatPerSecond", &Limits::chatPerSecond},
    {"heartbeatSeconds", &Limits::heartbeatSeconds},
    {"idleTimeoutSeconds", &Limits::idleTimeoutSeconds},
    {"graceSeconds", &Limits::graceSeconds},
};
} // namespace

QJsonObject Limits::toJson() const
{
    QJsonObject object;
    for (const Field &f : fields)
        object.insert(QLatin1String(f.name), this->*f.member);
    return object;
}

Limits Limits::fromJson(const QJsonObject &object)
{
    Limits limits;
    for (const Field &f : fields) {
        const QJsonValue v = object.value(QLatin1String(f.name));
        if (v.isDouble())
            limits.*f.member = v.toInt(limits.*f.member);
    }
    return limits;
}
