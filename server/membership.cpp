// Membership: who is in a room (create_room, join_room, leave_room, set_status) and its rules.
#include "roomserver_p.h"

#include "eventbuilder.h"
#include "protocol/roomcode.h"

namespace {
// Spectators take no seat, but a room still has a bound so one cannot be flooded with them.
constexpr int maxSpectators = 200;
// Joiners waiting for approval in one room; each is a connection, but bound it anyway.
constexpr int maxWaiting = 100;
} // namespace

std::optional<RoomServerPrivate::Member> RoomServerPrivate::member(Session *s, qint64 id,
                                                                   const QJsonObject &req)
{
    const QJsonValue codeValue = req.value(QLatin1String("room"));
    if (!codeValue.isString()) {
        badRequest(s, id, QStringLiteral("\"room\" must be a room code."));
        return std::nullopt;
    }
    const auto code = RoomCode::normalize(codeValue.toString());
    std::shared_ptr<Room> room = code ? rooms.byCode(*code) : nullptr;
    Participant *p = room ? room->find(s->participantId) : nullptr;
    if (!p || p->session != s) {
        refuse(s, id, ErrorCode::NotMember,
               QStringLiteral("You are not in room %1.").arg(codeValue.toString().left(16)));
        return std::nullopt;
    }
    return Member{std::move(room), p};
}

std::optional<RoomServerPrivate::Member> RoomServerPrivate::host(Session *s, qint64 id,
                                                                 const QJsonObject &req)
{
    auto m = member(s, id, req);
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
    emitEventRaw(
        room, QLatin1String("participant_joined"),
        QByteArray("{\"participant\":" + raw->toJsonBytes() + '}'),
        [stored, storedRoom, roomId](Storage &st) {
            return st.saveRoom(storedRoom) && st.saveParticipant(roomId, stored);
        },
        [answer, session = QPointer<Session>(s), requestId, then = std::move(then)](bool ok, qint64,
                                                                                    qint64) {
            if (session)
                session->send(ok ? *answer
                                 : Frames::error(requestId, ErrorCode::StorageError,
                                                 QStringLiteral("The server could not store "
                                                                "your join.")));
            if (then)
                then();
        });
    // The snapshot is taken right after the join event, before anything later can change it.
    *answer = Frames::resultRaw(requestId, snapshot(*room, raw->id));
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
    const QByteArray answer = Frames::resultRaw(id, snapshot(*room, p->id, true));
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
    emitEvent(room, QLatin1String("presence"),
              {{QLatin1String("participant"), p->id},
               {QLatin1String("online"), online},
               {QLatin1String("lastSeen"), now}},
              [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); }, {});
}

