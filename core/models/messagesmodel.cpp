#include "messagesmodel.h"

#include <QtCore/QDateTime>
#include <QtCore/QLocale>

#include <limits>

using namespace Qt::StringLiterals;

namespace {
// Consecutive messages of one author closer than this are shown as one group.
constexpr qint64 GroupWindowMs = 5 * 60 * 1000;

// A message's time as the locale shows it briefly ("14:03").
QString timeText(qint64 msSinceEpoch)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(msSinceEpoch).time(),
                              QLocale::ShortFormat);
}
} // namespace

MessagesModel::MessagesModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int MessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size() + m_pending.size());
}

bool MessagesModel::startsGroup(int row) const
{
    const Row &r = m_rows.at(row);
    if (r.kind != Kind::Chat || row == 0)
        return true;
    const Row &prev = m_rows.at(row - 1);
    return prev.kind != Kind::Chat || prev.authorId != r.authorId || r.ts - prev.ts > GroupWindowMs;
}

QVariant MessagesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (index.row() >= m_rows.size())
        return pendingData(index.row() - int(m_rows.size()), role);
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return r.text;
    case SeqRole:
        return r.seq;
    case KindRole:
        return r.kind == Kind::Chat ? u"chat"_s : u"system"_s;
    case AuthorIdRole:
        return r.authorId;
    case AuthorNameRole:
        return r.authorName;
    case TimestampRole:
        return QDateTime::fromMSecsSinceEpoch(r.ts);
    case TimeTextRole:
        return timeText(r.ts);
    case IsOwnRole:
        return r.kind == Kind::Chat && r.authorId == m_selfId;
    case ShowHeaderRole:
        return startsGroup(index.row());
    case DeliveryRole:
        return u"stored"_s;
    case FailureRole:
    case ClientMsgIdRole:
        return QString();
    default:
        return {};
    }
}

