#pragma once

#include "protocol/events.h"

#include <QtCore/QDateTime>
#include <QtCore/QObject>

// One room as the views see it: the room object of the protocol plus who you are in it.
// Kept current by RoomSession from the snapshot, room_updated and host_changed events.
class RoomObject : public QObject
{
    Q_OBJECT
    // The normalized 6-character code, e.g. "XJ9K2M".
    Q_PROPERTY(QString code READ code CONSTANT)
    Q_PROPERTY(QString name READ name NOTIFY changed)
    // Seats (host and members); spectators do not take one.
    Q_PROPERTY(int capacity READ capacity NOTIFY changed)
    Q_PROPERTY(int seats READ seats NOTIFY changed)
    Q_PROPERTY(int spectators READ spectators NOTIFY changed)
    // Everybody in the room, seated or not.
    Q_PROPERTY(int memberCount READ memberCount NOTIFY changed)
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY changed)
    // Every seat is taken: new members are refused (spectators may still join).
    Q_PROPERTY(bool full READ isFull NOTIFY changed)
    // "waiting", "active" or "finished".
    Q_PROPERTY(QString state READ stateName NOTIFY changed)
    Q_PROPERTY(QString hostId READ hostId NOTIFY changed)
    Q_PROPERTY(int waitingToJoin READ waitingToJoin NOTIFY changed)
    Q_PROPERTY(QDateTime createdAt READ createdAt NOTIFY changed)
    // Settings.
    Q_PROPERTY(bool spectatorsAllowed READ spectatorsAllowed NOTIFY changed)
    Q_PROPERTY(bool approvalRequired READ approvalRequired NOTIFY changed)
    Q_PROPERTY(bool locked READ isLocked NOTIFY changed)
    Q_PROPERTY(bool hasPassword READ hasPassword NOTIFY changed)
    Q_PROPERTY(bool isPublic READ isPublic NOTIFY changed)
    // You: your participant id, your role ("host", "member", "spectator") and whether you host.
    Q_PROPERTY(QString selfId READ selfId CONSTANT)
    Q_PROPERTY(QString yourRole READ yourRole NOTIFY changed)
    Q_PROPERTY(bool isHost READ isHost NOTIFY changed)
    // The room ended for you: closed by the host, expired, or you were removed. `endReason`
    // is the protocol's word (closed, expired, left, kicked, banned, timed_out).
    Q_PROPERTY(bool ended READ hasEnded NOTIFY changed)
    Q_PROPERTY(QString endReason READ endReason NOTIFY changed)

public:
    RoomObject(const RoomInfo &info, const QString &selfId, Role selfRole,
               QObject *parent = nullptr);

    const RoomInfo &info() const { return m_info; }
    QString code() const { return m_info.code; }
    QString name() const { return m_info.name; }
    int capacity() const { return m_info.capacity; }
    int seats() const { return m_info.seats; }
    int spectators() const { return m_info.spectators; }
    int memberCount() const { return m_info.seats + m_info.spectators; }
    int onlineCount() const { return m_info.online; }
    bool isFull() const { return m_info.seats >= m_info.capacity; }
    RoomState state() const { return m_info.state; }
    QString stateName() const { return wireName(m_info.state); }
    QString hostId() const { return m_info.host; }
    int waitingToJoin() const { return m_info.waitingToJoin; }
    QDateTime createdAt() const { return QDateTime::fromMSecsSinceEpoch(m_info.createdAt); }
    bool spectatorsAllowed() const { return m_info.settings.spectators; }
    bool approvalRequired() const { return m_info.settings.approval; }
    bool isLocked() const { return m_info.settings.locked; }
    bool hasPassword() const { return m_info.settings.password; }
    bool isPublic() const { return m_info.settings.isPublic; }
    QString selfId() const { return m_selfId; }
    Role selfRole() const { return m_selfRole; }
    QString yourRole() const { return wireName(m_selfRole); }
    bool isHost() const { return m_selfRole == Role::Host; }
    bool hasEnded() const { return m_ended; }
    QString endReason() const { return m_endReason; }

    // A whole new room object (room_updated, room_info). The code never changes.
    void setInfo(const RoomInfo &info);
    // Counts the server does not resend on every join/leave/presence: kept current from the
    // participants list.
    void setCounts(int seats, int spectators, int online);
    void setHost(const QString &participantId, Role selfRole);
    void setWaitingToJoin(int count);
    void markEnded(const QString &reason);

Q_SIGNALS:
    // One signal for all properties: they change together and rarely.
    void changed();

private:
    RoomInfo m_info;
    QString m_selfId;
    Role m_selfRole;
    bool m_ended = false;
    QString m_endReason;
};
