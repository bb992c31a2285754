#pragma once

#include <QtCore/QAbstractListModel>

// The host's waiting list: people asking to join a room that requires approval, oldest first.
// Filled from the join_request and join_request_cancelled notices; a row goes when the host
// admits or denies, or when the joiner gives up.
class JoinRequestsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, // "participantId"
        NameRole,                  // "name"
        RoleRole,                  // "role": "member" or "spectator"
    };
    Q_ENUM(Roles)

    explicit JoinRequestsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A request; the same participant asking again replaces the old row's values.
    void add(const QString &id, const QString &name, const QString &role);
    bool remove(const QString &id);
    void clear();

Q_SIGNALS:
    void countChanged();

private:
    struct Request {
        QString id;
        QString name;
        QString role;
    };
    QList<Request> m_rows;
};
