#pragma once

#include "discoveryconfig.h"
#include "lanwire.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QTimer>
#include <QtCore/QUrl>

class LanTransport;

// The public rooms hosts announce on the local network, live: a room appears when its host
// announces it, changes with each announcement, and disappears when the host says it is gone
// (closed, made private, server stopped) or when its host stays silent past the announced ttl.
// Rooms are told apart by the announcing server's instance and the code, so several hosts,
// several servers on one machine, and several rooms never mix.
class PublicRoomsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Listening for announcements (false: discovery is off or the port could not be bound).
    Q_PROPERTY(bool active READ isActive NOTIFY activeChanged)
    Q_PROPERTY(QString problem READ problem NOTIFY activeChanged)

public:
    enum Role {
        CodeRole = Qt::UserRole + 1,
        NameRole,
        HostNameRole,
        MembersRole,
        CapacityRole,
        LockedRole,
        HasPasswordRole,
        AddressRole, // wss://ADDRESS:PORT/ (ws:// for a host without TLS)
        InstanceRole,
        // The host's certificate fingerprint as the announcement gives it (64 hex digits; empty
        // without TLS). Unauthenticated, like everything announced: anybody on the LAN could
        // have sent it, so it is a first-use pin, not a vouched one (docs/protocol.md).
        FingerprintRole,
    };

    explicit PublicRoomsModel(const DiscoveryConfig &config, QObject *parent = nullptr);
    ~PublicRoomsModel() override;

    // Starts listening and asks hosts for their rooms at once. Idempotent.
    bool start();
    void stop();
    bool isActive() const { return m_listen != nullptr; }
    QString problem() const { return m_problem; }

    // Asks every host for its public rooms now (they answer within milliseconds).
    Q_INVOKABLE void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    struct Entry {
        QString instance;
        QHostAddress address;
        quint16 port = 0;
        QByteArray fingerprint = {}; // as announced; empty: no TLS
        LanWire::PublicRoom room;
        qint64 expiresAtMs = 0;
        // What AddressRole shows and a join connects to.
        QUrl url() const;
    };
    const QList<Entry> &entries() const { return m_entries; }
    // The fingerprint announced with room `code` at `url` (AddressRole's form), or empty when
    // no such room is listed or its host serves without TLS. How a join picked from this list
    // carries the announced certificate on to the connection.
    QByteArray announcedFingerprint(const QUrl &url, const QString &code) const;

Q_SIGNALS:
    void countChanged();
    void activeChanged();

private:
    void onDatagram(const QByteArray &datagram, const QHostAddress &sender);
    void removeWhere(const std::function<bool(const Entry &)> &predicate);
    void expire();

    DiscoveryConfig m_config;
    LanTransport *m_listen = nullptr; // the shared discovery port: announcements
    LanTransport *m_ask = nullptr;    // a port of its own: answers to our list requests
    QList<Entry> m_entries;
    QTimer m_expiry;
    QString m_problem;
};
