#include "participantsmodel.h"

#include <QtCore/QDateTime>

using namespace Qt::StringLiterals;

namespace {
// Sort key: seated before spectators, then by the order of joining.
bool before(const ParticipantInfo &a, const ParticipantInfo &b)
{
    const bool aSpectator = a.role == Role::Spectator;
    const bool bSpectator = b.role == Role::Spectator;
    if (aSpectator != bSpectator)
        return !aSpectator;
    if (a.joinedSeq != b.joinedSeq)
        return a.joinedSeq < b.joinedSeq;
    return a.id < b.id;
}
} // namespace

ParticipantsModel::ParticipantsModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ParticipantsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ParticipantsModel::flag(int row, StatusFlags::Flag f) const
{
    return m_rows.at(row).status.test(f);
}

QVariant ParticipantsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const ParticipantInfo &p = m_rows.at(row);
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return p.name;
    case IdRole:
        return p.id;
    case RoleRole:
        return QString(wireName(p.role));
    case IsHostRole:
        return p.role == Role::Host;
    case IsSpectatorRole:
        return p.role == Role::Spectator;
    case GroupRole:
        return p.role == Role::Spectator ? u"spectators"_s : u"seats"_s;
    case OnlineRole:
        return p.online;
    case LastSeenRole:
        return QDateTime::fromMSecsSinceEpoch(p.lastSeen);
    case IsSelfRole:
        return p.id == m_selfId;
    case ReadyRole:
        return flag(row, StatusFlags::Ready);
    case AwayRole:
        return flag(row, StatusFlags::Away);
    case MutedRole:
        return flag(row, StatusFlags::Muted);
    case CameraRole:
        return flag(row, StatusFlags::Camera);
    case ScreenRole:
        return flag(row, StatusFlags::Screen);
    case JoinedSeqRole:
        return p.joinedSeq;
    default:
        return {};
    }
}

QHash<int, QByteArray> ParticipantsModel::roleNames() const
{
    return {
        {IdRole, "participantId"},
        {NameRole, "name"},
        {RoleRole, "role"},
        {IsHostRole, "isHost"},
        {IsSpectatorRole, "isSpectator"},
        {GroupRole, "group"},
        {OnlineRole, "online"},
        {LastSeenRole, "lastSeen"},
        {IsSelfRole, "isSelf"},
        {ReadyRole, "ready"},
        {AwayRole, "away"},
        {MutedRole, "muted"},
        {CameraRole, "camera"},
        {ScreenRole, "screen"},
        {JoinedSeqRole, "joinedSeq"},
    };
}

void ParticipantsModel::reset(const QList<ParticipantInfo> &participants, const QString &selfId)
{
    beginResetModel();
    m_rows = participants;
    m_selfId = selfId;
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    recount();
}

int ParticipantsModel::indexOf(const QString &id) const
{
    // Rooms hold at most a few dozen participants: a scan beats keeping an index in step.
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

int ParticipantsModel::insertionRow(const ParticipantInfo &p) const
{
    return int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), p, before) - m_rows.cbegin());
}

void ParticipantsModel::insertRow(const ParticipantInfo &p)
{
    const int row = insertionRow(p);
    beginInsertRows({}, row, row);
    m_rows.insert(row, p);
    endInsertRows();
}

void ParticipantsModel::add(const ParticipantInfo &participant)
{
    const int existing = indexOf(participant.id);
    if (existing >= 0) {
        // Should not happen (a rejoin makes no participant_joined); keep one row regardless.
        beginRemoveRows({}, existing, existing);
        m_rows.removeAt(existing);
        endRemoveRows();
    }
    insertRow(participant);
    recount();
}

bool ParticipantsModel::remove(const QString &id)
{
    const int row = indexOf(id);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    recount();
    return true;
}

void ParticipantsModel::updateStatus(const QString &id, StatusFlags::Update update)
{
    const int row = indexOf(id);
    if (row < 0)
        return;
    StatusFlags &status = m_rows[row].status;
    const quint8 bits = quint8((status.bits & ~update.mask) | (update.values & update.mask));
    if (bits == status.bits)
        return;
    status.bits = bits;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {ReadyRole, AwayRole, MutedRole, CameraRole, ScreenRole});
}

void ParticipantsModel::setPresence(const QString &id, bool online, qint64 lastSeen)
{
    const int row = indexOf(id);
    if (row < 0)
        return;
    ParticipantInfo &p = m_rows[row];
    p.online = online;
    p.lastSeen = lastSeen;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {OnlineRole, LastSeenRole});
    recount();
}

void ParticipantsModel::setHost(const QString &from, const QString &to)
{
    const auto changeRole = [this](const QString &id, Role role) {
        const int row = indexOf(id);
        if (row < 0 || m_rows.at(row).role == role)
            return;
        ParticipantInfo p = m_rows.at(row);
        const bool groupChanges = (p.role == Role::Spectator) != (role == Role::Spectator);
        p.role = role;
        if (!groupChanges) {
            m_rows[row] = p;
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, {RoleRole, IsHostRole, IsSpectatorRole, GroupRole});
            return;
        }
        // A spectator who becomes host takes a seat: move the row into the seated group.
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        insertRow(p);
    };
    if (!from.isEmpty() && from != to)
        changeRole(from, Role::Member);
    changeRole(to, Role::Host);
    recount();
}

const ParticipantInfo *ParticipantsModel::find(const QString &id) const
{
    const int row = indexOf(id);
    return row < 0 ? nullptr : &m_rows.at(row);
}

QString ParticipantsModel::nameOf(const QString &id) const
{
    const ParticipantInfo *p = find(id);
    return p ? p->name : QString();
}

int ParticipantsModel::rowOf(const QString &id) const
{
    return indexOf(id);
}

void ParticipantsModel::recount()
{
    int seats = 0;
    int online = 0;
    for (const ParticipantInfo &p : std::as_const(m_rows)) {
        if (p.role != Role::Spectator)
            ++seats;
        if (p.online)
            ++online;
    }
    const int count = int(m_rows.size());
    if (seats == m_seats && online == m_online && count == m_count)
        return;
    m_seats = seats;
    m_online = online;
    m_count = count;
    Q_EMIT countsChanged();
}
