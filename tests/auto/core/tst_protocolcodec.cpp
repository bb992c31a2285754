// The protocol codec (core/protocol: values, requests, replies, events, notices): every example
// in docs/protocol.md reads into its type and writes back to the same JSON; the hand-written
// writers are byte for byte what QJsonDocument writes; the request decoder refuses a missing,
// mistyped or unknown field with the documented code.

#include "protocol/events.h"
#include "protocol/replies.h"
#include "protocol/requests.h"
#include "protocol/values.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

Q_DECLARE_METATYPE(ErrorCode)

namespace {
using namespace Qt::StringLiterals;

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// What QJsonDocument writes for the object `bytes` holds: equal to `bytes` when the hand-written
// writer got keys, order and escaping right.
QByteArray rewritten(const QByteArray &bytes)
{
    return compact(json(bytes));
}

// Every ```json block of docs/protocol.md that is a JSON object (a few elide parts with "...").
QList<QJsonObject> documentedExamples()
{
    QFile file(QFINDTESTDATA("../../../docs/protocol.md"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString doc = QString::fromUtf8(file.readAll());
    static const QRegularExpression block(u"```json\\n(.*?)```"_s,
                                          QRegularExpression::DotMatchesEverythingOption);
    QList<QJsonObject> examples;
    for (auto it = block.globalMatch(doc); it.hasNext();) {
        const QJsonDocument example = QJsonDocument::fromJson(it.next().captured(1).toUtf8());
        if (example.isObject())
            examples.append(example.object());
    }
    return examples;
}

// A reply's result in its type, guessed from its fields, written back.
QJsonObject resultRewritten(const QJsonObject &result)
{
    if (result.contains("participants"_L1))
        return json(RoomSnapshot::json(
            RoomSnapshot::fromJson(result).value->room,
            compact(QJsonObject{{"a"_L1, result["participants"_L1]}}).mid(5).chopped(1),
            result["self"_L1].toString(), result["rejoined"_L1].toBool()));
    if (result.contains("limits"_L1)) {
        const HelloResult h = *HelloResult::fromJson(result).value;
        return json(HelloResult::json(compact(h.limits.toJson()), h.participant));
    }
    if (result.contains("events"_L1)) {
        const HistoryPage page = *HistoryPage::fromJson(result).value;
        QList<QByteArray> frames;
        for (const RoomEvent &e : page.events)
            frames.append(e.toFrame());
        return json(
            HistoryPage::json(frames, page.hasMore, page.firstSeq, page.lastSeq, page.missing));
    }
    if (result.contains("room"_L1))
        return json(RoomInfoResult::fromJson(result).value->json());
    if (result.contains("seq"_L1))
        return json(ChatAck::fromJson(result).value->json());
    if (result.contains("ts"_L1))
        return json(PingResult::fromJson(result).value->json());
    return result;
}
} // namespace

class tst_ProtocolCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentedExamplesRoundTrip_data()
    {
        QTest::addColumn<QJsonObject>("example");
        const QList<QJsonObject> examples = documentedExamples();
        QVERIFY2(examples.size() >= 30, "docs/protocol.md's examples are missing");
        int n = 0;
        for (const QJsonObject &e : examples)
            QTest::addRow("%d %s", ++n, qPrintable(e.value("type"_L1).toString())) << e;
    }

    void documentedExamplesRoundTrip()
    {
        QFETCH(QJsonObject, example);
        const QString type = example.value("type"_L1).toString();
        if (type == "reply"_L1 || type == "event"_L1 || type == "notice"_L1) {
            const Decoded<ServerMessage> message = readServerMessage(example);
            QVERIFY2(message.value, qPrintable(message.error));
            if (const auto *event = std::get_if<RoomEvent>(&*message.value)) {
                QCOMPARE(json(event->toFrame()), example);
            } else if (const auto *notice = std::get_if<Notice>(&*message.value)) {
                QCOMPARE(json(notice->toFrame()), example);
            } else {
                const Reply &reply = std::get<Reply>(*message.value);
                const QByteArray frame =
                    reply.ok ? Reply::success(reply.id, compact(resultRewritten(reply.result)))
                             : Reply::failure(reply.id, reply.error);
                QCOMPARE(json(frame), example);
            }
        } else if (example.contains("id"_L1) && example.value("type"_L1).isString()) {
            const qint64 id = example.value("id"_L1).toInteger();
            const auto request = decodeRequest(example, id);
            const auto *refusal = std::get_if<RequestRefusal>(&request);
            QVERIFY2(!refusal, refusal ? qPrintable(refusal->message) : "");
            QJsonObject expected = example;
            // The encoder writes what the server assumes anyway (join_room's default role).
            if (type == "join_room"_L1 && !expected.contains("role"_L1))
                expected.insert("role"_L1, "member"_L1);
            QCOMPARE(json(encodeRequest(id, std::get<Request>(request))), expected);
        } else if (example.contains("joinedSeq"_L1)) {
            QCOMPARE(toJsonObject(*ParticipantInfo::fromJson(example).value), example);
        } else if (example.contains("capacity"_L1) && example.contains("code"_L1)) {
            QCOMPARE(toJsonObject(*RoomInfo::fromJson(example).value), example);
        } else {
            QSKIP("not a message of the room protocol (LAN discovery, invite links)");
        }
    }

    // The hot paths' writers against QJsonDocument, with text that needs escaping.
    void handWrittenJsonIsQJsonDocuments_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << u"Ana"_s;
        QTest::newRow("quotes") << u"say \"hi\" \\ back"_s;
        QTest::newRow("controls") << u"a\nb\tc\u0001\u001f\r\b\f"_s;
        QTest::newRow("emoji") << QString::fromUtf8("\xF0\x9F\x98\x80 caf\xC3\xA9");
        QTest::newRow("lone surrogate") << QString(QChar(0xD800)) + u"x"_s;
        QTest::newRow("html") << u"<b>&amp;</b>"_s;
    }

