// The protocol's value rules shared by client and server: text limits, status flags,
// identities, limits and error codes (docs/protocol.md, "Values" and "Error codes"), and the
// client's readers of them where fuzzing found a fault (fuzz/, docs/architecture.md).

#include "protocol/errorcode.h"
#include "protocol/identity.h"
#include "protocol/limits.h"
#include "protocol/replies.h"
#include "protocol/roomvalues.h"
#include "protocol/statusflags.h"
#include "protocol/textrules.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtTest/QTest>

#include <iterator>

Q_DECLARE_METATYPE(TextRules::Verdict)
Q_DECLARE_METATYPE(ErrorCode)

namespace {
QString str(const char *s)
{
    return QString::fromUtf8(s);
}

// docs/protocol.md, the contract; empty where it is not next to the sources.
QString protocolDocument()
{
    QFile file(QFINDTESTDATA("../../../docs/protocol.md"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// The first capture of `pattern` (a table row) on every line of `text`.
QSet<QString> firstColumn(const QString &text, const QString &pattern)
{
    const QRegularExpression row(pattern, QRegularExpression::MultilineOption);
    QSet<QString> values;
    auto it = row.globalMatch(text);
    while (it.hasNext())
        values.insert(it.next().captured(1));
    return values;
}

QString repeat(const QString &unit, int times)
{
    QString out;
    for (int i = 0; i < times; ++i)
        out += unit;
    return out;
}

const QString grinning = QString::fromUtf8("\xF0\x9F\x98\x80"); // U+1F600, 2 UTF-16 units
const QString eAcute = QString::fromUtf8("\xC3\xA9");           // U+00E9, one unit
const QString eCombining = QString::fromUtf8("e\xCC\x81");      // e + U+0301: 2 code points
const QString family = QString::fromUtf8("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"); // 3 cp

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

const QRegularExpression hex16(QStringLiteral("^[0-9a-f]{16}$"));
const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
} // namespace

class tst_ProtocolValues : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- TextRules ---------------------------------------------------------------------------

    void codePointCount_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("count");
        QTest::newRow("empty") << QString() << 0;
        QTest::newRow("ascii") << str("abc") << 3;
        QTest::newRow("precomposed accent") << eAcute << 1;
        QTest::newRow("combining accent") << eCombining << 2;
        QTest::newRow("emoji") << grinning << 1;
        QTest::newRow("emoji between letters") << QString(str("a") + grinning + str("b")) << 3;
        QTest::newRow("zero-width-joined family") << family << 3;
        QTest::newRow("lone high surrogate") << QString(QChar(0xD83D)) << 1;
        QTest::newRow("lone low surrogate") << QString(QChar(0xDE00)) << 1;
        QTest::newRow("reversed pair") << QString(QString(QChar(0xDE00)) + QChar(0xD83D)) << 2;
    }

    void codePointCount()
    {
        QFETCH(QString, text);
        QFETCH(int, count);
        QCOMPARE(TextRules::codePointCount(text), count);
    }

    void checkName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<TextRules::Verdict>("verdict");
        QTest::addColumn<QString>("cleaned");
        using V = TextRules::Verdict;

        QTest::newRow("plain") << str("Ana") << V::Ok << str("Ana");
        QTest::newRow("trimmed") << str("  Ana \t") << V::Ok << str("Ana");
        QTest::newRow("inner space kept") << str("Ana  Maria") << V::Ok << str("Ana  Maria");
        QTest::newRow("one character") << str("A") << V::Ok << str("A");
        QTest::newRow("32 letters") << QString(32, u'a') << V::Ok << QString(32, u'a');
        QTest::newRow("32 letters after trimming")
            << QString(str("   ") + QString(32, u'b') + str("  ")) << V::Ok << QString(32, u'b');
        QTest::newRow("32 emoji (64 UTF-16 units)")
            << repeat(grinning, 32) << V::Ok << repeat(grinning, 32);
        QTest::newRow("accented") << str("Jos\xC3\xA9 \xC3\x85str\xC3\xB6m") << V::Ok
                                  << str("Jos\xC3\xA9 \xC3\x85str\xC3\xB6m");
        QTest::newRow("markup is just text") << str("<b>Ana</b>") << V::Ok << str("<b>Ana</b>");

        QTest::newRow("empty") << QString() << V::Empty << QString();
        QTest::newRow("only spaces") << str("    ") << V::Empty << QString();
        QTest::newRow("only line breaks") << str("\n\r\n\t") << V::Empty << QString();
        QTest::newRow("33 letters") << QString(33, u'a') << V::TooLong << QString();
        QTest::newRow("33 emoji") << repeat(grinning, 33) << V::TooLong << QString();
        QTest::newRow("17 combining pairs = 34 code points")
            << repeat(eCombining, 17) << V::TooLong << QString();
        QTest::newRow("line break inside") << str("Ana\nBen") << V::ControlCharacters << QString();
        QTest::newRow("tab inside") << str("Ana\tBen") << V::ControlCharacters << QString();
        QTest::newRow("NUL inside")
            << QString(str("Ana") + QChar(0) + str("Ben")) << V::ControlCharacters << QString();
        QTest::newRow("escape") << str("Ana\x1b[31m") << V::ControlCharacters << QString();
        QTest::newRow("DEL") << str("Ana\x7f") << V::ControlCharacters << QString();
        QTest::newRow("C1 control U+0085 inside")
            << QString(str("A") + QChar(0x0085) + str("B")) << V::ControlCharacters << QString();
        QTest::newRow("line separator U+2028")
            << QString(str("A") + QChar(0x2028) + str("B")) << V::ControlCharacters << QString();
    }