void RoomServerPrivate::removeParticipant(const std::shared_ptr<Room> &room,
                                          const QString &participantId, QLatin1String reason,
                                          const QString &by, Writes writes, Then then)
{
    std::unique_ptr<Participant> p = room->remove(participantId);
    if (!p)
        return;
    room->noteDeparture(participantId, reason);
    QPointer<Session> target = p->session;
    if (target)
        detachSession(target, room->id);
    QJsonObject data{{QLatin1String("participant"), participantId},
                     {QLatin1String("reason"), reason}};
    if (!by.isEmpty())
        data.insert(QLatin1String("by"), by);
    const qint64 roomId = room->id;
    const bool wasHost = room->hostId == participantId;
    emitEvent(
        room, QLatin1String("participant_left"), data,
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
    emitEvent(room, QLatin1String("host_changed"),
              {{QLatin1String("from"), leavingId},
               {QLatin1String("to"), next->id},
               {QLatin1String("reason"),
                transferred ? QLatin1String("transferred") : QLatin1String("host_left")}},
              [storedRoom, storedNext, storedOld, roomId](Storage &st) {
                  return st.saveRoom(storedRoom) && st.saveParticipant(roomId, storedNext) &&
                         (!storedOld || st.saveParticipant(roomId, *storedOld));
              },
              {});
    for (const PendingJoin &pending : std::as_const(room->waiting))
        noticeJoinRequest(*room, pending);
}

void RoomServerPrivate::closeRoom(const std::shared_ptr<Room> &room, QLatin1String reason,
                                  Then then)
{
    room->closed = true;
    rooms.remove(*room);
    for (PendingJoin &pending : room->waiting)
        answerWaiting(pending, Frames::error(pending.requestId, ErrorCode::RoomClosed,
                                             QStringLiteral("The room was closed.")));
    room->waiting.clear();
    StoredRoom storedRoom = room->toStored();
    storedRoom.closedAt = nowMs();
    emitEvent(
        room, QLatin1String("room_closed"), {{QLatin1String("reason"), reason}},
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

void RoomServerPrivate::opCreateRoom(Session *s, qint64 id, const QJsonObject &req)
{
    const Limits &l = config.limits;
    QString roomName, displayName;
    const auto nameVerdict = TextRules::checkName(req.value(QLatin1String("name")).toString(),
                                                  l.maxRoomNameLength, &roomName);
    if (nameVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(nameVerdict),
               verdictText(nameVerdict, "room name", l.maxRoomNameLength));
        return;
    }
    const auto displayVerdict = TextRules::checkName(
        req.value(QLatin1String("displayName")).toString(), l.maxNameLength, &displayName);
    if (displayVerdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(displayVerdict),
               verdictText(displayVerdict, "display name", l.maxNameLength));
        return;
    }
    int capacity = 10;
    const QJsonValue capacityValue = req.value(QLatin1String("capacity"));
    if (!capacityValue.isUndefined()) {
        const double c = capacityValue.toDouble(-1);
        // The range before the conversion: int() of a double beyond int is undefined.
        if (!capacityValue.isDouble() || c < 1 || c > l.capacityMax || c != double(int(c))) {
            badRequest(s, id,
                       QStringLiteral("\"capacity\" must be a whole number from 1 to %1.")
                           .arg(l.capacityMax));
            return;
        }
        capacity = int(c);
    }
    RoomSettings settings;
    if (!parseSettings(s, id, req, &settings, false))
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
    auto room = std::make_shared<Room>();
    room->id = rooms.freshId();
    room->code = *code;
    room->name = roomName;
    room->capacity = capacity;
    room->settings = settings;
    room->hostId = room->creatorId = s->participantId;
    room->createdAt = nowMs();
    rooms.insert(room);
    qCInfo(lcServer) << "room" << room->code << "created by" << s->participantId;
    admit(room, s, id, displayName, Role::Host);
}

void RoomServerPrivate::opJoinRoom(Session *s, qint64 id, const QJsonObject &req)
{
    const Limits &l = config.limits;
    const qint64 now = nowMs();
    const QJsonValue codeValue = req.value(QLatin1String("code"));
    if (!codeValue.isString()) {
        badRequest(s, id, QStringLiteral("\"code\" must be a string."));
        return;
    }
    QString displayName;
    const auto verdict = TextRules::checkName(req.value(QLatin1String("displayName")).toString(),
                                              l.maxNameLength, &displayName);
    if (verdict != TextRules::Verdict::Ok) {
        refuse(s, id, verdictCode(verdict), verdictText(verdict, "display name", l.maxNameLength));
        return;
    }
    Role role = Role::Member;
    const QJsonValue roleValue = req.value(QLatin1String("role"));
    if (!roleValue.isUndefined()) {
        const auto parsed = roleFromName(roleValue.toString());
        if (!parsed || *parsed == Role::Host) {
            badRequest(s, id, QStringLiteral("\"role\" must be \"member\" or \"spectator\"."));
            return;
        }
        role = *parsed;
    }
    const QJsonValue passwordValue = req.value(QLatin1String("password"));
    if (!passwordValue.isUndefined() && !passwordValue.isString()) {
        badRequest(s, id, QStringLiteral("\"password\" must be a string."));
        return;
    }
    // "resume": a client coming back after a reconnect wants its own seat back, never a new
    // one (docs/protocol.md, "Reconnect and resume").
    const QJsonValue resumeValue = req.value(QLatin1String("resume"));
    if (!resumeValue.isUndefined() && !resumeValue.isBool()) {
        badRequest(s, id, QStringLiteral("\"resume\" must be true or false."));
        return;
    }
    const bool resume = resumeValue.toBool(false);
    qint64 retryAfter = 0;
    if (!joinThrottle.allowed(s->peerAddress, now, &retryAfter)) {
        refuse(s, id, ErrorCode::RateLimited,
               QStringLiteral("Too many failed joins; wait a moment."),
               {{QLatin1String("retryAfterMs"), retryAfter}});
        return;
    }
    const auto code = RoomCode::normalize(codeValue.toString());
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
    if (resume) {
        QJsonObject extra;
        if (const QString why = room->departureOf(s->participantId); !why.isEmpty())
            extra.insert(QLatin1String("reason"), why);
        refuse(s, id, ErrorCode::NotMember,
               QStringLiteral("You no longer have a seat in room %1.").arg(room->code), extra);
        return;
    }
    if (room->hasPassword() && !room->passwordMatches(passwordValue.toString())) {
        joinThrottle.recordFailure(s->peerAddress, now);
        refuse(s, id, ErrorCode::WrongPassword, QStringLiteral("The password is not right."));
        return;
    }
    if (room->settings.locked) {
        refuse(s, id, ErrorCode::RoomLocked, QStringLiteral("The room is locked."));
        return;
    }
    if (role == Role::Spectator && !room->settings.allowSpectators) {
        refuse(s, id, ErrorCode::SpectatorsNotAllowed,
               QStringLiteral("This room does not allow spectators."));
        return;
    }
    // After the password: only someone who may come in learns who is inside. The identity's
    // own waiting request does not count (a new request replaces it); its own seat was handled
    // above (rejoin), so resuming is never refused for the name.
    if (const QString taken = room->nameClash(displayName, s->participantId); !taken.isEmpty()) {
        refuse(s, id, ErrorCode::NameTaken,
               QStringLiteral("Someone in this room is already called “%1”; pick "
                              "another name.")
                   .arg(taken),
               {{QLatin1String("name"), taken}});
        return;
    }
    if (role == Role::Member && room->seatsTaken() >= room->capacity) {
        // "spectators": whether joining as a spectator instead would get in, so that a client
        // can offer to watch.
        const bool spectators =
            room->settings.allowSpectators && room->spectatorCount() < maxSpectators;
        refuse(
            s, id, ErrorCode::RoomFull,
            QStringLiteral("The room is full (%1/%2).").arg(room->seatsTaken()).arg(room->capacity),
            {{QLatin1String("spectators"), spectators}});
        return;
    }
    if (role == Role::Spectator && room->spectatorCount() >= maxSpectators) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("The room has as many spectators as it can take (%1).")
                   .arg(maxSpectators));
        return;
    }
    if (room->settings.approvalRequired && room->waiting.size() >= maxWaiting) {
        refuse(s, id, ErrorCode::RoomFull,
               QStringLiteral("Too many people are waiting to join; try again later."));
        return;
    }
    if (room->settings.approvalRequired) {
        // A second request from the same identity replaces the first.
        for (qsizetype i = room->waiting.size() - 1; i >= 0; --i) {
            if (room->waiting[i].participantId == s->participantId) {
                PendingJoin old = room->waiting.takeAt(i);
                answerWaiting(old, Frames::error(old.requestId, ErrorCode::JoinDenied,
                                                 QStringLiteral("Replaced by a newer request.")));
            }
        }
        PendingJoin pending{
            s->participantId, displayName, role, s, id, now + l.graceSeconds * 1000LL};
        room->waiting.append(pending);
        if (std::find(s->roomIds.begin(), s->roomIds.end(), room->id) == s->roomIds.end())
            s->roomIds.push_back(room->id);
        s->send(Frames::notice(room->code, QLatin1String("join_pending"), {}));
        noticeJoinRequest(*room, pending);
        return;
    }
    admit(room, s, id, displayName, role);
}

