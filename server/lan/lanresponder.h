#pragma once

#include "discovery/discoveryconfig.h"
#include "discovery/lanwire.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>

class LanTransport;
class RoomServer;

// A room server's voice on the LAN (docs/protocol.md, "LAN discovery"): answers a joiner's
// query for a code it holds — only when the query proves knowledge of the code — and announces
// its public rooms (every few seconds, at once when they change, "gone" when one closes or
// turns private, "bye" when the server stops).
//
// Lives on the RoomServer's thread and reads it through RoomServer::liveRooms() only.
class LanResponder : public QObject
{
    Q_OBJECT
public:
    struct Options {
        int pollMs = 1000;          // how often the public rooms are compared with the last sent
        int announceEveryMs = 3000; // announcements repeat at least this often
        int ttlSeconds = 10;        // listeners forget silent hosts' rooms after this
        // A query costs one HMAC per live room; all sources together get this many room checks
        // a second (about a tenth of a core), so a flood cannot take the server's thread.
        double checksPerSecond = 20000;
        double checkBurst = 40000;
        int maxPublicRooms = 200; // announced per server; more would flood a LAN
    };

    LanResponder(RoomServer *server, const DiscoveryConfig &config, QObject *parent = nullptr);
    LanResponder(RoomServer *server, const DiscoveryConfig &config, const Options &options,
                 QObject *parent = nullptr);
    // Says bye if still running.
    ~LanResponder() override;

    // Binds the shared discovery port. False (errorString()) when it cannot.
    bool start();
    // Tells listeners this server's rooms are gone, and stops listening.
    void stop();
    bool isRunning() const { return m_transport != nullptr; }
    QString errorString() const { return m_error; }
    QString instance() const { return m_instance; }
    quint16 discoveryPort() const { return m_config.port; }

    // Figures, for tests and logs.
    qint64 answeredQueries() const { return m_answered; }
    qint64 ignoredDatagrams() const { return m_ignored; }

private:
    void onDatagram(const QByteArray &datagram, const QHostAddress &sender, quint16 senderPort);
    void answerQuery(const LanWire::Message &query, const QHostAddress &sender, quint16 senderPort);
    void poll();
    QList<LanWire::PublicRoom> publicRooms() const;
    QByteArray keyFor(const QString &code);
    // Takes `cost` room checks from the budget; false when it does not hold that many.
    bool spend(double cost);

    RoomServer *m_server;
    DiscoveryConfig m_config;
    Options m_options;
    LanTransport *m_transport = nullptr;
    QString m_instance;
    QString m_error;
    QTimer m_pollTimer;
    QElapsedTimer m_sinceAnnounce;
    QElapsedTimer m_clock;
    double m_budget = 0;
    qint64 m_budgetAtMs = 0;
    QList<LanWire::PublicRoom> m_announced;
    QHash<QString, QByteArray> m_keys; // code -> LanWire::codeKey(code), for live rooms
    qint64 m_answered = 0;
    qint64 m_ignored = 0;
};
