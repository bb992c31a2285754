#include "roomobject.h"

RoomObject::RoomObject(const RoomInfo &info, const QString &selfId, Role selfRole, QObject *parent)
    : QObject(parent)
    , m_info(info)
    , m_selfId(selfId)
    , m_selfRole(selfRole)
{}

void RoomObject::setInfo(const RoomInfo &info)
{
    const QString code = m_info.code;
    m_info = info;
    m_info.code = code;
    Q_EMIT changed();
}

void RoomObject::setCounts(int seats, int spectators, int online)
{
    if (m_info.seats == seats && m_info.spectators == spectators && m_info.online == online)
        return;
    m_info.seats = seats;
    m_info.spectators = spectators;
    m_info.online = online;
    Q_EMIT changed();
}

void RoomObject::setHost(const QString &participantId, Role selfRole)
{
    if (m_info.host == participantId && m_selfRole == selfRole)
        return;
    m_info.host = participantId;
    m_selfRole = selfRole;
    Q_EMIT changed();
}

void RoomObject::setWaitingToJoin(int count)
{
    if (m_info.waitingToJoin == count)
        return;
    m_info.waitingToJoin = count;
    Q_EMIT changed();
}

void RoomObject::markEnded(const QString &reason)
{
    if (m_ended)
        return;
    m_ended = true;
    m_endReason = reason;
    Q_EMIT changed();
}
