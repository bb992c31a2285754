#pragma once

#include "protocol/values.h"
#include "storage/storagetypes.h"

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QString>

#include <memory>
#include <optional>
#include <vector>

class Session;

// Somebody holding a place in a room (a seat, or a spectator's place): the participant object
// the protocol shows (ParticipantInfo), and what only the server knows.
struct Participant : ParticipantInfo {
    qint64 joinedAt = 0;
    qint64 offlineSinceMs = 0; // when it went offline (or the server started): the grace clock
    // The connection events go to; null while offline. A guarded pointer: a connection can go
    // away between an event's creation and its delivery (e.g. while its room is closing).
    QPointer<Session> session;
    // Only events with a higher seq are pushed to this participant's connection: what it had
    // before is in the snapshot its join reply carried.
    qint64 deliverAfter = 0;

    bool takesSeat() const { return role != Role::Spectator; }
    // The participant object as compact JSON, written again only when it changed: every join
    // reply carries all participants, and a room filling up would otherwise write each of them
    // once per later joiner. (The cache compares the whole ParticipantInfo, so a new field
    // cannot be forgotten.)
    const QByteArray &toJsonBytes() const;
    StoredParticipant toStored() const;

private:
    mutable QByteArray m_json;
    mutable ParticipantInfo m_jsonOf;
};

// A joiner waiting for the host's approval. The reply to its join_room is held until then.
struct PendingJoin {
    QString participantId;
    QString name;
    Role role = Role::Member;
    QPointer<Session> session;
    qint64 requestId = 0;
    qint64 deadlineMs = 0;
};

// One room: its settings, participants, bans, waiting list and sequence counter. Pure state
// and rules; the RoomServer turns changes into events, storage writes and replies.
class Room
{
public:
    qint64 id = 0;
    QString code;
    QString name;
    int capacity = 10;
    RoomState state = RoomState::Waiting;
    // The settings the protocol shows; settings.password is derived from passwordHash (info()).
    RoomSettings settings;
    QString passwordHash; // "salt$key" (PBKDF2-SHA256), empty: none
    QString hostId;
    QString creatorId;
    qint64 createdAt = 0;
    qint64 lastSeq = 0;
    qint64 emptySinceMs = 0; // when the last participant left; 0 while someone is in
    bool closed = false;
    RoomStats stats;
    QList<PendingJoin> waiting;
    QSet<QString> bans;

    Participant *find(const QString &participantId) const;
    // Adds in joinedSeq order (callers add with increasing seqs).
    Participant *add(std::unique_ptr<Participant> participant);
    std::unique_ptr<Participant> remove(const QString &participantId);
    const std::vector<std::unique_ptr<Participant>> &participants() const { return m_list; }
    bool isEmpty() const { return m_list.empty(); }

    // Two people never look alike in a room: the name of whoever other than `exceptId` already
    // goes by a name that looks like `displayName` (the same TextRules::nameKey), be it a
    // participant (online, or offline within its grace period: its seat is still its own) or a
    // joiner waiting for approval; empty when the name is free. Spectators count too: everyone sees
    // their names in the list and the chat.
    QString nameClash(const QString &displayName, const QString &exceptId) const;

    int seatsTaken() const;
    int spectatorCount() const;
    int onlineCount() const;

    // Who becomes host when the host goes: the online member with the lowest joinedSeq, else
    // the offline one, else the longest-present spectator. Null when nobody is left.
    Participant *nextHost(const QString &excludingId) const;

    // The clientMsgId index that makes chat resends idempotent (bounded per room).
    std::optional<qint64> sentMessage(const QString &authorId, const QString &clientMsgId) const;
    void rememberMessage(const QString &authorId, const QString &clientMsgId, qint64 seq);

    // Why participants who had a seat no longer have one (left, timed_out, kicked, banned), so
    // that a client resuming after a reconnect is told (join_room with "resume"). Kept in
    // memory only and bounded; empty when not known.
    QString departureOf(const QString &participantId) const;
    void noteDeparture(const QString &participantId, const QString &reason);

    bool hasPassword() const { return !passwordHash.isEmpty(); }
    bool passwordMatches(const QString &password) const;
    static QString hashPassword(const QString &password);

    // The room object and the host's statistics, as the protocol shows them.
    RoomInfo info() const;
    RoomStats statsInfo() const;
    // The participants array as compact JSON, from each participant's cached bytes.
    QByteArray participantsJsonBytes() const;
    StoredRoom toStored() const;
    static std::unique_ptr<Room> fromLoaded(const LoadedRoom &loaded);

private:
    std::vector<std::unique_ptr<Participant>> m_list;
    QHash<QString, Participant *> m_byId;
    QHash<QString, qint64> m_clientMessages;
    std::vector<QString> m_clientMessageOrder; // ring for eviction
    std::size_t m_clientMessageNext = 0;
    QHash<QString, QString> m_departures;
};
