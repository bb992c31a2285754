#pragma once

#include "errorcode.h"
#include "events.h"
#include "limits.h"
#include "values.h"

#include <QtCore/QList>

// Replies of protocol v2 (docs/protocol.md, "Replies" and each operation's result): one type
// per result, read by the client and the tests, written by the server. The results the server
// writes most (join snapshots, history pages) are written by hand from bytes it keeps.

struct HelloResult {
    QString server;
    qint64 version = 0;
    QString participant;
    Limits limits;

    static Decoded<HelloResult> fromJson(const QJsonObject &result);
    // `limitsJson`: Limits::toJson() compact (the server writes it once).
    static QByteArray json(QByteArrayView limitsJson, QStringView participant);
};

// create_room's and join_room's result: the room right after your own participant_joined.
struct RoomSnapshot {
    RoomInfo room;
    QString self; // your participant id in this room
    QList<ParticipantInfo> participants;
    bool rejoined = false;

    static Decoded<RoomSnapshot> fromJson(const QJsonObject &result);
    // `participantsJson`: the JSON array of ParticipantInfo::writeJson()s (the server keeps each
    // participant's bytes and writes them again only when it changes).
    static QByteArray json(const RoomInfo &room, QByteArrayView participantsJson, QStringView self,
                           bool rejoined);
};

// send_chat's result.
struct ChatAck {
    qint64 seq = 0;
    qint64 ts = 0;          // absent (0) in a duplicate's answer
    bool duplicate = false; // the clientMsgId was used before; seq is the first message's

    static Decoded<ChatAck> fromJson(const QJsonObject &result);
    QByteArray json() const;
};

// history's result: events in ascending seq order.
struct HistoryPage {
    QList<RoomEvent> events;
    bool hasMore = false;
    qint64 firstSeq = 0; // the oldest seq the server still stores
    qint64 lastSeq = 0;  // the newest seq of the room
    // Events asked for (with `after`) that the server no longer keeps (trimmed history).
    qint64 missing = 0;

    static Decoded<HistoryPage> fromJson(const QJsonObject &result);
    // The same from the stored event frames (RoomEvent::frame() bytes).
    static QByteArray json(const QList<QByteArray> &eventFrames, bool hasMore, qint64 firstSeq,
                           qint64 lastSeq, qint64 missing);
};

// room_info's result.
struct RoomInfoResult {
    RoomInfo room;
    std::optional<RoomStats> stats; // only in the host's reply

    static Decoded<RoomInfoResult> fromJson(const QJsonObject &result);
    QByteArray json() const;
};

// ping's result.
struct PingResult {
    qint64 ts = 0;

    static Decoded<PingResult> fromJson(const QJsonObject &result);
    QByteArray json() const;
};

// One reply frame: a result (still JSON: which type it holds depends on the request) or an
// error.
struct Reply {
    qint64 id = -1; // -1: null (the request could not be read)
    bool ok = false;
    QJsonObject result;
    ProtocolError error;

    static Decoded<Reply> fromJson(const QJsonObject &object);
    // Frames; requestId < 0 is written as null.
    static QByteArray success(qint64 requestId, QByteArrayView resultJson);
    static QByteArray failure(qint64 requestId, const ProtocolError &error);
};

// What a server sends: a reply, a room event or a notice.
using ServerMessage = std::variant<Reply, RoomEvent, Notice>;
Decoded<ServerMessage> readServerMessage(const QJsonObject &object);
Decoded<ServerMessage> readServerMessage(const QByteArray &utf8);
