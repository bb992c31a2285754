#include "lanwire.h"

#include "protocol/roomcode.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMessageAuthenticationCode>
#include <QtCore/QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LanWire {
namespace {

constexpr auto Magic = "hearth-lan"_L1;
constexpr int MaxTextLength = 128; // names are at most 80 (room) and 32 (person)
constexpr int MaxInstanceLength = 64;

QJsonObject header(QLatin1String type)
{
    return {{u"hearth"_s, Magic}, {u"v"_s, Version}, {u"type"_s, type}};
}

QByteArray toBytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// Exactly `size` bytes of base64url, or nullopt.
std::optional<QByteArray> bytesField(const QJsonObject &o, QLatin1String key, int size)
{
    const QJsonValue v = o.value(key);
    if (!v.isString() || v.toString().size() > 64)
        return std::nullopt;
    const auto result = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                       QByteArray::Base64UrlEncoding |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!result || result.decoded.size() != size)
        return std::nullopt;
    return result.decoded;
}

// "" (a server without TLS) or FingerprintSize bytes as lower- or upper-case hex.
std::optional<QByteArray> fingerprintField(const QJsonObject &o)
{
    const QJsonValue v = o.value("fingerprint"_L1);
    if (!v.isString())
        return std::nullopt;
    const QString text = v.toString();
    if (text.isEmpty())
        return QByteArray();
    if (text.size() != FingerprintSize * 2)
        return std::nullopt;
    const bool hex = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    });
    if (!hex)
        return std::nullopt;
    return QByteArray::fromHex(text.toLatin1());
}

std::optional<QString> textField(const QJsonObject &o, QLatin1String key, int maxLength)
{
    const QJsonValue v = o.value(key);
    if (!v.isString() || v.toString().size() > maxLength)
        return std::nullopt;
    return v.toString();
}

std::optional<int> intField(const QJsonObject &o, QLatin1String key, int min, int max)
{
    const QJsonValue v = o.value(key);
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d < min || d > max || d != double(qint64(d)))
        return std::nullopt;
    return int(d);
}

std::optional<PublicRoom> roomFromJson(const QJsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject o = value.toObject();
    PublicRoom room;
    const auto code = textField(o, "code"_L1, RoomCode::Length);
    const auto name = textField(o, "name"_L1, MaxTextLength);
    const auto host = textField(o, "host"_L1, MaxTextLength);
    const auto members = intField(o, "members"_L1, 0, 100000);
    const auto capacity = intField(o, "capacity"_L1, 1, 100000);
    if (!code || !name || !host || !members || !capacity)
        return std::nullopt;
    const auto canonical = RoomCode::normalize(*code);
    if (!canonical || *canonical != *code)
        return std::nullopt;
    room.code = *code;
    room.name = *name;
    room.hostName = *host;
    room.members = *members;
    room.capacity = *capacity;
    room.locked = o.value("locked"_L1).toBool(false);
    room.hasPassword = o.value("password"_L1).toBool(false);
    return room;
}

} // namespace

