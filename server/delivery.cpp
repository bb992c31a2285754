// Events and delivery: storing a room's events, pushing them to its members, answering joiners.
#include "roomserver_p.h"

#include "protocol/replies.h"

qint64 RoomServerPrivate::emitEvent(const std::shared_ptr<Room> &room, const EventData &data,
                                    Writes writes, Then then, QPointer<Session> alsoTo,
                                    const QString &authorId, const QString &clientMsgId)
{
    const qint64 seq = ++room->lastSeq;
    const qint64 ts = nowMs();
    const QLatin1String kind = eventName(data);
    QByteArray dataJson;
    writeEventData(dataJson, data);
    const QByteArray frame = RoomEvent::frame(room->code, seq, ts, kind, dataJson);
    StoredEvent stored{room->id, seq, ts, kind, authorId, clientMsgId, frame};
    // Trim in steps so that the delete runs once per 256 events, not with every one.
    const qint64 trimThrough =
        config.historyLimit > 0 && seq % 256 == 0 ? seq - config.historyLimit : 0;
    commits->submit(
        [stored = std::move(stored), writes = std::move(writes), trimThrough](Storage &st) {
            return (!writes || writes(st)) && st.appendEvent(stored) &&
                   (trimThrough <= 0 || st.trimHistory(stored.roomId, trimThrough));
        },
        [this, room, seq, ts, frame, alsoTo, then = std::move(then)](bool ok) {
            if (ok)
                deliver(*room, seq, frame, alsoTo);
            else
                qCCritical(lcServer) << "event" << seq << "of room" << room->code
                                     << "could not be stored; it was not delivered";
            if (then)
                then(ok, seq, ts);
        });
    return seq;
}

void RoomServerPrivate::deliver(const Room &room, qint64 seq, const QByteArray &frame,
                                Session *alsoTo)
{
    // Made once: the transport encodes it for the first recipient and every other one shares
    // that (the native transport's frame bytes, the Qt transport's QString).
    const SharedMessage message(frame);
    for (const auto &p : room.participants()) {
        if (p->session && seq > p->deliverAfter)
            p->session->sendShared(message);
    }
    if (alsoTo)
        alsoTo->sendShared(message);
}

void RoomServerPrivate::afterPending(std::function<void()> then)
{
    commits->submit([](Storage &) { return true; }, [then = std::move(then)](bool) { then(); });
}

QByteArray RoomServerPrivate::snapshot(const Room &room, const QString &selfId, bool rejoined) const
{
    return RoomSnapshot::json(room.info(), room.participantsJsonBytes(), selfId, rejoined);
}

void RoomServerPrivate::detachSession(Session *s, qint64 roomId)
{
    std::erase(s->roomIds, roomId);
}

void RoomServerPrivate::answerWaiting(PendingJoin &pending, const QByteArray &frame)
{
    if (pending.session) {
        pending.session->send(frame);
        // Still a participant elsewhere? Only drop this room's id if it has no seat here.
    }
}

void RoomServerPrivate::refuseWaiting(PendingJoin &pending, ErrorCode code, const QString &message)
{
    answerWaiting(pending, Reply::failure(pending.requestId, {code, message}));
}

void RoomServerPrivate::noticeJoinRequest(const Room &room, const PendingJoin &pending)
{
    const Participant *h = room.find(room.hostId);
    if (h && h->session)
        h->session->send(Notice{
            room.code, Notices::JoinRequest{pending.participantId, pending.name, pending.role}}
                             .toFrame());
}
