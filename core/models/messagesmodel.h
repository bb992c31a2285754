#pragma once

#include "protocol/events.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QHash>
#include <QtCore/QSet>

#include <functional>

// The chat of one room: chat messages and system messages (joined, left, host changed, ...),
// in seq order, oldest first. Live events are appended one row at a time; older history is
// paged in at the top with one beginInsertRows per page. Nothing ever resets the model.
//
// Rows hold plain values computed once when the event arrives (the system text, the author's
// name at the time), so that data() is a lookup and delegates stay light at 10,000 rows.
//
// Your own messages show at once, below every stored row, as pending rows ("sending…", or
// failed with the reason) until the host's chat event with their clientMsgId arrives; that
// event then takes the pending row's place (in place when it is the first pending one), so a
// message never vanishes between Enter and the host's answer.
class MessagesModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Roles {
        SeqRole = Qt::UserRole + 1, // "seq": the room event's sequence number
        KindRole,                   // "kind": "chat" or "system"
        AuthorIdRole,               // "authorId": participant id (chat only)
        AuthorNameRole,             // "authorName": display name when it was sent (chat only)
        TextRole,                   // "text": the message (plain text, never markup)
        TimestampRole,              // "timestamp": QDateTime, server time
        TimeTextRole,               // "timeText": the time as the locale shows it briefly
        IsOwnRole,                  // "isOwn": you wrote it
        // "showHeader": the first of consecutive chat messages by one author (within five
        // minutes): views show name and time on it and fold the rest under it.
        ShowHeaderRole,
        // "delivery": "stored" (the host has it), "sending" or "failed" (your pending messages).
        DeliveryRole,
        FailureRole,     // "failure": why a failed message was not stored, in plain words
        ClientMsgIdRole, // "clientMsgId": a pending message's id (for retry and discard)
    };
    Q_ENUM(Roles)

    enum class Kind : quint8 { Chat, System };

    explicit MessagesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Who you are (for isOwn) and the room as it was when the view started (to describe
    // what a room_updated changed).
    void setSelf(const QString &participantId) { m_selfId = participantId; }
    void setRoom(const RoomInfo &room) { m_liveRoom = room; }
    // Where names of participants still present are looked up (the participants list).
    void setNameLookup(std::function<QString(const QString &)> lookup);

    // A live event, newer than every row. Returns false when it makes no row (presence,
    // status changes) or is not newer than the last row.
    bool appendEvent(const RoomEvent &event);
    // Your message, sent and not acknowledged yet: a pending row at the very end.
    void addPending(const QString &clientMsgId, const QString &text, qint64 timestampMs);
    // The host refused it (or it could not be sent): the row stays, saying why.
    void setPendingFailed(const QString &clientMsgId, const QString &reason);
    // Sent again (under `newClientMsgId`, when given): the row says "sending…" again.
    void setPendingSending(const QString &clientMsgId, const QString &newClientMsgId = {});
    // Removes a pending row (discarded, or acknowledged without an event for it here).
    bool removePending(const QString &clientMsgId);
    QString pendingText(const QString &clientMsgId) const;
    int pendingCount() const { return int(m_pending.size()); }

    // A system row saying that `count` events after `afterSeq` are not known here (the host no
    // longer kept them when this client came back after a reconnect).
    void appendGap(qint64 afterSeq, qint64 count);
    // An older page (ascending seq), all older than the first row: inserted at the top.
    // Returns the number of rows inserted.
    int prependPage(const QList<RoomEvent> &events);

    // The stored rows (pending ones excluded).
    qint64 firstSeq() const { return m_rows.isEmpty() ? 0 : m_rows.first().seq; }
    qint64 lastSeq() const { return m_rows.isEmpty() ? 0 : m_rows.last().seq; }

    // Bytes held by the rows' strings, for the memory figure in bench/.
    qint64 approximateBytes() const;

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        qint64 seq = 0;
        qint64 ts = 0;
        Kind kind = Kind::System;
        QString authorId;
        QString authorName;
        QString text;
    };

    // One of your messages before the host has it.
    struct PendingRow {
        QString clientMsgId;
        QString text;
        qint64 ts = 0;
        bool failed = false;
        QString failure;
    };

    int pendingIndex(const QString &clientMsgId) const;
    void insertStored(const Row &row);
    QVariant pendingData(int pending, int role) const;
    std::optional<Row> rowFor(const RoomEvent &event, const RoomInfo *roomBefore);
    void learnNames(const RoomEvent &event);
    QString nameFor(const QString &id) const;
    QString describeRoomUpdate(const RoomInfo *before, const RoomInfo &after) const;
    bool startsGroup(int row) const;

    QList<Row> m_rows;
    QList<PendingRow> m_pending; // rows m_rows.size() … count() - 1
    QString m_selfId;
    RoomInfo m_liveRoom;
    // Names of participants seen in events, for system messages about those who left.
    QHash<QString, QString> m_names;
    std::function<QString(const QString &)> m_lookup;
    QSet<QString> m_interned;
};
