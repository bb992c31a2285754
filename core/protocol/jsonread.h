#pragma once

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <optional>

// The protocol's integers: whole JSON numbers within ±(2^53−1), the range a double holds
// exactly. Converting a larger double to qint64 is undefined behaviour, so every integer read
// from the wire goes through integerFromJson (found by fuzz_clientjson: a "ts" of 22 digits).
inline constexpr qint64 MaxJsonInteger = 9007199254740991; // 2^53 - 1
std::optional<qint64> integerFromJson(const QJsonValue &value);

// Reads the fields of one JSON object strictly, for every decoder of the protocol (requests on
// the server, replies, events and notices on the client). Each read names its field; the first
// field that is missing (where required) or of the wrong type or range sets error(), with the
// message a bad_request carries, and later reads just return defaults. So a decoder reads all
// its fields and then asks once whether everything was there: the rule for a bad field is
// decided here, in one place. Fields nobody reads are ignored (docs/protocol.md: newer peers may
// add some).
class JsonFields
{
public:
    explicit JsonFields(const QJsonObject &object)
        : m_object(object)
    {}

    QString string(QLatin1String key);
    std::optional<QString> optionalString(QLatin1String key);
    // A participant id that may be null (an empty room's host): empty for null.
    QString stringOrNull(QLatin1String key);
    qint64 integer(QLatin1String key, qint64 min = -MaxJsonInteger, qint64 max = MaxJsonInteger);
    std::optional<qint64> optionalInteger(QLatin1String key, qint64 min = -MaxJsonInteger,
                                          qint64 max = MaxJsonInteger);
    bool boolean(QLatin1String key);
    std::optional<bool> optionalBoolean(QLatin1String key);
    QJsonObject object(QLatin1String key);
    std::optional<QJsonObject> optionalObject(QLatin1String key);
    QJsonArray array(QLatin1String key);

    // A string that must be one of an enum's wire names (`fromName` is its table's reader);
    // `expected` says which, for the message, e.g. "\"member\" or \"spectator\"".
    template <typename Enum>
    std::optional<Enum> oneOf(QLatin1String key, std::optional<Enum> (*fromName)(QStringView),
                              const char *expected, bool required = true)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() && !required)
            return std::nullopt;
        const std::optional<Enum> e = v.isString() ? fromName(v.toString()) : std::nullopt;
        if (!e)
            fail(key, expected);
        return e;
    }

    // Marks the object bad with `message` (the first failure wins).
    void fail(const QString &message);
    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    const QJsonObject &json() const { return m_object; }

private:
    void fail(QLatin1String key, const char *expected);

    QJsonObject m_object;
    QString m_error;
};

// A decoder's outcome: the value, or why the JSON was not one (JsonFields' message).
template <typename T> struct Decoded {
    std::optional<T> value;
    QString error;

    static Decoded fail(const QString &message) { return {std::nullopt, message}; }
    static Decoded from(T v, const JsonFields &fields)
    {
        if (!fields.ok())
            return fail(fields.error());
        return {std::move(v), {}};
    }
};