std::optional<Message> decode(const QByteArray &datagram)
{
    if (datagram.isEmpty() || datagram.size() > MaxDatagramSize)
        return std::nullopt;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(datagram, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    if (o.value("hearth"_L1).toString() != Magic)
        return std::nullopt;
    if (intField(o, "v"_L1, 1, 1000000) != Version)
        return std::nullopt; // a later version: its rules are not ours to guess
    const QString type = o.value("type"_L1).toString();
    Message m;
    auto port = [&]() -> bool {
        const auto p = intField(o, "port"_L1, 1, 65535);
        m.port = p ? quint16(*p) : 0;
        return p.has_value();
    };
    auto instance = [&]() -> bool {
        const auto i = textField(o, "instance"_L1, MaxInstanceLength);
        if (!i || i->isEmpty())
            return false;
        m.instance = *i;
        return true;
    };
    auto nonce = [&]() -> bool {
        const auto n = bytesField(o, "nonce"_L1, NonceSize);
        m.nonce = n.value_or(QByteArray());
        return n.has_value();
    };
    auto fingerprint = [&]() -> bool {
        const auto f = fingerprintField(o);
        m.fingerprint = f.value_or(QByteArray());
        return f.has_value();
    };
    auto proof = [&]() -> bool {
        const auto p = bytesField(o, "proof"_L1, ProofSize);
        m.proof = p.value_or(QByteArray());
        return p.has_value();
    };

    if (type == "query"_L1) {
        m.type = Type::Query;
        return nonce() && proof() ? std::optional(m) : std::nullopt;
    }
    if (type == "answer"_L1) {
        m.type = Type::Answer;
        return nonce() && proof() && port() && instance() && fingerprint() ? std::optional(m)
                                                                           : std::nullopt;
    }
    if (type == "list"_L1) {
        m.type = Type::List;
        return nonce() ? std::optional(m) : std::nullopt;
    }
    if (type == "announce"_L1) {
        m.type = Type::Announce;
        const auto ttl = intField(o, "ttl"_L1, 1, 3600);
        const QJsonValue rooms = o.value("rooms"_L1);
        if (!ttl || !port() || !instance() || !fingerprint() || !rooms.isArray())
            return std::nullopt;
        m.ttlSeconds = *ttl;
        const QJsonArray array = rooms.toArray();
        if (array.size() > RoomsPerAnnounce)
            return std::nullopt;
        for (const QJsonValue &value : array) {
            const auto room = roomFromJson(value);
            if (!room)
                return std::nullopt;
            m.rooms.append(*room);
        }
        return m;
    }
    if (type == "gone"_L1) {
        m.type = Type::Gone;
        const QJsonValue codes = o.value("codes"_L1);
        if (!instance() || !codes.isArray() || codes.toArray().size() > 1000)
            return std::nullopt;
        for (const QJsonValue &value : codes.toArray()) {
            const auto code = RoomCode::normalize(value.toString());
            if (!value.isString() || !code)
                return std::nullopt;
            m.codes.append(*code);
        }
        return m;
    }
    if (type == "bye"_L1) {
        m.type = Type::Bye;
        return instance() ? std::optional(m) : std::nullopt;
    }
    return std::nullopt;
}

QByteArray encodeQuery(const QByteArray &nonce, const QByteArray &proof)
{
    QJsonObject o = header("query"_L1);
    o.insert(u"nonce"_s, b64(nonce));
    o.insert(u"proof"_s, b64(proof));
    return toBytes(o);
}

QByteArray encodeAnswer(const QByteArray &nonce, quint16 port, const QString &instance,
                        const QByteArray &fingerprint, const QByteArray &proof)
{
    QJsonObject o = header("answer"_L1);
    o.insert(u"nonce"_s, b64(nonce));
    o.insert(u"port"_s, port);
    o.insert(u"instance"_s, instance);
    o.insert(u"fingerprint"_s, QString::fromLatin1(fingerprint.toHex()));
    o.insert(u"proof"_s, b64(proof));
    return toBytes(o);
}

QByteArray encodeList(const QByteArray &nonce)
{
    QJsonObject o = header("list"_L1);
    o.insert(u"nonce"_s, b64(nonce));
    return toBytes(o);
}

QList<QByteArray> encodeAnnounce(const QString &instance, quint16 port,
                                 const QByteArray &fingerprint, int ttlSeconds,
                                 const QList<PublicRoom> &rooms)
{
    QList<QByteArray> datagrams;
    qsizetype at = 0;
    do {
        QJsonArray array;
        for (const PublicRoom &room : rooms.mid(at, RoomsPerAnnounce)) {
            array.append(QJsonObject{{u"code"_s, room.code},
                                     {u"name"_s, room.name.left(MaxTextLength)},
                                     {u"host"_s, room.hostName.left(MaxTextLength)},
                                     {u"members"_s, room.members},
                                     {u"capacity"_s, room.capacity},
                                     {u"locked"_s, room.locked},
                                     {u"password"_s, room.hasPassword}});
        }
        QJsonObject o = header("announce"_L1);
        o.insert(u"instance"_s, instance);
        o.insert(u"port"_s, port);
        o.insert(u"fingerprint"_s, QString::fromLatin1(fingerprint.toHex()));
        o.insert(u"ttl"_s, ttlSeconds);
        o.insert(u"rooms"_s, array);
        datagrams.append(toBytes(o));
        at += RoomsPerAnnounce;
    } while (at < rooms.size());
    return datagrams;
}

QByteArray encodeGone(const QString &instance, const QStringList &codes)
{
    QJsonObject o = header("gone"_L1);
    o.insert(u"instance"_s, instance);
    o.insert(u"codes"_s, QJsonArray::fromStringList(codes));
    return toBytes(o);
}

QByteArray encodeBye(const QString &instance)
{
    QJsonObject o = header("bye"_L1);
    o.insert(u"instance"_s, instance);
    return toBytes(o);
}

QByteArray queryProof(const QByteArray &key, const QByteArray &nonce)
{
    const QByteArray message = QByteArrayLiteral("query|") + nonce;
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QByteArray answerProof(const QByteArray &key, const QByteArray &nonce, quint16 port,
                       const QString &instance, const QByteArray &fingerprint)
{
    // The fingerprint last, as hex ("" without TLS): it holds no '|', so the last '|' marks
    // where it starts whatever the instance holds.
    const QByteArray message = QByteArrayLiteral("answer|") + nonce + '|' +
                               QByteArray::number(port) + '|' + instance.toUtf8() + '|' +
                               fingerprint.toHex();
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

bool proofsEqual(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QByteArray freshNonce()
{
    QByteArray nonce(NonceSize, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), NonceSize / 4);
    return nonce;
}

QString freshInstance()
{
    return QString::fromLatin1(freshNonce().toHex());
}

} // namespace LanWire
