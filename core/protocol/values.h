#pragma once

#include "jsonread.h"
#include "roomvalues.h"
#include "statusflags.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

// The objects of protocol v2 (docs/protocol.md, "Values"), one type each for both ends. Each has
// one reader, fromJson(), strict about types (JsonFields), and one writer, writeJson(), the
// hand-written compact JSON that QJsonDocument would write for the same object (the server
// writes these thousands of times a second; tst_protocolcodec compares the two).

// A room's settings; `password` says whether one is set (the password is never sent back).
struct RoomSettings {
    bool spectators = true;
    bool approval = false;
    bool locked = false;
    bool password = false;
    bool isPublic = false;

    bool operator==(const RoomSettings &) const = default;
    static Decoded<RoomSettings> fromJson(const QJsonObject &object); // absent keys: defaults
    void writeJson(QByteArray &out) const;
};

// The participant object.
struct ParticipantInfo {
    QString id;
    QString name;
    Role role = Role::Member;
    bool online = false;
    qint64 lastSeen = 0;
    qint64 joinedSeq = 0;
    StatusFlags status;

    bool operator==(const ParticipantInfo &) const = default;
    static Decoded<ParticipantInfo> fromJson(const QJsonObject &object);
    void writeJson(QByteArray &out) const;
};

// The room object.
struct RoomInfo {
    QString code;
    QString name;
    int capacity = 0;
    RoomState state = RoomState::Waiting;
    QString host; // participant id; empty (null on the wire) while nobody is in the room
    int seats = 0;
    int spectators = 0;
    int online = 0;
    int waitingToJoin = 0;
    qint64 lastSeq = 0;
    qint64 createdAt = 0;
    RoomSettings settings;

    static Decoded<RoomInfo> fromJson(const QJsonObject &object);
    void writeJson(QByteArray &out) const;
};

// What the host's room_info adds: the room's counters.
struct RoomStats {
    qint64 messages = 0;
    qint64 events = 0;
    qint64 joins = 0;
    qint64 peakSeats = 0;
    qint64 kicks = 0;
    qint64 bans = 0;

    static Decoded<RoomStats> fromJson(const QJsonObject &object);
    void writeJson(QByteArray &out) const;
};

// Status flags as an object: the flags in `mask` (all of them in a participant object, the
// changed ones in participant_updated), in QJsonDocument's key order.
void writeStatusJson(QByteArray &out, StatusFlags flags, quint8 mask = StatusFlags::All);
// The flags a participant object carries; unknown keys (a newer peer's flags) are ignored.
StatusFlags statusFromJson(const QJsonObject &object, JsonFields &fields);

// Any value above as a QJsonObject (tests and the few places that want a tree).
template <typename T> QJsonObject toJsonObject(const T &value);