void RoomServerPrivate::opLeaveRoom(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    removeParticipant(m->room, m->self->id, QLatin1String("left"), {}, {}, answerEmpty(s, id));
}

void RoomServerPrivate::opSetStatus(Session *s, qint64 id, const QJsonObject &req)
{
    auto m = member(s, id, req);
    if (!m)
        return;
    const QJsonValue statusValue = req.value(QLatin1String("status"));
    const auto update =
        statusValue.isObject() ? StatusFlags::parseUpdate(statusValue.toObject()) : std::nullopt;
    if (!update) {
        badRequest(s, id,
                   QStringLiteral("\"status\" must be an object of ready, away, muted, camera, "
                                  "screen: true or false."));
        return;
    }
    Participant *p = m->self;
    const quint8 changed = quint8((p->status.bits ^ update->values) & update->mask);
    if (!changed) {
        reply(s, id, {});
        return;
    }
    p->status.bits = quint8((p->status.bits & ~update->mask) | (update->values & update->mask));
    const StoredParticipant stored = p->toStored();
    const qint64 roomId = m->room->id;
    emitEvent(
        m->room, QLatin1String("participant_updated"),
        {{QLatin1String("participant"), p->id},
         {QLatin1String("status"), p->status.toJson(changed)}},
        [stored, roomId](Storage &st) { return st.saveParticipant(roomId, stored); },
        answerEmpty(s, id));
}