QVariant MessagesModel::pendingData(int pending, int role) const
{
    const PendingRow &p = m_pending.at(pending);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return p.text;
    case SeqRole:
        return qint64(0);
    case KindRole:
        return u"chat"_s;
    case AuthorIdRole:
        return m_selfId;
    case AuthorNameRole:
        return nameFor(m_selfId);
    case TimestampRole:
        return QDateTime::fromMSecsSinceEpoch(p.ts);
    case TimeTextRole:
        return timeText(p.ts);
    case IsOwnRole:
        return true;
    case ShowHeaderRole: {
        // Under your own stored or pending message: part of its group.
        if (pending > 0)
            return false;
        return m_rows.isEmpty() || m_rows.last().kind != Kind::Chat ||
               m_rows.last().authorId != m_selfId || p.ts - m_rows.last().ts > GroupWindowMs;
    }
    case DeliveryRole:
        return p.failed ? u"failed"_s : u"sending"_s;
    case FailureRole:
        return p.failure;
    case ClientMsgIdRole:
        return p.clientMsgId;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessagesModel::roleNames() const
{
    return {
        {SeqRole, "seq"},
        {KindRole, "kind"},
        {AuthorIdRole, "authorId"},
        {AuthorNameRole, "authorName"},
        {TextRole, "text"},
        {TimestampRole, "timestamp"},
        {TimeTextRole, "timeText"},
        {IsOwnRole, "isOwn"},
        {ShowHeaderRole, "showHeader"},
        {DeliveryRole, "delivery"},
        {FailureRole, "failure"},
        {ClientMsgIdRole, "clientMsgId"},
    };
}

void MessagesModel::setNameLookup(std::function<QString(const QString &)> lookup)
{
    m_lookup = std::move(lookup);
}

void MessagesModel::learnNames(const RoomEvent &event)
{
    if (const auto *joined = event.as<Events::ParticipantJoined>())
        m_names.insert(joined->participant.id, joined->participant.name);
    else if (const auto *chat = event.as<Events::Chat>())
        m_names.insert(chat->author, chat->name);
}

QString MessagesModel::nameFor(const QString &id) const
{
    if (m_lookup) {
        const QString name = m_lookup(id);
        if (!name.isEmpty())
            return name;
    }
    const QString name = m_names.value(id);
    return name.isEmpty() ? tr("Someone") : name;
}

QString MessagesModel::describeRoomUpdate(const RoomInfo *before, const RoomInfo &after) const
{
    if (before) {
        if (before->state != after.state) {
            switch (after.state) {
            case RoomState::Active:
                return tr("The session started.");
            case RoomState::Finished:
                return tr("The session finished.");
            case RoomState::Waiting:
                break;
            }
        }
        QStringList parts;
        if (before->name != after.name)
            parts << tr("The room is now called “%1”.").arg(after.name);
        if (before->capacity != after.capacity)
            parts << (after.capacity == 1 ? tr("The room now has one seat.")
                                          : tr("The room now has %1 seats.").arg(after.capacity));
        if (before->settings.locked != after.settings.locked)
            parts << (after.settings.locked ? tr("The room is locked.")
                                            : tr("The room is open again."));
        if (before->settings.approval != after.settings.approval)
            parts << (after.settings.approval ? tr("New people need the host's approval.")
                                              : tr("New people join without approval."));
        if (before->settings.spectators != after.settings.spectators)
            parts << (after.settings.spectators ? tr("Spectators are welcome.")
                                                : tr("Spectators are no longer allowed."));
        if (before->settings.password != after.settings.password)
            parts << (after.settings.password ? tr("The room now has a password.")
                                              : tr("The room no longer has a password."));
        if (!parts.isEmpty())
            return parts.join(u' ');
    }
    return tr("The host changed the room's settings.");
}

std::optional<MessagesModel::Row> MessagesModel::rowFor(const RoomEvent &event,
                                                        const RoomInfo *roomBefore)
{
    Row row;
    row.seq = event.seq;
    row.ts = event.ts;
    const auto system = [&row](const QString &text) -> std::optional<Row> {
        row.text = text;
        return row;
    };
    return std::visit(
        Overloaded{
            [&](const Events::Chat &e) -> std::optional<Row> {
                row.kind = Kind::Chat;
                // Thousands of rows share a handful of authors: share the strings too.
                row.authorId = *m_interned.insert(e.author);
                row.authorName = *m_interned.insert(e.name);
                row.text = e.text;
                return row;
            },
            [&](const Events::ParticipantJoined &e) {
                const QString &name = e.participant.name;
                return system(e.participant.role == Role::Spectator
                                  ? tr("%1 joined as a spectator.").arg(name)
                                  : tr("%1 joined.").arg(name));
            },
            [&](const Events::ParticipantLeft &e) {
                const QString name = nameFor(e.participant);
                // Only the host removes people, so "by the host" rather than the host's name:
                // a line never reads like someone removing themselves ("Ana was removed by
                // Ana"), nor names a person who has since left. Names in a room are unique
                // (docs/protocol.md, "name_taken"), so the other lines name people
                // unambiguously.
                switch (e.reason) {
                case LeaveReason::Kicked:
                    return system(tr("%1 was removed by the host.").arg(name));
                case LeaveReason::Banned:
                    return system(tr("%1 was banned by the host.").arg(name));
                case LeaveReason::TimedOut:
                    return system(tr("%1 lost the connection and left.").arg(name));
                case LeaveReason::Left:
                    break;
                }
                return system(tr("%1 left.").arg(name));
            },
            [&](const Events::HostChanged &e) {
                const QString to = nameFor(e.to);
                return system(e.reason == HostChangeReason::Transferred
                                  ? tr("%1 made %2 the host.").arg(nameFor(e.from), to)
                                  : tr("%1 is now the host.").arg(to));
            },
            [&](const Events::RoomUpdated &e) {
                return system(describeRoomUpdate(roomBefore, e.room));
            },
            [&](const Events::RoomClosed &e) {
                return system(e.reason == CloseReason::Expired ? tr("The room expired.")
                                                               : tr("The host closed the room."));
            },
            [](const Events::ParticipantUpdated &) -> std::optional<Row> { return std::nullopt; },
            [](const Events::Presence &) -> std::optional<Row> { return std::nullopt; },
            [](const Events::Unknown &) -> std::optional<Row> { return std::nullopt; },
        },
        event.data);
}

bool MessagesModel::appendEvent(const RoomEvent &event)
{
    if (!m_rows.isEmpty() && event.seq <= m_rows.last().seq)
        return false;
    learnNames(event);
    const std::optional<Row> row = rowFor(event, &m_liveRoom);
    if (const auto *updated = event.as<Events::RoomUpdated>())
        m_liveRoom = updated->room;
    if (!row)
        return false;
    const auto *chat = event.as<Events::Chat>();
    const int pending = chat && chat->author == m_selfId ? pendingIndex(chat->clientMsgId) : -1;
    if (pending < 0) {
        insertStored(*row);
        return true;
    }
    // Your own message came back from the host: it takes its pending row's place.
    const int at = int(m_rows.size());
    if (pending > 0) {
        beginMoveRows({}, at + pending, at + pending, {}, at);
        m_pending.move(pending, 0);
        endMoveRows();
    }
    m_pending.removeFirst();
    m_rows.append(*row);
    const int last = at + 1 < rowCount() ? at + 1 : at;
    Q_EMIT dataChanged(index(at), index(last));
    return true;
}

void MessagesModel::insertStored(const Row &row)
{
    // Stored rows go above your pending ones.
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.append(row);
    endInsertRows();
    if (!m_pending.isEmpty()) // the first pending row may now start a group of its own
        Q_EMIT dataChanged(index(at + 1), index(at + 1), {ShowHeaderRole});
    Q_EMIT countChanged();
}

int MessagesModel::pendingIndex(const QString &clientMsgId) const
{
    if (clientMsgId.isEmpty())
        return -1;
    for (int i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).clientMsgId == clientMsgId)
            return i;
    }
    return -1;
}

