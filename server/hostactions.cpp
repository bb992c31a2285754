// Host actions: admit, deny, kick, ban, transfer_host (on one participant) and close_room.
#include "roomserver_p.h"

#include "eventbuilder.h"

namespace {
// The "participant" argument of host operations; nullopt (after a bad_request) if not a string.
std::optional<QString> participantArg(RoomServerPrivate *d, Session *s, qint64 id,
                                      const QJsonObject &req)
{
    const QJsonValue v = req.value(QLatin1String("participant"));
    if (!v.isString()) {
        d->badRequest(s, id, QStringLiteral("\"participant\" must be a participant id."));
        return std::nullopt;
    }
    return v.toString();
}
} // namespace

void RoomServerPrivate::opHostAction(Session *s, qint64 id, const QJsonObject &req)
{
    // Only the names of HostAction are dispatched here.
    const auto action = hostActionFromName(req.value(QLatin1String("type")).toString());
    if (!action) {
        refuse(s, id, ErrorCode::InternalError, QStringLiteral("Not a host action."));
        return;
    }
    const auto m = host(s, id, req);
    if (!m)
        return;
    const auto target = participantArg(this, s, id, req);
    if (!target)
        return;
    switch (*action) {
    case HostAction::Admit:
        return admitWaiting(s, id, *m, *target);
    case HostAction::Deny:
        return denyWaiting(s, id, *m, *target);
    case HostAction::Kick:
        return kick(s, id, *m, *target);
    case HostAction::Ban:
        return ban(s, id, *m, *target);
    case HostAction::TransferHost:
        return transferHost(s, id, *m, *target);
    }
}

void RoomServerPrivate::admitWaiting(Session *s, qint64 id, const Member &m, const QString &target)
{
    Room &room = *m.room;
    for (qsizetype i = 0; i < room.waiting.size(); ++i) {
        if (room.waiting[i].participantId != target || !room.waiting[i].session)
            continue;
        if (room.waiting[i].role == Role::Member && room.seatsTaken() >= room.capacity) {
            refuse(s, id, ErrorCode::RoomFull,
                   QStringLiteral("The room is full; raise the capacity first."));
            return;
        }
        const PendingJoin pending = room.waiting.takeAt(i);
        admit(m.room, pending.session, pending.requestId, pending.name, pending.role,
              [this, session = QPointer<Session>(s), id] {
                  if (session)
                      reply(session, id, {});
              });
        return;
    }
    refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("Nobody with that id waits."));
}

void RoomServerPrivate::denyWaiting(Session *s, qint64 id, const Member &m, const QString &target)
{
    Room &room = *m.room;
    for (qsizetype i = 0; i < room.waiting.size(); ++i) {
        if (room.waiting[i].participantId != target)
            continue;
        PendingJoin pending = room.waiting.takeAt(i);
        answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::JoinDenied,
                                             QStringLiteral("The host did not let you in.")));
        reply(s, id, {});
        return;
    }
    refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("Nobody with that id waits."));
}

void RoomServerPrivate::kick(Session *s, qint64 id, const Member &m, const QString &target)
{
    if (target == m.self->id) {
        badRequest(s, id, QStringLiteral("You cannot kick yourself; leave instead."));
        return;
    }
    if (!m.room->find(target)) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    ++m.room->stats.kicks;
    removeParticipant(m.room, target, QLatin1String("kicked"), m.self->id, {}, answerEmpty(s, id));
}

void RoomServerPrivate::ban(Session *s, qint64 id, const Member &m, const QString &target)
{
    if (target == m.self->id) {
        badRequest(s, id, QStringLiteral("You cannot ban yourself."));
        return;
    }
    Room &room = *m.room;
    bool waiting = false;
    for (qsizetype i = room.waiting.size() - 1; i >= 0; --i) {
        if (room.waiting[i].participantId == target) {
            PendingJoin pending = room.waiting.takeAt(i);
            answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::Banned,
                                                 QStringLiteral("You are banned from this room.")));
            waiting = true;
        }
    }
    const bool present = room.find(target) != nullptr;
    if (!present && !waiting) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    room.bans.insert(target);
    ++room.stats.bans;
    const qint64 roomId = room.id;
    const StoredBan stored{target, m.self->id, nowMs()};
    Writes writeBan = [roomId, stored](Storage &st) { return st.saveBan(roomId, stored); };
    auto done = answerEmpty(s, id);
    if (present) {
        removeParticipant(m.room, target, QLatin1String("banned"), m.self->id, std::move(writeBan),
                          done);
    } else {
        commits->submit(std::move(writeBan), [done](bool ok) { done(ok, 0, 0); });
    }
}

void RoomServerPrivate::transferHost(Session *s, qint64 id, const Member &m, const QString &target)
{
    Participant *next = m.room->find(target);
    if (!next) {
        refuse(s, id, ErrorCode::ParticipantNotFound, QStringLiteral("No such participant."));
        return;
    }
    if (next == m.self || next->role != Role::Member) {
        badRequest(s, id, QStringLiteral("The host role can go to another member only."));
        return;
    }
    Room &room = *m.room;
    m.self->role = Role::Member;
    next->role = Role::Host;
    room.hostId = next->id;
    const StoredRoom storedRoom = room.toStored();
    const StoredParticipant a = m.self->toStored(), b = next->toStored();
    const qint64 roomId = room.id;
    emitEvent(
        m.room, QLatin1String("host_changed"),
        {{QLatin1String("from"), m.self->id},
         {QLatin1String("to"), next->id},
         {QLatin1String("reason"), QLatin1String("transferred")}},
        [storedRoom, a, b, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, a) &&
                   st.saveParticipant(roomId, b);
        },
        answerEmpty(s, id));
    for (const PendingJoin &pending : std::as_const(room.waiting))
        noticeJoinRequest(room, pending);
}

void RoomServerPrivate::opCloseRoom(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = host(s, id, req);
    if (!m)
        return;
    qCInfo(lcServer) << "room" << m->room->code << "closed by its host";
    closeRoom(m->room, QLatin1String("closed"), answerEmpty(s, id));
}
