#include "statusflags.h"

namespace {
constexpr const char *flagNames[StatusFlags::Count] = {"ready", "away", "muted", "camera",
                                                       "screen"};
}

const char *StatusFlags::name(int index)
{
    return flagNames[index];
}

QJsonObject StatusFlags::toJson() const
{
    return toJson(quint8((1 << Count) - 1));
}

QJsonObject StatusFlags::toJson(quint8 mask) const
{
    QJsonObject object;
    for (int i = 0; i < Count; ++i) {
        if (mask & (1 << i))
            object.insert(QLatin1String(flagNames[i]), bool(bits & (1 << i)));
    }
    return object;
}

std::optional<StatusFlags::Update> StatusFlags::parseUpdate(const QJsonObject &object)
{
    Update update;
    for (auto it = object.begin(); it != object.end(); ++it) {
        int index = -1;
        for (int i = 0; i < Count; ++i) {
            if (it.key() == QLatin1String(flagNames[i]))
                index = i;
        }
        if (index < 0 || !it.value().isBool())
            return std::nullopt;
        update.mask |= quint8(1 << index);
        if (it.value().toBool())
            update.values |= quint8(1 << index);
    }
    return update;
}
