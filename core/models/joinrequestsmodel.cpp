#include "joinrequestsmodel.h"

JoinRequestsModel::JoinRequestsModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int JoinRequestsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant JoinRequestsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Request &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return r.name;
    case IdRole:
        return r.id;
    case RoleRole:
        return r.role;
    default:
        return {};
    }
}

QHash<int, QByteArray> JoinRequestsModel::roleNames() const
{
    return {{IdRole, "participantId"}, {NameRole, "name"}, {RoleRole, "role"}};
}

void JoinRequestsModel::add(const QString &id, const QString &name, const QString &role)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id) {
            m_rows[row] = Request{id, name, role};
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i);
            return;
        }
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Request{id, name, role});
    endInsertRows();
    Q_EMIT countChanged();
}

bool JoinRequestsModel::remove(const QString &id)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
            Q_EMIT countChanged();
            return true;
        }
    }
    return false;
}

void JoinRequestsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
    Q_EMIT countChanged();
}
