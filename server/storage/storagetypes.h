#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QString>

// Plain values that cross between the room logic (server thread) and the storage (its own
// thread). Nothing here points into live objects, so they can be copied across threads freely.

struct StoredIdentity {
    QString participantId;
    QByteArray secretHash;
    qint64 createdAt = 0;
};

struct StoredRoom {
    qint64 id = 0;
    QString code;
    QString name;
    int capacity = 10;
    QString state; // waiting | active | finished
    bool allowSpectators = true;
    bool approvalRequired = false;
    bool locked = false;
    bool isPublic = false;
    QString passwordHash; // empty: no password
    QString hostId;
    QString creatorId;
    qint64 createdAt = 0;
    qint64 closedAt = 0; // 0 while live
    int peakSeats = 0;
};

struct StoredParticipant {
    QString participantId;
    QString name;
    QString role; // host | member | spectator
    quint8 status = 0;
    qint64 joinedSeq = 0;
    qint64 joinedAt = 0;
    qint64 lastSeen = 0;
};

struct StoredBan {
    QString participantId;
    QString bannedBy;
    qint64 bannedAt = 0;
};

struct StoredEvent {
    qint64 roomId = 0;
    qint64 seq = 0;
    qint64 ts = 0;
    QString kind;
    QString authorId;    // chat only
    QString clientMsgId; // chat only, may be empty
    QByteArray body;     // the event's JSON, exactly as pushed
};

// One live room with everything needed to bring it back after a restart.
struct LoadedRoom {
    StoredRoom room;
    QList<StoredParticipant> participants;
    QList<StoredBan> bans;
    qint64 lastSeq = 0;
    QHash<QString, qint64> eventCounts; // kind -> count, for the host's statistics
    struct ClientMessage {
        QString authorId;
        QString clientMsgId;
        qint64 seq = 0;
    };
    QList<ClientMessage> recentClientMessages; // newest last
};

struct LoadedState {
    QList<StoredIdentity> identities;
    QList<LoadedRoom> rooms;
};

struct StoredHistoryPage {
    QList<QByteArray> bodies; // ascending seq
    bool hasMore = false;
    qint64 firstSeq = 0; // oldest stored seq of the room (0: none)
};
