#pragma once

#include "protocol/values.h"

#include <QtCore/QAbstractListModel>

// The participants of one room, for the participants list. Seated participants (host and
// members) come first, then spectators, each group in the order they joined (joinedSeq), so
// that a view can show spectators apart with a section on the `group` role.
//
// Every change is incremental: a join inserts a row, a leave removes one, a status or presence
// change is one dataChanged for one row; only a new snapshot resets.
class ParticipantsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countsChanged)
    // Host and members: what the room's capacity limits.
    Q_PROPERTY(int seatCount READ seatCount NOTIFY countsChanged)
    Q_PROPERTY(int spectatorCount READ spectatorCount NOTIFY countsChanged)
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY countsChanged)

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, // "participantId": 16 hex characters
        NameRole,                  // "name": display name
        RoleRole,                  // "role": "host", "member" or "spectator"
        IsHostRole,                // "isHost"
        IsSpectatorRole,           // "isSpectator"
        GroupRole,                 // "group": "seats" or "spectators", for sections
        OnlineRole,                // "online"
        LastSeenRole,              // "lastSeen": QDateTime
        IsSelfRole,                // "isSelf": this row is you
        ReadyRole,                 // "ready", "away", "muted", "camera", "screen": status flags
        AwayRole,
        MutedRole,
        CameraRole,
        ScreenRole,
        JoinedSeqRole, // "joinedSeq"
    };
    Q_ENUM(Roles)

    explicit ParticipantsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int seatCount() const { return m_seats; }
    int spectatorCount() const { return int(m_rows.size()) - m_seats; }
    int onlineCount() const { return m_online; }

    // The whole list from a snapshot (the only reset).
    void reset(const QList<ParticipantInfo> &participants, const QString &selfId);
    // participant_joined (also a rejoin of someone already listed: the row is updated).
    void add(const ParticipantInfo &participant);
    // participant_left.
    bool remove(const QString &id);
    // participant_updated: only the flags in the update's mask change.
    void updateStatus(const QString &id, StatusFlags::Update update);
    // presence.
    void setPresence(const QString &id, bool online, qint64 lastSeen);
    // host_changed: `from` (if still here) becomes a member, `to` the host.
    void setHost(const QString &from, const QString &to);

    const ParticipantInfo *find(const QString &id) const;
    // The display name of a participant, or an empty string.
    Q_INVOKABLE QString nameOf(const QString &id) const;
    Q_INVOKABLE int rowOf(const QString &id) const;

Q_SIGNALS:
    void countsChanged();

private:
    int indexOf(const QString &id) const;
    int insertionRow(const ParticipantInfo &p) const;
    void insertRow(const ParticipantInfo &p);
    void recount();
    QVariant flag(int row, StatusFlags::Flag flag) const;

    QList<ParticipantInfo> m_rows;
    QString m_selfId;
    int m_seats = 0;
    int m_online = 0;
    int m_count = 0;
};
