// What a client reads from a server, through the protocol codec (core/protocol): one text frame
// read by readServerMessage (a reply, room event or notice), a reply's result by each result
// type's fromJson (which one applies depends on the request, so all are tried), and the values
// (ParticipantInfo, RoomInfo, RoomStats, RoomSettings) on bare objects and where frames carry
// them. Whatever decodes is written back with the codec's writer and must decode again to the
// same value: the re-written bytes are compared, and the hand-written JSON of values and event
// data must be what QJsonDocument writes for it (jsonwrite.h promises so).
// Seeds: the reply, event, notice, participant and room examples of docs/protocol.md and
// fuzz/seeds/clientjson/.
#include "fuzzcheck.h"
#include "protocol/replies.h"

#include <QtCore/QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace {
QJsonObject parsedObject(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    FUZZ_CHECK(doc.isObject());
    return doc.object();
}

// `first` (a writer's output for a decoded value) decodes again, and writing that value gives
// the same bytes.
template <typename T, typename Write>
void checkRewrite(const QByteArray &first, Decoded<T> (*read)(const QJsonObject &), Write write)
{
    const Decoded<T> again = read(parsedObject(first));
    FUZZ_CHECK(again.value.has_value());
    FUZZ_CHECK(write(*again.value) == first);
}

// Hand-written JSON equals QJsonDocument's compact form of the same object.
void checkAsQtWrites(const QByteArray &json)
{
    FUZZ_CHECK(QJsonDocument(parsedObject(json)).toJson(QJsonDocument::Compact) == json);
}

template <typename T> QByteArray written(const T &value)
{
    QByteArray out;
    value.writeJson(out);
    return out;
}

template <typename T> void checkValue(const QJsonObject &object)
{
    const Decoded<T> decoded = T::fromJson(object);
    if (!decoded.value) {
        FUZZ_CHECK(!decoded.error.isEmpty());
        return;
    }
    const QByteArray json = written(*decoded.value);
    checkAsQtWrites(json);
    checkRewrite<T>(json, &T::fromJson, [](const T &v) { return written(v); });
}

void readValues(const QJsonObject &object)
{
    checkValue<ParticipantInfo>(object);
    checkValue<RoomInfo>(object);
    checkValue<RoomStats>(object);
    checkValue<RoomSettings>(object);
}

QByteArray participantsJson(const QList<ParticipantInfo> &participants)
{
    QByteArray out = "[";
    for (const ParticipantInfo &p : participants) {
        if (out.size() > 1)
            out += ',';
        p.writeJson(out);
    }
    out += ']';
    return out;
}

QByteArray historyJson(const HistoryPage &page)
{
    QList<QByteArray> frames;
    for (const RoomEvent &e : page.events)
        frames.append(e.toFrame());
    return HistoryPage::json(frames, page.hasMore, page.firstSeq, page.lastSeq, page.missing);
}

QByteArray helloJson(const HelloResult &hello)
{
    return HelloResult::json(QJsonDocument(hello.limits.toJson()).toJson(QJsonDocument::Compact),
                             hello.participant);
}

// A success's result as every result type; each that reads it must write it back faithfully.
template <typename T, typename Write> void checkResult(const QJsonObject &result, Write write)
{
    const Decoded<T> decoded = T::fromJson(result);
    if (!decoded.value)
        return;
    checkRewrite<T>(write(*decoded.value), &T::fromJson, write);
}

void checkResults(const QJsonObject &result)
{
    checkResult<HelloResult>(result, helloJson);
    checkResult<RoomSnapshot>(result, [](const RoomSnapshot &s) {
        return RoomSnapshot::json(s.room, participantsJson(s.participants), s.self, s.rejoined);
    });
    checkResult<ChatAck>(result, [](const ChatAck &a) { return a.json(); });
    checkResult<HistoryPage>(result, historyJson);
    checkResult<RoomInfoResult>(result, [](const RoomInfoResult &r) { return r.json(); });
    checkResult<PingResult>(result, [](const PingResult &p) { return p.json(); });
}

Decoded<RoomEvent> eventOf(const QJsonObject &object)
{
    return RoomEvent::fromJson(object);
}

Decoded<Notice> noticeOf(const QJsonObject &object)
{
    return Notice::fromJson(object);
}

void checkReply(const Reply &reply)
{
    if (reply.ok) {
        checkResults(reply.result);
        return;
    }
    // An error reply written again keeps its id and code.
    const QByteArray failure = Reply::failure(reply.id, reply.error);
    const Decoded<ServerMessage> again = readServerMessage(failure);
    FUZZ_CHECK(again.value.has_value());
    const Reply *rereadReply = std::get_if<Reply>(&*again.value);
    FUZZ_CHECK(rereadReply && !rereadReply->ok);
    FUZZ_CHECK(rereadReply->id == reply.id);
    FUZZ_CHECK(rereadReply->error.code == reply.error.code);
    FUZZ_CHECK(Reply::failure(rereadReply->id, rereadReply->error) == failure);
}

// The same kind of event or notice, and a newer server's keeps its name: byte-equal rewrites
// alone would not notice a name lost on the first write.
template <typename T, typename Unknown> void checkSameKind(const T &value, const QByteArray &frame)
{
    const Decoded<T> again = T::fromJson(parsedObject(frame));
    FUZZ_CHECK(again.value && again.value->data.index() == value.data.index());
    if (const auto *unknown = value.template as<Unknown>())
        FUZZ_CHECK(again.value->template as<Unknown>()->name == unknown->name);
}

void checkEvent(const RoomEvent &event)
{
    QByteArray data;
    writeEventData(data, event.data);
    checkAsQtWrites(data);
    const QByteArray frame = event.toFrame();
    checkSameKind<RoomEvent, Events::Unknown>(event, frame);
    checkRewrite<RoomEvent>(frame, eventOf, [](const RoomEvent &e) { return e.toFrame(); });
}

void checkNotice(const Notice &notice)
{
    const QByteArray frame = notice.toFrame();
    checkSameKind<Notice, Notices::Unknown>(notice, frame);
    checkRewrite<Notice>(frame, noticeOf, [](const Notice &n) { return n.toFrame(); });
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // The client receives a QString (QWebSocket) and reads it back as UTF-8.
    const QByteArray utf8 = QString::fromUtf8(bytes).toUtf8();
    const Decoded<ServerMessage> message = readServerMessage(utf8);
    if (message.value) {
        std::visit(
            [](const auto &m) {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, Reply>)
                    checkReply(m);
                else if constexpr (std::is_same_v<M, RoomEvent>)
                    checkEvent(m);
                else
                    checkNotice(m);
            },
            *message.value);
    } else {
        FUZZ_CHECK(!message.error.isEmpty());
    }

    // Values on their own and where frames carry them; results even without a reply around.
    const QJsonObject frame = QJsonDocument::fromJson(utf8).object();
    readValues(frame);
    checkResults(frame);
    const QJsonObject result = frame.value("result"_L1).toObject();
    readValues(result.value("room"_L1).toObject());
    readValues(result.value("stats"_L1).toObject());
    for (const QJsonValue &value : result.value("participants"_L1).toArray())
        readValues(value.toObject());
    const QJsonObject eventData = frame.value("data"_L1).toObject();
    readValues(eventData.value("room"_L1).toObject());
    readValues(eventData.value("participant"_L1).toObject());
    return 0;
}