void MessagesModel::addPending(const QString &clientMsgId, const QString &text, qint64 timestampMs)
{
    const int at = rowCount();
    beginInsertRows({}, at, at);
    m_pending.append(PendingRow{clientMsgId, text, timestampMs, false, {}});
    endInsertRows();
    Q_EMIT countChanged();
}

void MessagesModel::setPendingFailed(const QString &clientMsgId, const QString &reason)
{
    const int i = pendingIndex(clientMsgId);
    if (i < 0)
        return;
    m_pending[i].failed = true;
    m_pending[i].failure = reason;
    const QModelIndex changed = index(int(m_rows.size()) + i);
    Q_EMIT dataChanged(changed, changed, {DeliveryRole, FailureRole});
}

void MessagesModel::setPendingSending(const QString &clientMsgId, const QString &newClientMsgId)
{
    const int i = pendingIndex(clientMsgId);
    if (i < 0)
        return;
    m_pending[i].failed = false;
    m_pending[i].failure.clear();
    if (!newClientMsgId.isEmpty())
        m_pending[i].clientMsgId = newClientMsgId;
    const QModelIndex changed = index(int(m_rows.size()) + i);
    Q_EMIT dataChanged(changed, changed, {DeliveryRole, FailureRole, ClientMsgIdRole});
}

bool MessagesModel::removePending(const QString &clientMsgId)
{
    const int i = pendingIndex(clientMsgId);
    if (i < 0)
        return false;
    const int at = int(m_rows.size()) + i;
    beginRemoveRows({}, at, at);
    m_pending.removeAt(i);
    endRemoveRows();
    if (at < rowCount())
        Q_EMIT dataChanged(index(at), index(at), {ShowHeaderRole});
    Q_EMIT countChanged();
    return true;
}

QString MessagesModel::pendingText(const QString &clientMsgId) const
{
    const int i = pendingIndex(clientMsgId);
    return i < 0 ? QString() : m_pending.at(i).text;
}

void MessagesModel::appendGap(qint64 afterSeq, qint64 count)
{
    if (count <= 0 || (!m_rows.isEmpty() && afterSeq + count <= m_rows.last().seq))
        return;
    Row row;
    row.seq = afterSeq + count; // the last of the missing ones: later events sort after it
    row.ts = QDateTime::currentMSecsSinceEpoch();
    row.kind = Kind::System;
    row.text = tr("%n event(s) from while you were away are no longer kept by the host.", "",
                  int(qMin<qint64>(count, std::numeric_limits<int>::max())));
    insertStored(row);
}

int MessagesModel::prependPage(const QList<RoomEvent> &events)
{
    const qint64 limit = m_rows.isEmpty() ? std::numeric_limits<qint64>::max() : firstSeq();
    // First every name the page mentions, so that a "left" can name someone whose join is on
    // the same page.
    for (const RoomEvent &event : events)
        learnNames(event);
    QList<Row> rows;
    rows.reserve(events.size());
    const RoomInfo *roomBefore = nullptr; // the last room_updated on this page
    for (const RoomEvent &event : events) {
        if (event.seq >= limit)
            break;
        if (!rows.isEmpty() && event.seq <= rows.last().seq)
            continue; // not ascending: drop rather than disorder the list
        if (auto row = rowFor(event, roomBefore))
            rows.append(*row);
        if (const auto *updated = event.as<Events::RoomUpdated>())
            roomBefore = &updated->room;
    }
    if (rows.isEmpty())
        return 0;
    const int n = int(rows.size());
    beginInsertRows({}, 0, n - 1);
    rows.append(std::move(m_rows));
    m_rows = std::move(rows);
    endInsertRows();
    // The former first row may now continue a group begun on this page.
    if (m_rows.size() > n) {
        const QModelIndex i = index(n);
        Q_EMIT dataChanged(i, i, {ShowHeaderRole});
    }
    Q_EMIT countChanged();
    return n;
}

qint64 MessagesModel::approximateBytes() const
{
    qint64 bytes = qint64(m_rows.capacity()) * qint64(sizeof(Row));
    for (const Row &r : m_rows)
        bytes += (r.authorId.capacity() + r.authorName.capacity() + r.text.capacity()) * 2;
    return bytes;
}
