#include "room.h"

#include "protocol/textrules.h"

#include <QtCore/QDateTime>
#include <QtCore/QRandomGenerator>
#include <QtNetwork/QPasswordDigestor>

namespace {
constexpr std::size_t clientMessageMemory = 1024; // per room
constexpr int passwordIterations = 20000;

QString messageKey(const QString &authorId, const QString &clientMsgId)
{
    return authorId + QChar(0x1f) + clientMsgId;
}
} // namespace

const QByteArray &Participant::toJsonBytes() const
{
    const ParticipantInfo &now = *this;
    if (m_json.isEmpty() || !(now == m_jsonOf)) {
        m_json.clear();
        now.writeJson(m_json);
        m_jsonOf = now;
    }
    return m_json;
}

StoredParticipant Participant::toStored() const
{
    return StoredParticipant{id, name, wireName(role), status.bits, joinedSeq, joinedAt, lastSeen};
}

Participant *Room::find(const QString &participantId) const
{
    return m_byId.value(participantId);
}

Participant *Room::add(std::unique_ptr<Participant> participant)
{
    Participant *raw = participant.get();
    m_byId.insert(raw->id, raw);
    m_list.push_back(std::move(participant));
    emptySinceMs = 0;
    stats.peakSeats = std::max(stats.peakSeats, qint64(seatsTaken()));
    return raw;
}

std::unique_ptr<Participant> Room::remove(const QString &participantId)
{
    for (auto it = m_list.begin(); it != m_list.end(); ++it) {
        if ((*it)->id == participantId) {
            std::unique_ptr<Participant> out = std::move(*it);
            m_list.erase(it);
            m_byId.remove(participantId);
            return out;
        }
    }
    return nullptr;
}

QString Room::nameClash(const QString &displayName, const QString &exceptId) const
{
    // At most capacity + spectators + waiting names, each normalised per join: joins are rare
    // next to chat, and keeping a key per participant would cost memory in every room.
    const QString key = TextRules::nameKey(displayName);
    for (const auto &p : m_list) {
        if (p->id != exceptId && TextRules::nameKey(p->name) == key)
            return p->name;
    }
    for (const PendingJoin &pending : waiting) {
        if (pending.participantId != exceptId && TextRules::nameKey(pending.name) == key)
            return pending.name;
    }
    return {};
}

int Room::seatsTaken() const
{
    int n = 0;
    for (const auto &p : m_list)
        n += p->takesSeat();
    return n;
}

int Room::spectatorCount() const
{
    return int(m_list.size()) - seatsTaken();
}

int Room::onlineCount() const
{
    int n = 0;
    for (const auto &p : m_list)
        n += p->online;
    return n;
}

Participant *Room::nextHost(const QString &excludingId) const
{
    Participant *offlineMember = nullptr;
    Participant *spectator = nullptr;
    // m_list is in joinedSeq order, so the first match is the longest present.
    for (const auto &p : m_list) {
        if (p->id == excludingId)
            continue;
        if (p->role == Role::Member) {
            if (p->online)
                return p.get();
            if (!offlineMember)
                offlineMember = p.get();
        } else if (p->role == Role::Spectator && !spectator) {
            spectator = p.get();
        }
    }
    return offlineMember ? offlineMember : spectator;
}

std::optional<qint64> Room::sentMessage(const QString &authorId, const QString &clientMsgId) const
{
    const auto it = m_clientMessages.constFind(messageKey(authorId, clientMsgId));
    if (it == m_clientMessages.constEnd())
        return std::nullopt;
    return *it;
}

void Room::rememberMessage(const QString &authorId, const QString &clientMsgId, qint64 seq)
{
    const QString key = messageKey(authorId, clientMsgId);
    if (m_clientMessageOrder.size() < clientMessageMemory) {
        m_clientMessageOrder.push_back(key);
    } else {
        QString &slot = m_clientMessageOrder[m_clientMessageNext];
        m_clientMessages.remove(slot);
        slot = key;
        m_clientMessageNext = (m_clientMessageNext + 1) % clientMessageMemory;
    }
    m_clientMessages.insert(key, seq);
}

QString Room::departureOf(const QString &participantId) const
{
    return m_departures.value(participantId);
}

void Room::noteDeparture(const QString &participantId, const QString &reason)
{
    // A bound, not a history: forgetting old departures only makes the answer less specific.
    constexpr qsizetype maxDepartures = 1000;
    if (m_departures.size() >= maxDepartures)
        m_departures.clear();
    m_departures.insert(participantId, reason);
}

