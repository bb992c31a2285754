// Chat: send_chat and history.
#include "roomserver_p.h"

#include "eventbuilder.h"
#include "protocol/jsonwrite.h"

namespace {
constexpr int maxClientMsgIdLength = 64;
} // namespace

void RoomServerPrivate::opSendChat(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    const Limits &l = config.limits;
    const QJsonValue textValue = req.value(QLatin1String("text"));
    if (!textValue.isString()) {
        badRequest(s, id, QStringLiteral("\"text\" must be a string."));
        return;
    }
    const QString text = textValue.toString();
    const auto verdict = TextRules::checkChat(text, l.maxChatLength);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "message", l.maxChatLength));
        return;
    }
    QString clientMsgId;
    const QJsonValue clientMsgIdValue = req.value(QLatin1String("clientMsgId"));
    if (!clientMsgIdValue.isUndefined()) {
        clientMsgId = clientMsgIdValue.toString();
        if (!clientMsgIdValue.isString() || clientMsgId.isEmpty() ||
            clientMsgId.size() > maxClientMsgIdLength) {
            badRequest(s, id, QStringLiteral("\"clientMsgId\" must be 1 to 64 characters."));
            return;
        }
        if (const auto seq = m->room->sentMessage(m->self->id, clientMsgId)) {
            // Already stored (or being stored): answer once the first one is durable.
            const QByteArray answer = Frames::result(
                id, {{QLatin1String("seq"), *seq}, {QLatin1String("duplicate"), true}});
            afterPending([answer, session = QPointer<Session>(s)] {
                if (session)
                    session->send(answer);
            });
            return;
        }
    }
    qint64 retryAfter = 0;
    if (!s->chat.take(nowMs(), &retryAfter)) {
        refuse(s, id, ErrorCode::RateLimited, QStringLiteral("You are sending too fast."),
               {{QLatin1String("retryAfterMs"), retryAfter}});
        return;
    }
    // {"author", "clientMsgId" (when given), "name", "text"}, in QJsonDocument's key order.
    QByteArray data;
    data.reserve(text.size() + m->self->name.size() + 128);
    data += "{\"author\":";
    JsonWrite::string(data, m->self->id);
    if (!clientMsgId.isEmpty()) {
        data += ",\"clientMsgId\":";
        JsonWrite::string(data, clientMsgId);
    }
    data += ",\"name\":";
    JsonWrite::string(data, m->self->name);
    data += ",\"text\":";
    JsonWrite::string(data, text);
    data += '}';
    const qint64 seq = emitEventRaw(
        m->room, QLatin1String("chat"), data, {},
        [this, session = QPointer<Session>(s), id](bool ok, qint64 storedSeq, qint64 ts) {
            if (!session)
                return;
            if (ok)
                reply(session, id, {{QLatin1String("seq"), storedSeq}, {QLatin1String("ts"), ts}});
            else
                refuse(session, id, ErrorCode::StorageError,
                       QStringLiteral("The server could not store your message."));
        },
        {}, m->self->id, clientMsgId);
    ++m->room->stats.messages;
    if (!clientMsgId.isEmpty())
        m->room->rememberMessage(m->self->id, clientMsgId, seq);
}

void RoomServerPrivate::opHistory(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    auto integer = [&](const char *key, qint64 min, qint64 max, qint64 fallback,
                       qint64 *out) -> bool {
        const QJsonValue v = req.value(QLatin1String(key));
        if (v.isUndefined()) {
            *out = fallback;
            return true;
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < double(min) || d > double(max) || d != double(qint64(d)))
            return badRequest(s, id,
                              QStringLiteral("\"%1\" must be a whole number from %2 to %3.")
                                  .arg(QLatin1String(key))
                                  .arg(min)
                                  .arg(max));
        *out = qint64(d);
        return true;
    };
    qint64 before = -1, after = -1, limit = 100;
    const qint64 maxSeq = 9007199254740991LL;
    if (!integer("before", 1, maxSeq, -1, &before) || !integer("after", 0, maxSeq, -1, &after) ||
        !integer("limit", 1, config.limits.historyPageMax,
                 std::min<qint64>(100, config.limits.historyPageMax), &limit))
        return;
    if (before > 0 && after >= 0 && before <= after + 1) {
        badRequest(s, id, QStringLiteral("\"before\" must be above \"after\" + 1."));
        return;
    }
    auto page = std::make_shared<std::optional<HistoryPage>>();
    const qint64 roomId = m->room->id;
    const qint64 lastSeq = m->room->lastSeq;
    commits->submit(
        [page, roomId, before, after, limit](Storage &st) {
            *page = st.history(roomId, before, after, int(limit));
            return page->has_value();
        },
        [this, page, lastSeq, after, session = QPointer<Session>(s), id](bool ok) {
            if (!session)
                return;
            if (!ok || !*page) {
                refuse(session, id, ErrorCode::StorageError,
                       QStringLiteral("The server could not read the history."));
                return;
            }
            // Stored events are already JSON: splice them in rather than parse them again.
            QByteArray result = "{\"events\":[";
            for (qsizetype i = 0; i < (*page)->bodies.size(); ++i) {
                if (i)
                    result += ',';
                result += (*page)->bodies[i];
            }
            result += "],\"hasMore\":" + QByteArray((*page)->hasMore ? "true" : "false") +
                      ",\"firstSeq\":" + QByteArray::number((*page)->firstSeq) +
                      ",\"lastSeq\":" + QByteArray::number(lastSeq);
            // Asked to resume from before the oldest stored event: say how much is gone.
            const qint64 firstSeq = (*page)->firstSeq ? (*page)->firstSeq : lastSeq + 1;
            if (after >= 0 && after + 1 < firstSeq)
                result += ",\"missing\":" + QByteArray::number(firstSeq - after - 1);
            result += '}';
            session->consecutiveRefusals = 0;
            session->send(Frames::resultRaw(id, result));
        });
}