    void handWrittenJsonIsQJsonDocuments()
    {
        QFETCH(QString, text);
        ParticipantInfo p{u"5f0c2a9e41d7b3c8"_s, text, Role::Spectator, true, 17, 3, {}};
        p.status.set(StatusFlags::Muted, true);
        RoomInfo room;
        room.code = u"XJ9K2M"_s;
        room.name = text;
        room.capacity = 12;
        room.state = RoomState::Finished;
        room.settings.locked = room.settings.password = true;
        const RoomStats stats{27, 42, 5, 4, 1, 2};

        QList<QByteArray> written;
        for (const auto &value : {toJsonObject(p), toJsonObject(room), toJsonObject(stats)})
            QVERIFY(!value.isEmpty());
        QByteArray out;
        p.writeJson(out);
        written << out;
        out.clear();
        room.writeJson(out);
        written << out;
        room.host = p.id;
        out.clear();
        room.writeJson(out);
        written << out;
        out.clear();
        stats.writeJson(out);
        written << out;
        const EventData events[] = {
            Events::ParticipantJoined{p},
            Events::ParticipantLeft{p.id, LeaveReason::Kicked, u"0a7b9c1d2e3f4a5b"_s},
            Events::ParticipantLeft{p.id, LeaveReason::TimedOut, {}},
            Events::ParticipantUpdated{p.id, p.status, StatusFlags::Muted | StatusFlags::Ready},
            Events::Presence{p.id, false, 1763760096000},
            Events::Chat{p.id, text, text + u"\n2"_s, u"c-1"_s},
            Events::Chat{p.id, text, text, {}},
            Events::RoomUpdated{room},
            Events::HostChanged{{}, p.id, HostChangeReason::HostLeft},
            Events::HostChanged{p.id, u"0a7b9c1d2e3f4a5b"_s, HostChangeReason::Transferred},
            Events::RoomClosed{CloseReason::Expired},
        };
        for (const EventData &data : events) {
            out.clear();
            writeEventData(out, data);
            written << out << RoomEvent::frame(text, 7, 8, eventName(data), out);
        }
        written << RoomSnapshot::json(room, "[]", p.id, true)
                << HistoryPage::json({RoomEvent{room.code, 1, 2, events[5]}.toFrame()}, true, 1, 2,
                                     0)
                << ChatAck{4, 5, false}.json() << ChatAck{4, 0, true}.json()
                << RoomInfoResult{room, stats}.json() << RoomInfoResult{room, {}}.json();
        for (const QByteArray &bytes : std::as_const(written)) {
            // Envelopes and history pages keep the documented order ("type" first, "events"
            // before the counters); their parts are checked on their own.
            if (bytes.startsWith("{\"type\"") || bytes.startsWith("{\"events\""))
                continue;
            QCOMPARE(bytes, rewritten(bytes));
        }
        const QByteArray notice =
            Notice{room.code, Notices::JoinRequest{p.id, text, Role::Member}}.toFrame();
        const QByteArray noticeData = notice.mid(notice.indexOf("\"data\":") + 7).chopped(1);
        QCOMPARE(noticeData, rewritten(noticeData));
        QCOMPARE(json(notice).value("data"_L1).toObject().value("name"_L1).toString(), text);
    }