    void checkName()
    {
        QFETCH(QString, name);
        QFETCH(TextRules::Verdict, verdict);
        QFETCH(QString, cleaned);
        QString out = str("untouched");
        QCOMPARE(TextRules::checkName(name, 32, &out), verdict);
        QCOMPARE(out, verdict == TextRules::Verdict::Ok ? cleaned : str("untouched"));
        // A null output pointer is allowed.
        QCOMPARE(TextRules::checkName(name, 32, nullptr), verdict);
    }

    void checkNameHonoursTheLimit()
    {
        // Room names use 64; the same function, another bound.
        QCOMPARE(TextRules::checkName(QString(64, u'r'), 64, nullptr), TextRules::Verdict::Ok);
        QCOMPARE(TextRules::checkName(QString(65, u'r'), 64, nullptr), TextRules::Verdict::TooLong);
    }

    void checkChat_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<TextRules::Verdict>("verdict");
        using V = TextRules::Verdict;

        QTest::newRow("plain") << str("hello") << V::Ok;
        QTest::newRow("line breaks") << str("line one\nline two\n\nline four") << V::Ok;
        QTest::newRow("CRLF") << str("one\r\ntwo") << V::Ok;
        QTest::newRow("tab") << str("a\tb") << V::Ok;
        QTest::newRow("surrounding spaces kept") << str("  hi  ") << V::Ok;
        QTest::newRow("markup is just text") << str("<script>alert(1)</script>") << V::Ok;
        QTest::newRow("2000 characters") << QString(2000, u'x') << V::Ok;
        QTest::newRow("2000 emoji (4000 UTF-16 units)") << repeat(grinning, 2000) << V::Ok;

