#pragma once

#include "overloaded.h"
#include "values.h"

#include <QtCore/QList>

#include <variant>

// Room events and notices of protocol v2 (docs/protocol.md, "Room events", "Notices"): one type
// per event, one reader and one writer for all.

namespace Events {
struct ParticipantJoined {
    ParticipantInfo participant;
};
struct ParticipantLeft {
    QString participant;
    LeaveReason reason = LeaveReason::Left;
    QString by; // who kicked or banned; empty otherwise
};
struct ParticipantUpdated {
    QString participant;
    StatusFlags status;
    quint8 changed = 0; // the StatusFlags the event carries
};
struct Presence {
    QString participant;
    bool online = false;
    qint64 lastSeen = 0;
};
struct Chat {
    QString author;
    QString name;
    QString text;
    QString clientMsgId; // empty when the author gave none
};
struct RoomUpdated {
    RoomInfo room;
};
struct HostChanged {
    QString from; // empty (null) when the room had no host
    QString to;
    HostChangeReason reason = HostChangeReason::Transferred;
};
struct RoomClosed {
    CloseReason reason = CloseReason::Closed;
};
// A newer server's event: kept so that sequence numbers stay gapless.
struct Unknown {
    QString name;
};
} // namespace Events

using EventData =
    std::variant<Events::ParticipantJoined, Events::ParticipantLeft, Events::ParticipantUpdated,
                 Events::Presence, Events::Chat, Events::RoomUpdated, Events::HostChanged,
                 Events::RoomClosed, Events::Unknown>;

// The event's wire name ("participant_joined", …).
QLatin1String eventName(const EventData &data);
// `data` as compact JSON (the hot path: every event is written once, then stored and pushed).
void writeEventData(QByteArray &out, const EventData &data);

// One room event, pushed live or read from history.
struct RoomEvent {
    QString room;
    qint64 seq = 0;
    qint64 ts = 0;
    EventData data;

    template <typename T> const T *as() const { return std::get_if<T>(&data); }

    static Decoded<RoomEvent> fromJson(const QJsonObject &object);
    // The whole frame, written by hand in the documented key order; `dataJson` is
    // writeEventData's output (so a caller can keep those bytes).
    static QByteArray frame(QStringView room, qint64 seq, qint64 ts, QLatin1String name,
                            QByteArrayView dataJson);
    QByteArray toFrame() const;
};

namespace Notices {
struct JoinRequest {
    QString participant;
    QString name;
    Role role = Role::Member;
};
struct JoinRequestCancelled {
    QString participant;
};
struct JoinPending {};
struct Unknown {
    QString name;
};
} // namespace Notices

using NoticeData = std::variant<Notices::JoinRequest, Notices::JoinRequestCancelled,
                                Notices::JoinPending, Notices::Unknown>;

// A notice: for one connection only, not part of history.
struct Notice {
    QString room;
    NoticeData data;

    template <typename T> const T *as() const { return std::get_if<T>(&data); }

    static Decoded<Notice> fromJson(const QJsonObject &object);
    QByteArray toFrame() const;
};
