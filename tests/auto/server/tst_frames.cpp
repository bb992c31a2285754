// The server's outgoing frames as the protocol codec writes them (RoomEvent::frame, Notice,
// Reply::success/failure): valid compact JSON, exactly the documented envelope fields in the
// documented order, and any user text round-trips.

#include "protocol/events.h"
#include "protocol/replies.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QStringList>
#include <QtTest/QTest>

namespace {
QString str(const char *s)
{
    return QString::fromUtf8(s);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// An event frame around arbitrary data (the envelope is what is under test).
QByteArray eventFrame(const QString &room, qint64 seq, qint64 ts, const char *kind,
                      const QJsonObject &data)
{
    return RoomEvent::frame(room, seq, ts, QLatin1String(kind), compact(data));
}

QByteArray result(qint64 id, const QJsonObject &object)
{
    return Reply::success(id, compact(object));
}

QByteArray failure(qint64 id, ErrorCode code, const QString &message)
{
    return Reply::failure(id, ProtocolError{code, message});
}

// The top-level keys of a JSON object text, in the order they appear.
QStringList topLevelKeys(const QByteArray &json)
{
    QStringList keys;
    int depth = 0;
    bool inString = false;
    bool expectKey = false;
    QByteArray current;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\') {
                if (depth == 1 && expectKey)
                    current += json.mid(i, 2);
                ++i;
            } else if (c == '"') {
                inString = false;
                if (depth == 1 && expectKey) {
                    keys.append(QJsonDocument::fromJson("[\"" + current + "\"]")
                                    .array()
                                    .first()
                                    .toString());
                    expectKey = false;
                }
            } else if (depth == 1 && expectKey) {
                current += c;
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            current.clear();
            break;
        case '{':
        case '[':
            ++depth;
            if (depth == 1)
                expectKey = true;
            break;
        case '}':
        case ']':
            --depth;
            break;
        case ',':
            if (depth == 1)
                expectKey = true;
            break;
        default:
            break;
        }
    }
    return keys;
}

QJsonObject parse(const QByteArray &frame)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        qWarning("not a JSON object: %s (%s)", frame.constData(), qPrintable(error.errorString()));
        return {};
    }
    return doc.object();
}

// What any frame must be: one compact JSON object, valid UTF-8, no raw control characters.
bool wellFormed(const QByteArray &frame)
{
    if (frame.isEmpty() || frame.front() != '{' || frame.back() != '}')
        return false;
    for (char c : frame) {
        if (uchar(c) < 0x20)
            return false; // a raw line break or control character: not compact/escaped
    }
    if (QString::fromUtf8(frame).toUtf8() != frame)
        return false;
    return !parse(frame).isEmpty();
}
} // namespace