    // Events read back into the same values.
    void eventsRoundTrip()
    {
        ParticipantInfo p{u"9d1e0b7c3a5f2e84"_s, u"Ben"_s, Role::Member, true, 5, 2, {}};
        const RoomEvent chat{u"XJ9K2M"_s, 43, 99, Events::Chat{p.id, u"Ben"_s, u"hi"_s, {}}};
        const Decoded<RoomEvent> back = RoomEvent::fromJson(json(chat.toFrame()));
        QVERIFY(back.value);
        QCOMPARE(back.value->seq, 43);
        QCOMPARE(back.value->as<Events::Chat>()->text, u"hi"_s);
        const RoomEvent updated{u"XJ9K2M"_s, 44, 100,
                                Events::ParticipantUpdated{p.id,
                                                           {StatusFlags::Away},
                                                           StatusFlags::Away | StatusFlags::Ready}};
        const Decoded<RoomEvent> updatedBack = RoomEvent::fromJson(json(updated.toFrame()));
        QVERIFY(updatedBack.value);
        const auto *u = updatedBack.value->as<Events::ParticipantUpdated>();
        QVERIFY(u);
        QCOMPARE(u->changed, quint8(StatusFlags::Away | StatusFlags::Ready));
        QVERIFY(u->status.test(StatusFlags::Away));
        QVERIFY(!u->status.test(StatusFlags::Ready));
        // A newer server's event is kept (its seq counts), with its name.
        const auto unknown = RoomEvent::fromJson(
            json(R"({"type":"event","room":"XJ9K2M","seq":45,"ts":1,"event":"poll","data":{}})"));
        QCOMPARE(unknown.value->as<Events::Unknown>()->name, u"poll"_s);
        // A known event with a mistyped field is not half-read.
        const auto bad = RoomEvent::fromJson(json(
            R"({"type":"event","room":"XJ9K2M","seq":46,"ts":1,"event":"presence","data":{"participant":"a","online":"yes"}})"));
        QVERIFY(!bad.value);
        QVERIFY2(bad.error.contains("\"online\""_L1), qPrintable(bad.error));
    }

