// Membership: who is in a room (create_room, join_room, leave_room, set_status) and its rules.
#include "roomserver_p.h"

#include "protocol/replies.h"
#include "protocol/roomcode.h"

namespace {
// Spectators take no seat, but a room still has a bound so one cannot be flooded with them.
constexpr int maxSpectators = 200;
// Joiners waiting for approval in one room; each is a connection, but bound it anyway.
constexpr int maxWaiting = 100;
} // namespace

std::optional<RoomServerPrivate::Member> RoomServerPrivate::member(Session *s, qint64 id,
                                                                   const QString &roomCode)
{
    const auto code = RoomCode::normalize(roomCode);
    std::shared_ptr<Room> room = code ? rooms.byCode(*code) : nullptr;
    Participant *p = room ? room->find(s->participantId) : nullptr;
    if (!p || p->session != s) {
        refuse(s, id, ErrorCode::NotMember,
               QStringLiteral("You are not in room %1.").arg(roomCode.left(16)));
        return std::nullopt;
    }
    return Member{std::move(room), p};
}

std::optional<RoomServerPrivate::Member> RoomServerPrivate::host(Session *s, qint64 id,
                                                                 const QString &roomCode)
{
    auto m = member(s, id, roomCode);
    if (m && m->self->role != Role::Host) {
        refuse(s, id, ErrorCode::NotHost, QStringLiteral("Only the host can do that."));
        return std::nullopt;
    }
    return m;
}

void RoomServerPrivate::admit(const std::shared_ptr<Room> &room, Session *s, qint64 requestId,
                              const QString &name, Role role, std::function<void()> then)
{
    const qint64 now = nowMs();
    auto p = std::make_unique<Participant>();
    p->id = s->participantId;
    p->name = name;
    p->role = role;
    p->joinedSeq = room->lastSeq + 1;
    p->joinedAt = p->lastSeen = now;
    p->online = true;
    p->session = s;
    p->deliverAfter = p->joinedSeq;
    Participant *raw = room->add(std::move(p));
    ++room->stats.joins;
    if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
        s->roomIds.push_back(room->id);

    auto answer = std::make_shared<QByteArray>();
    const StoredParticipant stored = raw->toStored();
    const StoredRoom storedRoom = room->toStored();
    const qint64 roomId = room->id;
    emitEvent(
        room, Events::ParticipantJoined{*raw},
        [stored, storedRoom, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, stored);
        },
        [answer, session = QPointer<Session>(s), requestId, then = std::move(then)](bool ok, qint64,
                                                                                    qint64) {
            if (session)
                session->send(
                    ok ? *answer
                       : Reply::failure(requestId, {ErrorCode::StorageError,
                                                    QStringLiteral("The server could not store "
                                                                   "your join.")}));
            if (then)
                then();
        });
    // The snapshot is taken right after the join event, before anything later can change it.
    *answer = Reply::success(requestId, snapshot(*room, raw->id));
}

void RoomServerPrivate::rejoin(const std::shared_ptr<Room> &room, Participant *p, Session *s,
                               qint64 id)
{
    Session *previous = p->session;
    if (previous && previous != s)
        detachSession(previous, room->id);
    if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
        s->roomIds.push_back(room->id);
    p->session = s;
    if (!p->online)
        setPresence(room, p, true);
    // Everything up to now is in the snapshot; later events are pushed.
    p->deliverAfter = room->lastSeq;
    const QByteArray answer = Reply::success(id, snapshot(*room, p->id, true));
    afterPending([answer, session = QPointer<Session>(s)] {
        if (session)
            session->send(answer);
    });
}

void RoomServerPrivate::setPresence(const std::shared_ptr<Room> &room, Participant *p, bool online)
{
    const qint64 now = nowMs();
    p->online = online;
    p->lastSeen = now;
    if (!online) {
        p->session = nullptr;
        p->offlineSinceMs = now;
    }
    const StoredParticipant stored = p->toStored();
    const qint64 roomId = room->id;
    emitEvent(room, Events::Presence{p->id, online, now},
              [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); }, {});
}

void RoomServerPrivate::removeParticipant(const std::shared_ptr<Room> &room,
                                          const QString &participantId, LeaveReason reason,
                                          const QString &by, Writes writes, Then then)
{
    std::unique_ptr<Participant> p = room->remove(participantId);
    if (!p)
        return;
    room->noteDeparture(participantId, wireName(reason));
    QPointer<Session> target = p->session;
    if (target)
        detachSession(target, room->id);
    const qint64 roomId = room->id;
    const bool wasHost = room->hostId == participantId;
    emitEvent(
        room, Events::ParticipantLeft{participantId, reason, by},
        [roomId, participantId, writes = std::move(writes)](Storage &st) {
            return (!writes || writes(st)) && st.deleteParticipant(roomId, participantId);
        },
        std::move(then), target);
    if (wasHost)
        migrateHost(room, participantId);
    if (room->isEmpty())
        room->emptySinceMs = nowMs();
}