class tst_Frames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventEnvelope()
    {
        const QJsonObject data{{str("author"), str("5f0c2a9e41d7b3c8")},
                               {str("name"), str("Ana")},
                               {str("text"), str("hello")},
                               {str("clientMsgId"), str("c-1")}};
        const QByteArray frame = eventFrame(str("XJ9K2M"), 43, 1763760000123, "chat", data);
        QVERIFY2(wellFormed(frame), frame.constData());
        QVERIFY2(frame.startsWith(R"({"type":"event","room":"XJ9K2M","seq":43,)"
                                  R"("ts":1763760000123,"event":"chat","data":{)"),
                 frame.constData());
        QCOMPARE(topLevelKeys(frame), (QStringList{str("type"), str("room"), str("seq"), str("ts"),
                                                   str("event"), str("data")}));
        const QJsonObject o = parse(frame);
        QCOMPARE(o.size(), 6);
        QCOMPARE(o.value(str("type")).toString(), str("event"));
        QCOMPARE(o.value(str("room")).toString(), str("XJ9K2M"));
        QCOMPARE(o.value(str("seq")).toInteger(), 43);
        QCOMPARE(o.value(str("ts")).toInteger(), 1763760000123);
        QCOMPARE(o.value(str("event")).toString(), str("chat"));
        QCOMPARE(o.value(str("data")).toObject(), data);
    }

    void eventLargeNumbersAreExact()
    {
        const qint64 maxSafe = 9007199254740991; // 2^53-1, the largest seq a client can hold
        const QByteArray frame = eventFrame(str("ABCDEF"), maxSafe, 4102444800000, "presence", {});
        QVERIFY(wellFormed(frame));
        QVERIFY2(frame.contains(R"("seq":9007199254740991,"ts":4102444800000,)"),
                 frame.constData());
        QVERIFY(frame.endsWith(R"("event":"presence","data":{}})"));
        QCOMPARE(parse(frame).value(str("seq")).toInteger(), maxSafe);
    }

    void noticeEnvelope()
    {
        const QJsonObject data{{str("participant"), str("9d1e0b7c3a5f2e84")},
                               {str("name"), str("Ben")},
                               {str("role"), str("member")}};
        const QByteArray frame =
            Notice{str("XJ9K2M"),
                   Notices::JoinRequest{str("9d1e0b7c3a5f2e84"), str("Ben"), Role::Member}}
                .toFrame();
        QVERIFY2(wellFormed(frame), frame.constData());
        QVERIFY2(frame.startsWith(
                     R"({"type":"notice","notice":"join_request","room":"XJ9K2M","data":{)"),
                 frame.constData());
        QCOMPARE(topLevelKeys(frame),
                 (QStringList{str("type"), str("notice"), str("room"), str("data")}));
        const QJsonObject o = parse(frame);
        QCOMPARE(o.size(), 4);
        QCOMPARE(o.value(str("data")).toObject(), data);

        // An empty data object stays an object.
        const QByteArray pending = Notice{str("XJ9K2M"), Notices::JoinPending{}}.toFrame();
        QCOMPARE(
            pending,
            QByteArray(R"({"type":"notice","notice":"join_pending","room":"XJ9K2M","data":{}})"));
    }

    void resultEnvelope()
    {
        const QByteArray frame = result(7, {{str("seq"), 43}, {str("ts"), qint64(1763760000123)}});
        QVERIFY2(wellFormed(frame), frame.constData());
        QCOMPARE(
            frame,
            QByteArray(
                R"({"type":"reply","id":7,"ok":true,"result":{"seq":43,"ts":1763760000123}})"));
        QCOMPARE(topLevelKeys(frame),
                 (QStringList{str("type"), str("id"), str("ok"), str("result")}));

        // Empty result, id 0, the largest id, and "unknown" written as null.
        QCOMPARE(result(0, {}), QByteArray(R"({"type":"reply","id":0,"ok":true,"result":{}})"));
        QCOMPARE(result(9007199254740991, {}),
                 QByteArray(R"({"type":"reply","id":9007199254740991,"ok":true,"result":{}})"));
        QCOMPARE(result(-1, {}), QByteArray(R"({"type":"reply","id":null,"ok":true,"result":{}})"));
    }

    void resultRawSplicesJson()
    {
        const QByteArray body = R"({"events":[{"a":1},{"b":"x"}],"hasMore":false})";
        const QByteArray frame = Reply::success(12, body);
        QVERIFY(wellFormed(frame));
        QCOMPARE(frame, QByteArray(R"({"type":"reply","id":12,"ok":true,"result":)") + body + '}');
        QCOMPARE(parse(frame).value(str("result")).toObject().value(str("events")).toArray().size(),
                 2);
    }

    void errorEnvelope()
    {
        const QByteArray frame =
            failure(7, ErrorCode::NotMember, str("You are not in room XJ9K2M."));
        QVERIFY2(wellFormed(frame), frame.constData());
        QVERIFY2(frame.startsWith(R"({"type":"reply","id":7,"ok":false,"error":{)"),
                 frame.constData());
        QCOMPARE(topLevelKeys(frame),
                 (QStringList{str("type"), str("id"), str("ok"), str("error")}));
        const QJsonObject o = parse(frame);
        QCOMPARE(o.size(), 4);
        QCOMPARE(o.value(str("ok")), QJsonValue(false));
        QCOMPARE(o.value(str("error")).toObject(),
                 (QJsonObject{{str("code"), str("not_member")},
                              {str("message"), str("You are not in room XJ9K2M.")}}));
    }

    void errorWithExtraFieldsAndNullId()
    {
        ProtocolError slowDown{ErrorCode::RateLimited, str("slow down")};
        slowDown.retryAfterMs = 250;
        const QByteArray limited = Reply::failure(3, slowDown);
        QVERIFY(wellFormed(limited));
        const QJsonObject err = parse(limited).value(str("error")).toObject();
        QCOMPARE(err.value(str("code")).toString(), str("rate_limited"));
        QCOMPARE(err.value(str("retryAfterMs")).toInt(), 250);
        QCOMPARE(err.size(), 3);

        ProtocolError v1Only{ErrorCode::UnsupportedVersion, str("v1 only")};
        v1Only.supported = {1};
        const QByteArray version = Reply::failure(1, v1Only);
        QCOMPARE(parse(version).value(str("error")).toObject().value(str("supported")).toArray(),
                 QJsonArray{1});

        const QByteArray anonymous = failure(-1, ErrorCode::BadJson, str("not JSON"));
        QVERIFY(anonymous.startsWith(R"({"type":"reply","id":null,"ok":false,"error":{)"));
        QVERIFY(parse(anonymous).value(str("id")).isNull());
    }

    void textRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << str("hello");
        QTest::newRow("empty") << QString();
        QTest::newRow("double quotes") << str(R"(she said "hi" "")");
        QTest::newRow("backslashes") << str(R"(C:\Users\ana\ \\ \" \n \u0041)");
        QTest::newRow("line breaks and tabs") << str("one\ntwo\r\nthree\tfour");
        QTest::newRow("script end tag") << str("</script><script>alert(1)</script>");
        QTest::newRow("html entities") << str("&lt;b&gt; &amp; <b>bold</b>");
        QTest::newRow("json lookalike") << str(R"({"type":"event","seq":1})");
        QTest::newRow("control characters")
            << QString(str("a") + QChar(0x01) + QChar(0x1f) + QChar(0x7f) + str("b"));
        QTest::newRow("NUL") << QString(str("before") + QChar(0) + str("after"));
        QTest::newRow("accents and CJK") << str("Jos\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
        QTest::newRow("right to left") << str("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\xAE abc");
        QTest::newRow("emoji") << str(
            "\xF0\x9F\x98\x80\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9");
        QTest::newRow("line separator U+2028") << QString(str("a") + QChar(0x2028) + str("b"));
        QTest::newRow("long") << QString(2000, u'\"');
    }

    void textRoundTrips()
    {
        QFETCH(QString, text);

        const QByteArray event =
            eventFrame(str("XJ9K2M"), 5, 1, "chat", {{str("text"), text}, {str("name"), text}});
        QVERIFY2(wellFormed(event), event.constData());
        QCOMPARE(parse(event).value(str("data")).toObject().value(str("text")).toString(), text);
        QCOMPARE(parse(event).value(str("data")).toObject().value(str("name")).toString(), text);
        QCOMPARE(topLevelKeys(event).size(), 6);

        // The envelope's hand-written room field escapes too (codes are never like this, but
        // the builder must not trust that).
        const QByteArray odd = eventFrame(text, 1, 1, "chat", {});
        QVERIFY2(wellFormed(odd), odd.constData());
        QCOMPARE(parse(odd).value(str("room")).toString(), text);
        QCOMPARE(parse(odd).size(), 6);

        const QByteArray notice =
            Notice{text, Notices::JoinRequest{str("9d1e0b7c3a5f2e84"), text, Role::Member}}
                .toFrame();
        QVERIFY2(wellFormed(notice), notice.constData());
        QCOMPARE(parse(notice).value(str("room")).toString(), text);
        QCOMPARE(parse(notice).value(str("data")).toObject().value(str("name")).toString(), text);
        QCOMPARE(parse(notice).size(), 4);

        const QByteArray answer = result(1, {{str("name"), text}});
        QVERIFY(wellFormed(answer));
        QCOMPARE(parse(answer).value(str("result")).toObject().value(str("name")).toString(), text);

        const QByteArray error = failure(1, ErrorCode::BadRequest, text);
        QVERIFY(wellFormed(error));
        QCOMPARE(parse(error).value(str("error")).toObject().value(str("message")).toString(),
                 text);

        // A quote in the text never appears unescaped (it would end the string early).
        if (text.contains(u'"'))
            QVERIFY(!event.contains(text.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(tst_Frames)
#include "tst_frames.moc"