    // A newer server's event or notice is written back under its own name, escaped (found by
    // fuzz_clientjson: a '"' in an event's name made the frame invalid JSON, a name beyond
    // Latin-1 came back as '?', and every notice's came back as "unknown").
    void unknownNamesRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("quote") << u"con\"fetti"_s;
        QTest::newRow("backslash") << u"a\\b"_s;
        QTest::newRow("beyond latin-1") << u"\u4e00x"_s;
        QTest::newRow("control") << u"a\u0001b"_s;
    }

    void unknownNamesRoundTrip()
    {
        QFETCH(QString, name);
        const RoomEvent event{u"XJ9K2M"_s, 45, 1, Events::Unknown{name}};
        const Decoded<RoomEvent> eventBack = RoomEvent::fromJson(json(event.toFrame()));
        QVERIFY2(eventBack.value, qPrintable(eventBack.error));
        QCOMPARE(eventBack.value->as<Events::Unknown>()->name, name);
        QCOMPARE(eventBack.value->toFrame(), event.toFrame());

        const Notice notice{u"XJ9K2M"_s, Notices::Unknown{name}};
        const Decoded<Notice> noticeBack = Notice::fromJson(json(notice.toFrame()));
        QVERIFY2(noticeBack.value, qPrintable(noticeBack.error));
        QCOMPARE(noticeBack.value->as<Notices::Unknown>()->name, name);
        QCOMPARE(noticeBack.value->toFrame(), notice.toFrame());
    }

    void requestDecoderRefuses_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("field");
        QTest::newRow("not json") << QByteArray("{") << ErrorCode::BadJson << QString();
        QTest::newRow("array") << QByteArray("[]") << ErrorCode::BadJson << QString();
        QTest::newRow("no id") << QByteArray(R"({"type":"ping"})") << ErrorCode::BadRequest
                               << u"id"_s;
        QTest::newRow("id too large")
            << QByteArray(R"({"id":1e300,"type":"ping"})") << ErrorCode::BadRequest << u"id"_s;
        QTest::newRow("type number")
            << QByteArray(R"({"id":1,"type":3})") << ErrorCode::BadRequest << u"type"_s;
        QTest::newRow("unknown type")
            << QByteArray(R"({"id":1,"type":"mute"})") << ErrorCode::UnknownType << u"mute"_s;
        QTest::newRow("room missing")
            << QByteArray(R"({"id":1,"type":"leave_room"})") << ErrorCode::BadRequest << u"room"_s;
        QTest::newRow("room number")
            << QByteArray(R"({"id":1,"type":"kick","room":7,"participant":"a"})")
            << ErrorCode::BadRequest << u"room"_s;
        QTest::newRow("participant missing")
            << QByteArray(R"({"id":1,"type":"ban","room":"XJ9K2M"})") << ErrorCode::BadRequest
            << u"participant"_s;
        QTest::newRow("text null")
            << QByteArray(R"({"id":1,"type":"send_chat","room":"XJ9K2M","text":null})")
            << ErrorCode::BadRequest << u"text"_s;
        QTest::newRow("clientMsgId empty")
            << QByteArray(R"({"id":1,"type":"send_chat","room":"R","text":"a","clientMsgId":""})")
            << ErrorCode::BadRequest << u"clientMsgId"_s;
        QTest::newRow("limit string")
            << QByteArray(R"({"id":1,"type":"history","room":"R","limit":"10"})")
            << ErrorCode::BadRequest << u"limit"_s;
        QTest::newRow("capacity fraction")
            << QByteArray(
                   R"({"id":1,"type":"create_room","name":"a","displayName":"b","capacity":1.5})")
            << ErrorCode::BadRequest << u"capacity"_s;
        QTest::newRow("capacity huge")
            << QByteArray(
                   R"({"id":1,"type":"create_room","name":"a","displayName":"b","capacity":1e300})")
            << ErrorCode::BadRequest << u"capacity"_s;
        QTest::newRow("settings flag string")
            << QByteArray(
                   R"({"id":1,"type":"create_room","name":"a","displayName":"b","settings":{"locked":"yes"}})")
            << ErrorCode::BadRequest << u"settings.\"locked\""_s;
        QTest::newRow("role host")
            << QByteArray(
                   R"({"id":1,"type":"join_room","code":"XJ9K2M","displayName":"b","role":"host"})")
            << ErrorCode::BadRequest << u"role"_s;
        QTest::newRow("resume string")
            << QByteArray(
                   R"({"id":1,"type":"join_room","code":"XJ9K2M","displayName":"b","resume":"1"})")
            << ErrorCode::BadRequest << u"resume"_s;
        QTest::newRow("state waiting")
            << QByteArray(R"({"id":1,"type":"set_state","room":"R","state":"waiting"})")
            << ErrorCode::BadRequest << u"state"_s;
        QTest::newRow("unknown flag")
            << QByteArray(R"({"id":1,"type":"set_status","room":"R","status":{"dancing":true}})")
            << ErrorCode::BadRequest << u"status"_s;
        QTest::newRow("before not above after")
            << QByteArray(R"({"id":1,"type":"history","room":"R","before":5,"after":4})")
            << ErrorCode::BadRequest << u"before"_s;
        QTest::newRow("hello without identity")
            << QByteArray(R"({"id":1,"type":"hello","version":1})") << ErrorCode::BadRequest
            << u"identity"_s;
    }

    void requestDecoderRefuses()
    {
        QFETCH(QByteArray, frame);
        QFETCH(ErrorCode, code);
        QFETCH(QString, field);
        auto read = RequestFrame::read(frame);
        RequestRefusal refusal;
        if (const auto *r = std::get_if<RequestRefusal>(&read)) {
            refusal = *r;
        } else {
            const RequestFrame &f = std::get<RequestFrame>(read);
            auto typed = f.emptyOfType();
            if (const auto *r2 = std::get_if<RequestRefusal>(&typed))
                refusal = *r2;
            else if (auto r3 = f.decodeInto(std::get<Request>(typed)))
                refusal = *r3;
            else
                QFAIL("the frame was accepted");
        }
        QCOMPARE(refusal.code, code);
        QVERIFY2(refusal.message.contains(field), qPrintable(refusal.message));
    }

    // Fields a newer client adds are ignored (docs/protocol.md, "Requests").
    void requestDecoderIgnoresUnknownFields()
    {
        const auto request = decodeRequest(
            json(R"({"id":9,"type":"send_chat","room":"XJ9K2M","text":"hi","sticker":"cat"})"), 9);
        const auto *chat = std::get_if<Requests::SendChat>(&std::get<Request>(request));
        QVERIFY(chat);
        QCOMPARE(chat->text, u"hi"_s);
        QVERIFY(!chat->clientMsgId);
    }

    // Every host action on one participant decodes to the one shape with its action.
    void hostActionsShareOneShape()
    {
        for (const HostAction action : AllHostActions) {
            const QByteArray frame = encodeRequest(
                3, Requests::OnParticipant{action, u"XJ9K2M"_s, u"9d1e0b7c3a5f2e84"_s});
            const auto request = decodeRequest(json(frame), 3);
            const auto *r = std::get_if<Requests::OnParticipant>(&std::get<Request>(request));
            QVERIFY(r);
            QCOMPARE(r->action, action);
            QCOMPARE(json(frame).value("type"_L1).toString(), QString(wireName(action)));
        }
    }
};

QTEST_GUILESS_MAIN(tst_ProtocolCodec)
#include "tst_protocolcodec.moc"