void RoomServerPrivate::migrateHost(const std::shared_ptr<Room> &room, const QString &leavingId)
{
    Participant *next = room->nextHost(leavingId);
    Participant *old = room->find(leavingId);
    if (!next) {
        room->hostId.clear();
        const StoredRoom storedRoom = room->toStored();
        commits->submit([storedRoom](Storage &st) { return st.saveRoom(storedRoom); });
        return;
    }
    const bool transferred = old != nullptr;
    if (old)
        old->role = Role::Member;
    next->role = Role::Host;
    room->hostId = next->id;
    const StoredRoom storedRoom = room->toStored();
    const StoredParticipant storedNext = next->toStored();
    const std::optional<StoredParticipant> storedOld =
        old ? std::optional(old->toStored()) : std::nullopt;
    const qint64 roomId = room->id;
    emitEvent(room,
              Events::HostChanged{leavingId, next->id,
                                  transferred ? HostChangeReason::Transferred
                                              : HostChangeReason::HostLeft},
              [storedRoom, storedNext, storedOld, roomId](Storage &st) {
                  return st.saveRoom(storedRoom) && st.saveParticipant(roomId, storedNext) &&
                         (!storedOld || st.saveParticipant(roomId, *storedOld));
              },
              {});
    for (const PendingJoin &pending : std::as_const(room->waiting))
        noticeJoinRequest(*room, pending);
}