QString Room::hashPassword(const QString &password)
{
    QByteArray salt(16, Qt::Uninitialized);
    QRandomGenerator::system()->generate(salt.begin(), salt.end());
    const QByteArray key = QPasswordDigestor::deriveKeyPbkdf2(
        QCryptographicHash::Sha256, password.toUtf8(), salt, passwordIterations, 32);
    return QString::fromLatin1(salt.toHex() + '$' + key.toHex());
}

bool Room::passwordMatches(const QString &password) const
{
    const qsizetype dollar = passwordHash.indexOf(u'$');
    if (dollar < 0)
        return false;
    const QByteArray salt = QByteArray::fromHex(passwordHash.left(dollar).toLatin1());
    const QByteArray expected = passwordHash.mid(dollar + 1).toLatin1();
    const QByteArray key =
        QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toUtf8(), salt,
                                           passwordIterations, 32)
            .toHex();
    // Constant-time comparison.
    if (key.size() != expected.size())
        return false;
    int diff = 0;
    for (qsizetype i = 0; i < key.size(); ++i)
        diff |= key[i] ^ expected[i];
    return diff == 0;
}

RoomInfo Room::info() const
{
    RoomInfo r;
    r.code = code;
    r.name = name;
    r.capacity = capacity;
    r.state = state;
    r.host = hostId;
    r.seats = seatsTaken();
    r.spectators = spectatorCount();
    r.online = onlineCount();
    r.waitingToJoin = int(waiting.size());
    r.lastSeq = lastSeq;
    r.createdAt = createdAt;
    r.settings = settings;
    r.settings.password = hasPassword();
    return r;
}

RoomStats Room::statsInfo() const
{
    RoomStats s = stats;
    s.events = lastSeq;
    return s;
}

QByteArray Room::participantsJsonBytes() const
{
    QByteArray out;
    out.reserve(qsizetype(m_list.size()) * 160 + 2);
    out += '[';
    for (const auto &p : m_list) {
        if (out.size() > 1)
            out += ',';
        out += p->toJsonBytes();
    }
    out += ']';
    return out;
}

StoredRoom Room::toStored() const
{
    StoredRoom r;
    r.id = id;
    r.code = code;
    r.name = name;
    r.capacity = capacity;
    r.state = wireName(state);
    r.allowSpectators = settings.spectators;
    r.approvalRequired = settings.approval;
    r.locked = settings.locked;
    r.isPublic = settings.isPublic;
    r.passwordHash = passwordHash;
    r.hostId = hostId;
    r.creatorId = creatorId;
    r.createdAt = createdAt;
    r.closedAt = 0;
    r.peakSeats = stats.peakSeats;
    return r;
}

std::unique_ptr<Room> Room::fromLoaded(const LoadedRoom &loaded)
{
    auto room = std::make_unique<Room>();
    const StoredRoom &r = loaded.room;
    room->id = r.id;
    room->code = r.code;
    room->name = r.name;
    room->capacity = r.capacity;
    room->state = fromWireName<RoomState>(r.state).value_or(RoomState::Waiting);
    room->settings.spectators = r.allowSpectators;
    room->settings.approval = r.approvalRequired;
    room->settings.locked = r.locked;
    room->settings.isPublic = r.isPublic;
    room->passwordHash = r.passwordHash;
    room->hostId = r.hostId;
    room->creatorId = r.creatorId;
    room->createdAt = r.createdAt;
    room->lastSeq = loaded.lastSeq;
    room->stats.messages = loaded.eventCounts.value(QStringLiteral("chat"));
    room->stats.joins = loaded.eventCounts.value(QStringLiteral("participant_joined"));
    room->stats.peakSeats = r.peakSeats;
    for (const StoredBan &ban : loaded.bans)
        room->bans.insert(ban.participantId);
    room->stats.bans = loaded.bans.size();
    for (const StoredParticipant &sp : loaded.participants) {
        auto p = std::make_unique<Participant>();
        p->id = sp.participantId;
        p->name = sp.name;
        p->role = fromWireName<Role>(sp.role).value_or(Role::Member);
        p->status.bits = sp.status;
        p->joinedSeq = sp.joinedSeq;
        p->joinedAt = sp.joinedAt;
        p->lastSeen = sp.lastSeen;
        p->online = false; // nobody is connected right after a start
        p->offlineSinceMs = QDateTime::currentMSecsSinceEpoch(); // grace counts from now
        room->add(std::move(p));
    }
    for (const auto &m : loaded.recentClientMessages)
        room->rememberMessage(m.authorId, m.clientMsgId, m.seq);
    return room;
}
