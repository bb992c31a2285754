// Host actions: admit, deny, kick, ban, transfer_host (on one participant) and close_room.
#include "roomserver_p.h"

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::OnParticipant &r)
{
    const auto m = host(s, id, r.room);
    if (!m)
        return;
    switch (r.action) {
    case HostAction::Admit:
        return admitWaiting(s, id, *m, r.participant);
    case HostAction::Deny:
        return denyWaiting(s, id, *m, r.participant);
    case HostAction::Kick:
        return kick(s, id, *m, r.participant);
    case HostAction::Ban:
        return ban(s, id, *m, r.participant);
    case HostAction::TransferHost:
        return transferHost(s, id, *m, r.participant);
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
                      reply(session, id);
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
        refuseWaiting(pending, ErrorCode::JoinDenied,
                      QStringLiteral("The host did not let you in."));
        reply(s, id);
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
    removeParticipant(m.room, target, LeaveReason::Kicked, m.self->id, {}, answerEmpty(s, id));
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
            refuseWaiting(pending, ErrorCode::Banned,
                          QStringLiteral("You are banned from this room."));
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
        removeParticipant(m.room, target, LeaveReason::Banned, m.self->id, std::move(writeBan),
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
        m.room, Events::HostChanged{m.self->id, next->id, HostChangeReason::Transferred},
        [storedRoom, a, b, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, a) &&
                   st.saveParticipant(roomId, b);
        },
        answerEmpty(s, id));
    for (const PendingJoin &pending : std::as_const(room.waiting))
        noticeJoinRequest(room, pending);
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::CloseRoom &r)
{
    auto m = host(s, id, r.room);
    if (!m)
        return;
    qCInfo(lcServer) << "room" << m->room->code << "closed by its host";
    closeRoom(m->room, CloseReason::Closed, answerEmpty(s, id));
}
