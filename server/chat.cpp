// Chat: send_chat and history.
#include "roomserver_p.h"

#include "protocol/replies.h"

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::SendChat &r)
{
    auto m = member(s, id, r.room);
    if (!m)
        return;
    const Limits &l = config.limits;
    const auto verdict = TextRules::checkChat(r.text, l.maxChatLength);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "message", l.maxChatLength));
        return;
    }
    const QString clientMsgId = r.clientMsgId.value_or(QString());
    if (!clientMsgId.isEmpty()) {
        if (const auto seq = m->room->sentMessage(m->self->id, clientMsgId)) {
            // Already stored (or being stored): answer once the first one is durable.
            const QByteArray answer = Reply::success(id, ChatAck{*seq, 0, true}.json());
            afterPending([answer, session = QPointer<Session>(s)] {
                if (session)
                    session->send(answer);
            });
            return;
        }
    }
    qint64 retryAfter = 0;
    if (!s->chat.take(nowMs(), &retryAfter)) {
        ProtocolError limited{ErrorCode::RateLimited, QStringLiteral("You are sending too fast.")};
        limited.retryAfterMs = retryAfter;
        refuse(s, id, limited);
        return;
    }
    const qint64 seq = emitEvent(
        m->room, Events::Chat{m->self->id, m->self->name, r.text, clientMsgId}, {},
        [this, session = QPointer<Session>(s), id](bool ok, qint64 storedSeq, qint64 ts) {
            if (!session)
                return;
            if (ok)
                reply(session, id, ChatAck{storedSeq, ts, false}.json());
            else
                refuse(session, id, ErrorCode::StorageError,
                       QStringLiteral("The server could not store your message."));
        },
        {}, m->self->id, clientMsgId);
    ++m->room->stats.messages;
    if (!clientMsgId.isEmpty())
        m->room->rememberMessage(m->self->id, clientMsgId, seq);
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::History &r)
{
    auto m = member(s, id, r.room);
    if (!m)
        return;
    const int pageMax = config.limits.historyPageMax;
    if (r.limit && (*r.limit < 1 || *r.limit > pageMax)) {
        badRequest(s, id,
                   QStringLiteral("\"limit\" must be a whole number from 1 to %1.").arg(pageMax));
        return;
    }
    const qint64 before = r.before.value_or(-1);
    const qint64 after = r.after.value_or(-1);
    const int limit = int(r.limit.value_or(std::min(100, pageMax)));
    auto page = std::make_shared<std::optional<StoredHistoryPage>>();
    const qint64 roomId = m->room->id;
    const qint64 lastSeq = m->room->lastSeq;
    commits->submit(
        [page, roomId, before, after, limit](Storage &st) {
            *page = st.history(roomId, before, after, limit);
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
            // Asked to resume from before the oldest stored event: say how much is gone.
            const qint64 firstSeq = (*page)->firstSeq ? (*page)->firstSeq : lastSeq + 1;
            const qint64 missing = after >= 0 && after + 1 < firstSeq ? firstSeq - after - 1 : 0;
            // Stored events are already JSON: spliced in rather than parsed again.
            reply(session, id,
                  HistoryPage::json((*page)->bodies, (*page)->hasMore, (*page)->firstSeq, lastSeq,
                                    missing));
        });
}
