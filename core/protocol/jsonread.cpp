#include "jsonread.h"

std::optional<qint64> integerFromJson(const QJsonValue &value)
{
    // The range is checked before the conversion (see the header).
    constexpr double maxExact = double(MaxJsonInteger);
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!(d >= -maxExact && d <= maxExact) || d != double(qint64(d)))
        return std::nullopt;
    return qint64(d);
}

void JsonFields::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

void JsonFields::fail(QLatin1String key, const char *expected)
{
    fail(QStringLiteral("\"%1\" must be %2.").arg(key, QLatin1String(expected)));
}

QString JsonFields::string(QLatin1String key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isString())
        fail(key, "a string");
    return v.toString();
}

std::optional<QString> JsonFields::optionalString(QLatin1String key)
{
    if (m_object.value(key).isUndefined())
        return std::nullopt;
    return string(key);
}

QString JsonFields::stringOrNull(QLatin1String key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isNull())
        return {};
    if (!v.isString())
        fail(key, "a string or null");
    return v.toString();
}

qint64 JsonFields::integer(QLatin1String key, qint64 min, qint64 max)
{
    const std::optional<qint64> n = integerFromJson(m_object.value(key));
    if (!n || *n < min || *n > max) {
        // Bounds a person would not recognise (the protocol's ±2^53−1) are left out.
        if (min == -MaxJsonInteger && max == MaxJsonInteger)
            fail(QStringLiteral("\"%1\" must be a whole number.").arg(key));
        else if (max == MaxJsonInteger)
            fail(QStringLiteral("\"%1\" must be a whole number of at least %2.").arg(key).arg(min));
        else
            fail(QStringLiteral("\"%1\" must be a whole number from %2 to %3.")
                     .arg(key)
                     .arg(min)
                     .arg(max));
        return min > 0 ? min : 0;
    }
    return *n;
}

std::optional<qint64> JsonFields::optionalInteger(QLatin1String key, qint64 min, qint64 max)
{
    if (m_object.value(key).isUndefined())
        return std::nullopt;
    return integer(key, min, max);
}

bool JsonFields::boolean(QLatin1String key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isBool())
        fail(key, "true or false");
    return v.toBool();
}

std::optional<bool> JsonFields::optionalBoolean(QLatin1String key)
{
    if (m_object.value(key).isUndefined())
        return std::nullopt;
    return boolean(key);
}

QJsonObject JsonFields::object(QLatin1String key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isObject())
        fail(key, "an object");
    return v.toObject();
}

std::optional<QJsonObject> JsonFields::optionalObject(QLatin1String key)
{
    if (m_object.value(key).isUndefined())
        return std::nullopt;
    return object(key);
}

QJsonArray JsonFields::array(QLatin1String key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isArray())
        fail(key, "an array");
    return v.toArray();
}