        QTest::newRow("empty") << QString() << V::Empty;
        QTest::newRow("only white space") << str("  \n\t \r\n ") << V::Empty;
        QTest::newRow("2001 characters") << QString(2001, u'x') << V::TooLong;
        QTest::newRow("2001 emoji") << repeat(grinning, 2001) << V::TooLong;
        QTest::newRow("NUL") << QString(str("a") + QChar(0) + str("b")) << V::ControlCharacters;
        QTest::newRow("bell") << str("ding\x07") << V::ControlCharacters;
        QTest::newRow("escape sequence") << str("\x1b[2J") << V::ControlCharacters;
    }

    void checkChat()
    {
        QFETCH(QString, text);
        QFETCH(TextRules::Verdict, verdict);
        QCOMPARE(TextRules::checkChat(text, 2000), verdict);
    }

    // --- StatusFlags ---------------------------------------------------------------------------

    void statusFlagsToJson()
    {
        StatusFlags flags;
        const QJsonObject none = flags.toJson();
        QCOMPARE(none.size(), StatusFlags::Count);
        QCOMPARE(none.keys(), (QStringList{str("away"), str("camera"), str("muted"), str("ready"),
                                           str("screen")}));
        for (auto it = none.begin(); it != none.end(); ++it) {
            QVERIFY2(it.value().isBool(), qPrintable(it.key()));
            QCOMPARE(it.value().toBool(), false);
        }

        flags.set(StatusFlags::Ready, true);
        flags.set(StatusFlags::Screen, true);
        QVERIFY(flags.test(StatusFlags::Ready));
        QVERIFY(!flags.test(StatusFlags::Away));
        QCOMPARE(flags.toJson(), (QJsonObject{{str("ready"), true},
                                              {str("away"), false},
                                              {str("muted"), false},
                                              {str("camera"), false},
                                              {str("screen"), true}}));
        // Only the flags in the mask (what a participant_updated event carries).
        QCOMPARE(flags.toJson(quint8(StatusFlags::Ready | StatusFlags::Muted)),
                 (QJsonObject{{str("ready"), true}, {str("muted"), false}}));
        QCOMPARE(flags.toJson(quint8(0)), QJsonObject());

        flags.set(StatusFlags::Ready, false);
        QVERIFY(!flags.test(StatusFlags::Ready));
        QVERIFY(flags.test(StatusFlags::Screen));

        for (int i = 0; i < StatusFlags::Count; ++i)
            QVERIFY(none.contains(QLatin1String(StatusFlags::name(i))));
    }

    void parseUpdate_data()
    {
        QTest::addColumn<QByteArray>("object");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<int>("mask");
        QTest::addColumn<int>("values");
        const int ready = StatusFlags::Ready, away = StatusFlags::Away, muted = StatusFlags::Muted,
                  camera = StatusFlags::Camera, screen = StatusFlags::Screen;

        QTest::newRow("nothing") << QByteArray("{}") << true << 0 << 0;
        QTest::newRow("ready on") << QByteArray(R"({"ready":true})") << true << ready << ready;
        QTest::newRow("ready off") << QByteArray(R"({"ready":false})") << true << ready << 0;
        QTest::newRow("two flags")
            << QByteArray(R"({"muted":true,"away":false})") << true << (muted | away) << muted;
        QTest::newRow("all five")
            << QByteArray(R"({"ready":true,"away":true,"muted":true,"camera":true,"screen":true})")
            << true << (ready | away | muted | camera | screen)
            << (ready | away | muted | camera | screen);

        QTest::newRow("unknown key") << QByteArray(R"({"dancing":true})") << false << 0 << 0;
        QTest::newRow("unknown key beside a known one")
            << QByteArray(R"({"ready":true,"dancing":false})") << false << 0 << 0;
        QTest::newRow("key in another case") << QByteArray(R"({"Ready":true})") << false << 0 << 0;
        QTest::newRow("number") << QByteArray(R"({"ready":1})") << false << 0 << 0;
        QTest::newRow("string") << QByteArray(R"({"ready":"true"})") << false << 0 << 0;
        QTest::newRow("null") << QByteArray(R"({"ready":null})") << false << 0 << 0;
        QTest::newRow("array") << QByteArray(R"({"camera":[true]})") << false << 0 << 0;
        QTest::newRow("object") << QByteArray(R"({"camera":{}})") << false << 0 << 0;
    }

    void parseUpdate()
    {
        QFETCH(QByteArray, object);
        QFETCH(bool, accepted);
        QFETCH(int, mask);
        QFETCH(int, values);
        const auto update = StatusFlags::parseUpdate(json(object.constData()));
        QCOMPARE(update.has_value(), accepted);
        if (update) {
            QCOMPARE(int(update->mask), mask);
            QCOMPARE(int(update->values), values);
        }
    }

    // --- Identity ------------------------------------------------------------------------------

    void identityGenerate()
    {
        QSet<QString> ids, secrets;
        for (int i = 0; i < 200; ++i) {
            const Identity identity = Identity::generate();
            QVERIFY2(identity.isWellFormed(), qPrintable(identity.id + u' ' + identity.secret));
            QVERIFY(IdentityRules::isWellFormedId(identity.id));
            QVERIFY(IdentityRules::isWellFormedSecret(identity.secret));
            QVERIFY(!ids.contains(identity.id));
            QVERIFY(!secrets.contains(identity.secret));
            ids.insert(identity.id);
            secrets.insert(identity.secret);
        }
    }

    void identityWellFormed_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("validId");
        QTest::addColumn<bool>("validSecret");
        QTest::newRow("15 characters") << QString(15, u'a') << false << false;
        QTest::newRow("16 characters") << QString(16, u'a') << true << false;
        QTest::newRow("31 characters") << QString(31, u'Z') << true << false;
        QTest::newRow("32 characters") << QString(32, u'Z') << true << true;
        QTest::newRow("64 characters") << QString(64, u'9') << true << true;
        QTest::newRow("65 characters") << QString(65, u'9') << false << true;
        QTest::newRow("128 characters") << QString(128, u'_') << false << true;
        QTest::newRow("129 characters") << QString(129, u'_') << false << false;
        QTest::newRow("all allowed kinds")
            << str("abcXYZ0189_-abcXYZ0189_-abcXYZ01") << true << true;
        QTest::newRow("space") << QString(str("abcdefgh ") + QString(23, u'x')) << false << false;
        QTest::newRow("plus (base64, not base64url)")
            << QString(str("abc+") + QString(28, u'x')) << false << false;
        QTest::newRow("slash") << QString(str("abc/") + QString(28, u'x')) << false << false;
        QTest::newRow("equals padding") << QString(QString(31, u'x') + str("=")) << false << false;
        QTest::newRow("non-ASCII letter") << QString(QString(31, u'x') + eAcute) << false << false;
        QTest::newRow("empty") << QString() << false << false;
    }

    void identityWellFormed()
    {
        QFETCH(QString, token);
        QFETCH(bool, validId);
        QFETCH(bool, validSecret);
        QCOMPARE(IdentityRules::isWellFormedId(token), validId);
        QCOMPARE(IdentityRules::isWellFormedSecret(token), validSecret);
        QCOMPARE((Identity{token, token}.isWellFormed()), validId && validSecret);
    }

    void participantIdIsStable()
    {
        const QString id = str("b1946ac92492d2347c6235b4d2611184");
        const QString pid = IdentityRules::participantIdFor(id);
        QVERIFY2(hex16.match(pid).hasMatch(), qPrintable(pid));
        QCOMPARE(IdentityRules::participantIdFor(id), pid);
        // The documented derivation: first 8 bytes of SHA-256("hearth-participant:" + id).
        // Stored rooms refer to participants by this id: it must never change.
        QCOMPARE(pid, str("9b6685ab74075087"));
        const QByteArray expected =
            QCryptographicHash::hash(QByteArray(QByteArray("hearth-participant:") + id.toUtf8()),
                                     QCryptographicHash::Sha256)
                .left(8)
                .toHex();
        QCOMPARE(pid, QString::fromLatin1(expected));
        // Not the id itself, and different ids give different participant ids.
        QVERIFY(!pid.contains(id));
        QVERIFY(IdentityRules::participantIdFor(str("b1946ac92492d2347c6235b4d2611185")) != pid);
        for (int i = 0; i < 50; ++i) {
            const Identity identity = Identity::generate();
            const QString p = IdentityRules::participantIdFor(identity.id);
            QVERIFY(hex16.match(p).hasMatch());
            QCOMPARE(IdentityRules::participantIdFor(QString(identity.id)), p);
        }
    }

    void secretHash()
    {
        const QString secret = str("Zt3N1mHq8v0aWc5yR2kLx9Pd4sFe7GbU");
        const QByteArray hash = IdentityRules::secretHash(secret);
        QVERIFY2(hex64.match(QString::fromLatin1(hash)).hasMatch(), hash.constData());
        QCOMPARE(hash,
                 QByteArray("0dc84223c362e4f2de509f8d2f4d4041f4c984b6aaaf0f23a69c984e80522dda"));
        QCOMPARE(IdentityRules::secretHash(secret), hash);
        QVERIFY(IdentityRules::secretHash(str("Zt3N1mHq8v0aWc5yR2kLx9Pd4sFe7GbV")) != hash);
        QVERIFY(!hash.contains(secret.toLatin1()));
    }

    // --- Limits --------------------------------------------------------------------------------

    void limitsDefaultsMatchTheDocs()
    {
        // The hello example of docs/protocol.md.
        const QJsonObject documented = json(
            R"({"maxMessageBytes": 65536, "maxChatLength": 2000, "maxNameLength": 32,
                "maxRoomNameLength": 64, "historyPageMax": 200, "capacityMax": 50,
                "maxRoomsPerHost": 5, "requestsPerSecond": 20, "chatPerSecond": 5,
                "heartbeatSeconds": 5, "idleTimeoutSeconds": 15, "graceSeconds": 60})");
        QCOMPARE(documented.size(), 12);
        QCOMPARE(Limits().toJson(), documented);
    }

    void limitsRoundTrip()
    {
        Limits l;
        l.maxMessageBytes = 1000;
        l.maxChatLength = 11;
        l.maxNameLength = 12;
        l.maxRoomNameLength = 13;
        l.historyPageMax = 14;
        l.capacityMax = 15;
        l.maxRoomsPerHost = 16;
        l.requestsPerSecond = 17;
        l.chatPerSecond = 18;
        l.heartbeatSeconds = 19;
        l.idleTimeoutSeconds = 20;
        l.graceSeconds = 21;
        const QJsonObject object = l.toJson();
        QCOMPARE(object.size(), 12);
        for (auto it = object.begin(); it != object.end(); ++it)
            QVERIFY2(it.value().isDouble(), qPrintable(it.key()));
        // Through text, as on the wire.
        const QJsonObject wire =
            QJsonDocument::fromJson(QJsonDocument(object).toJson(QJsonDocument::Compact)).object();
        const Limits back = Limits::fromJson(wire);
        QCOMPARE(back.toJson(), object);
        QCOMPARE(back.maxMessageBytes, 1000);
        QCOMPARE(back.graceSeconds, 21);
        QCOMPARE(back.heartbeatSeconds, 19);
    }

    void limitsFromPartialOrBadJson()
    {
        // Missing keys keep their defaults (an older server), wrong types are ignored, unknown
        // keys (a newer server) too.
        const Limits l = Limits::fromJson(
            json(R"({"maxChatLength": 500, "capacityMax": "many", "graceSeconds": null,
                     "somethingNew": 7})"));
        QCOMPARE(l.maxChatLength, 500);
        QCOMPARE(l.capacityMax, Limits().capacityMax);
        QCOMPARE(l.graceSeconds, Limits().graceSeconds);
        QCOMPARE(l.maxNameLength, Limits().maxNameLength);
        QCOMPARE(Limits::fromJson({}).toJson(), Limits().toJson());
    }

    // --- Error codes ---------------------------------------------------------------------------

    void errorCodes_data()
    {
        QTest::addColumn<ErrorCode>("code");
        // In enum order: the wire names of docs/protocol.md, "Error codes".
        const char *const names[] = {
            "bad_json",
            "bad_request",
            "unknown_type",
            "hello_required",
            "unsupported_version",
            "identity_rejected",
            "room_not_found",
            "wrong_password",
            "room_full",
            "room_locked",
            "banned",
            "spectators_not_allowed",
            "join_denied",
            "room_closed",
            "not_member",
            "not_host",
            "participant_not_found",
            "invalid_transition",
            "too_many_rooms",
            "too_large",
            "rate_limited",
            "storage_error",
            "shutting_down",
            "name_taken",
            "internal_error",
        };
        static_assert(std::size(names) == std::size_t(ErrorCode::InternalError) + 1);
        for (std::size_t i = 0; i < std::size(names); ++i)
            QTest::newRow(names[i]) << ErrorCode(i);
    }

    void errorCodes()
    {
        QFETCH(ErrorCode, code);
        const QString name = errorCodeName(code);
        QCOMPARE(name, QString::fromLatin1(QTest::currentDataTag()));
        QCOMPARE(errorCodeFromName(name), code);
        static const QRegularExpression snake(QStringLiteral("^[a-z]+(_[a-z]+)*$"));
        QVERIFY(snake.match(name).hasMatch());
    }

    void errorCodeNamesAreUniqueAndUnknownIsInternal()
    {
        QSet<QString> names;
        for (int i = 0; i <= int(ErrorCode::InternalError); ++i)
            names.insert(errorCodeName(ErrorCode(i)));
        QCOMPARE(names.size(), int(ErrorCode::InternalError) + 1);
        QCOMPARE(errorCodeFromName(u"no_such_code"), ErrorCode::InternalError);
        QCOMPARE(errorCodeFromName(u""), ErrorCode::InternalError);
        QCOMPARE(errorCodeFromName(u"BAD_JSON"), ErrorCode::InternalError);
    }

    void errorCodesMatchTheDocumentExactly()
    {
        // The table in docs/protocol.md is the contract: every code there exists here and
        // nothing here is undocumented.
        const QString doc = protocolDocument();
        if (doc.isEmpty())
            QSKIP("docs/protocol.md is not next to the sources");
        const qsizetype section = doc.indexOf(str("## Error codes"));
        QVERIFY(section >= 0);
        const QSet<QString> documented =
            firstColumn(doc.mid(section), QStringLiteral("^\\| `([a-z_]+)` \\|"));
        QSet<QString> known;
        for (int i = 0; i <= int(ErrorCode::InternalError); ++i)
            known.insert(errorCodeName(ErrorCode(i)));
        QCOMPARE(documented.size(), known.size());
        QCOMPARE(documented, known);
    }

    void roomValueNames()
    {
        QCOMPARE(wireName(Role::Spectator), QLatin1String("spectator"));
        QCOMPARE(wireName(RoomState::Finished), QLatin1String("finished"));
        for (Role role : {Role::Host, Role::Member, Role::Spectator})
            QCOMPARE(fromWireName<Role>(QString(wireName(role))), role);
        for (RoomState state : {RoomState::Waiting, RoomState::Active, RoomState::Finished})
            QCOMPARE(fromWireName<RoomState>(QString(wireName(state))), state);
        for (HostAction action : AllHostActions)
            QCOMPARE(fromWireName<HostAction>(QString(wireName(action))), action);
        QCOMPARE(fromWireName<HostAction>(str("close_room")), std::nullopt); // names no participant
        QCOMPARE(fromWireName<Role>(str("Host")), std::nullopt);             // wire names are exact
        QCOMPARE(fromWireName<RoomState>(str("")), std::nullopt);
    }

    void hostActionsMatchTheDocument()
    {
        // Every host action that names a participant is a row of "Host operations" with the
        // `participant` field, and those rows are exactly these.
        const QString doc = protocolDocument();
        if (doc.isEmpty())
            QSKIP("docs/protocol.md is not next to the sources");
        const qsizetype from = doc.indexOf(str("### Host operations"));
        const qsizetype to = doc.indexOf(str("\n## "), from);
        QVERIFY(from >= 0 && to > from);
        const QSet<QString> documented = firstColumn(
            doc.mid(from, to - from), QStringLiteral("^\\| `([a-z_]+)` \\| `participant` \\|"));
        QSet<QString> known;
        for (HostAction action : AllHostActions)
            known.insert(wireName(action));
        QCOMPARE(documented, known);
    }

    // --- the client's readers: inputs found by fuzz_clientjson ---------------------------------

    void clientIntegerFromJson()
    {
        // What RoomClient and RoomSession read a reply's id, seq, ts, retryAfterMs and a
        // presence's lastSeen with: whole numbers a double holds exactly, nothing else.
        const QJsonObject o = json(R"({"a": 42, "b": -7, "c": 9007199254740991, "d": 1e30,
            "e": -1e300, "f": 2.5, "g": "42", "h": null, "i": 9007199254740992})");
        QCOMPARE(integerFromJson(o.value(str("a"))), std::optional<qint64>(42));
        QCOMPARE(integerFromJson(o.value(str("b"))), std::optional<qint64>(-7));
        QCOMPARE(integerFromJson(o.value(str("c"))), std::optional<qint64>(9007199254740991));
        for (const char *key : {"d", "e", "f", "g", "h", "i", "missing"})
            QVERIFY2(!integerFromJson(o.value(str(key))), key);
    }

    void clientIntegersBeyondWhatADoubleHoldsExactly_data()
    {
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<bool>("readable");
        QTest::addColumn<qint64>("ts");
        // The fuzzer's input: a ts of 22 digits was converted to qint64 (undefined behaviour).
        // The codec refuses the event (JsonFields: an integer out of range is a bad field).
        QTest::newRow("ts of 22 digits")
            << QByteArray(R"({"type":"event","room":"XJ9K2M","seq":41,)"
                          R"("ts":1763759990006375999500,"event":"chat","data":{}})")
            << false << qint64(0);
        QTest::newRow("ts of -1e300")
            << QByteArray(R"({"room":"XJ9K2M","seq":1,"ts":-1e300,"event":"chat"})") << false
            << qint64(0);
        QTest::newRow("ts of 2^53-1")
            << QByteArray(R"({"room":"XJ9K2M","seq":1,"ts":9007199254740991,"event":"chat"})")
            << true << qint64(9007199254740991);
        QTest::newRow("seq of 1e30")
            << QByteArray(R"({"room":"XJ9K2M","seq":1e30,"ts":1,"event":"chat"})") << false
            << qint64(0);
        QTest::newRow("seq of 2^63")
            << QByteArray(R"({"room":"XJ9K2M","seq":9223372036854775808,"event":"chat"})") << false
            << qint64(0);
    }

    void clientIntegersBeyondWhatADoubleHoldsExactly()
    {
        QFETCH(QByteArray, event);
        QFETCH(bool, readable);
        QFETCH(qint64, ts);
        // A chat's fields, so that only the integers decide.
        QJsonObject object = QJsonDocument::fromJson(event).object();
        object.insert(str("data"), json(R"({"author": "p", "name": "Ana", "text": "hi"})"));
        const auto read = RoomEvent::fromJson(object);
        QCOMPARE(read.value.has_value(), readable);
        if (read.value)
            QCOMPARE(read.value->ts, ts);
        // In a history page too, as the fuzzer sent it: a lastSeq of 1e300 makes the page
        // unreadable, whatever its events.
        const QJsonArray events{object};
        QJsonObject page{{str("events"), events}, {str("lastSeq"), 1}};
        QCOMPARE(HistoryPage::fromJson(page).value.has_value(), readable);
        page.insert(str("lastSeq"), 1e300);
        QVERIFY(!HistoryPage::fromJson(page).value);
    }
};

QTEST_GUILESS_MAIN(tst_ProtocolValues)
#include "tst_protocolvalues.moc"