void RoomServerPrivate::closeRoom(const std::shared_ptr<Room> &room, CloseReason reason, Then then)
{
    room->closed = true;
    rooms.remove(*room);
    for (PendingJoin &pending : room->waiting)
        refuseWaiting(pending, ErrorCode::RoomClosed, QStringLiteral("The room was closed."));
    room->waiting.clear();
    StoredRoom storedRoom = room->toStored();
    storedRoom.closedAt = nowMs();
    emitEvent(
        room, Events::RoomClosed{reason},
        [storedRoom](Storage &st) { return st.saveRoom(storedRoom); },
        [this, room, then = std::move(then)](bool ok, qint64 seq, qint64 ts) {
            // room_closed was the last thing pushed; now let go of everyone.
            for (const auto &p : room->participants()) {
                if (p->session)
                    detachSession(p->session, room->id);
                p->session = nullptr;
            }
            if (then)
                then(ok, seq, ts);
        });
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::CreateRoom &r)
{
    const Limits &l = config.limits;
    QString roomName, displayName;
    const auto nameVerdict = TextRules::checkName(r.name, l.maxRoomNameLength, &roomName);
    if (nameVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(nameVerdict),
               verdictText(nameVerdict, "room name", l.maxRoomNameLength));
        return;
    }
    const auto displayVerdict = TextRules::checkName(r.displayName, l.maxNameLength, &displayName);
    if (displayVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(displayVerdict),
               verdictText(displayVerdict, "display name", l.maxNameLength));
        return;
    }
    if (r.capacity && (*r.capacity < 1 || *r.capacity > l.capacityMax)) {
        badRequest(
            s, id,
            QStringLiteral("\"capacity\" must be a whole number from 1 to %1.").arg(l.capacityMax));
        return;
    }
    auto room = std::make_shared<Room>();
    room->capacity = int(r.capacity.value_or(10));
    if (!applySettings(s, id, r.settings, room.get(), false))
        return;
    if (rooms.size() >= config.maxLiveRooms) {
        qCWarning(lcServer) << "refusing a new room: the server holds" << rooms.size()
                            << "live rooms already";
        refuse(s, id, ErrorCode::TooManyRooms,
               QStringLiteral("This server cannot hold more rooms right now."));
        return;
    }
    if (rooms.hostedBy(s->participantId) >= l.maxRoomsPerHost) {
        refuse(
            s, id, ErrorCode::TooManyRooms,
            QStringLiteral("You already host %1 rooms; close one first.").arg(l.maxRoomsPerHost));
        return;
    }
    const auto code = rooms.freshCode();
    if (!code) {
        qCCritical(lcServer) << "no free room code after bounded retries:" << rooms.size()
                             << "live rooms";
        refuse(s, id, ErrorCode::InternalError, QStringLiteral("No free room code was found."));
        return;
    }
    room->id = rooms.freshId();
    room->code = *code;
    room->name = roomName;
    room->hostId = room->creatorId = s->participantId;
    room->createdAt = nowMs();
    rooms.insert(room);
    qCInfo(lcServer) << "room" << room->code << "created by" << s->participantId;
    admit(room, s, id, displayName, Role::Host);
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::JoinRoom &r)
{
    const Limits &l = config.limits;
    const qint64 now = nowMs();
    QString displayName;
    const auto verdict = TextRules::checkName(r.displayName, l.maxNameLength, &displayName);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "display name", l.maxNameLength));
        return;
    }
    const Role role = r.role;
    qint64 retryAfter = 0;
    if (!joinThrottle.allowed(s->peerAddress, now, &retryAfter)) {
        ProtocolError limited{ErrorCode::RateLimited,
                              QStringLiteral("Too many failed joins; wait a moment.")};
        limited.retryAfterMs = retryAfter;
        refuse(s, id, limited);
        return;
    }
    const auto code = RoomCode::normalize(r.code);
    const std::shared_ptr<Room> room = code ? rooms.byCode(*code) : nullptr;
    if (!room) {
        // A malformed code and an unknown one look the same to whoever is guessing.
        joinThrottle.recordFailure(s->peerAddress, now);
        refuse(s, id, ErrorCode::RoomNotFound, QStringLiteral("No room has this code."));
        return;
    }
    if (room->bans.contains(s->participantId)) {
        refuse(s, id, ErrorCode::Banned, QStringLiteral("You are banned from this room."));
        return;
    }
    if (Participant *existing = room->find(s->participantId)) {
        rejoin(room, existing, s, id);
        return;
    }
    // "resume": a client coming back after a reconnect wants its own seat back, never a new
    // one (docs/protocol.md, "Reconnect and resume").
    if (r.resume) {
        ProtocolError gone{ErrorCode::NotMember,
                           QStringLiteral("You no longer have a seat in room %1.").arg(room->code)};
        gone.reason = room->departureOf(s->participantId);
        refuse(s, id, gone);
        return;
    }
    if (room->hasPassword() && !room->passwordMatches(r.password.value_or(QString()))) {
        joinThrottle.recordFailure(s->peerAddress, now);
        refuse(s, id, ErrorCode::WrongPassword, QStringLiteral("The password is not right."));
        return;
    }
    if (room->settings.locked) {
        refuse(s, id, ErrorCode::RoomLocked, QStringLiteral("The room is locked."));
        return;
    }
    if (role == Role::Spectator && !room->settings.spectators) {
        refuse(s, id, ErrorCode::SpectatorsNotAllowed,
               QStringLiteral("This room does not allow spectators."));
        return;
    }
    // After the password: only someone who may come in learns who is inside. The identity's
    // own waiting request does not count (a new request replaces it); its own seat was handled
    // above (rejoin), so resuming is never refused for the name.
    if (const QString taken = room->nameClash(displayName, s->participantId); !taken.isEmpty()) {
        ProtocolError clash{ErrorCode::NameTaken,
                            QStringLiteral("Someone in this room is already called “%1”; pick "
                                           "another name.")
                                .arg(taken)};
        clash.name = taken;
        refuse(s, id, clash);
        return;
    }
    if (role == Role::Member && room->seatsTaken() >= room->capacity) {
        // "spectators": whether joining as a spectator instead would get in, so that a client
        // can offer to watch.
        ProtocolError full{ErrorCode::RoomFull, QStringLiteral("The room is full (%1/%2).")
                                                    .arg(room->seatsTaken())
                                                    .arg(room->capacity)};
        full.spectators = room->settings.spectators && room->spectatorCount() < maxSpectators;
        refuse(s, id, full);
        return;
    }
    if (role == Role::Spectator && room->spectatorCount() >= maxSpectators) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("The room has as many spectators as it can take (%1).")
                   .arg(maxSpectators));
        return;
    }
    if (room->settings.approval && room->waiting.size() >= maxWaiting) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("Too many people are waiting to join; try again later."));
        return;
    }
    if (room->settings.approval) {
        // A second request from the same identity replaces the first.
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].participantId == s->participantId) {
                PendingJoin old = room->waiting.takeAt(i);
                refuseWaiting(old, ErrorCode::JoinDenied,
                              QStringLiteral("Replaced by a newer request."));
            }
        }
        PendingJoin pending{
            s->participantId, displayName, role, s, id, now + l.graceSeconds * 1000LL};
        room->waiting.append(pending);
        if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
            s->roomIds.push_back(room->id);
        s->send(Notice{room->code, Notices::JoinPending{}}.toFrame());
        noticeJoinRequest(*room, pending);
        return;
    }
    admit(room, s, id, displayName, role);
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::LeaveRoom &r)
{
    auto m = member(s, id, r.room);
    if (!m)
        return;
    removeParticipant(m->room, m->self->id, LeaveReason::Left, {}, {}, answerEmpty(s, id));
}

void RoomServerPrivate::handle(Session *s, qint64 id, const Requests::SetStatus &r)
{
    auto m = member(s, id, r.room);
    if (!m)
        return;
    const StatusFlags::Update *update = &r.status;
    Participant *p = m->self;
    const quint8 changed = quint8((p->status.bits ^ update->values) & update->mask);
    if (!changed) {
        reply(s, id);
        return;
    }
    p->status.bits = quint8((p->status.bits & ~update->mask) | (update->values & update->mask));
    const StoredParticipant stored = p->toStored();
    const qint64 roomId = m->room->id;
    emitEvent(
        m->room, Events::ParticipantUpdated{p->id, p->status, changed},
        [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); },
        answerEmpty(s, id));
}
