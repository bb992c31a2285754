#pragma once

#include "discovery/discoveryconfig.h"
#include "discovery/lancodekey.h"
#include "discovery/lanwire.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>

class LanTransport;
class RoomServer;

// A room server's voice on the LAN (docs/protocol.md, "LAN discovery"): answers a joiner's
// query for a code it holds — only when the query proves knowledge of the code — vouching for
// the server's certificate (its fingerprint is bound into the answer's proof), and announces
// its public rooms (every few seconds, at once when they change, "gone" when one closes or
// turns private, "bye" when the server stops).
//
// Lives on the RoomServer's thread and reads it through RoomServer::liveRooms() only. The
// stretched code keys (about 145 ms each) are derived off that thread by a LanKeyCache as rooms
// appear; a room whose key is not ready yet does not answer yet (the finder asks again).
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

    // Make it once `server` listens: what it vouches for is read from the running server.
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
    // What answers and announcements carry: the server certificate's SHA-256, or empty when it
    // serves plain ws://.
    QByteArray fingerprint() const { return m_fingerprint; }
    // The fingerprint of the certificate `server` serves wss:// with (its url() says wss),
    // empty when it serves plain ws://. What a host vouches for and pins its own room with.
    static QByteArray servedFingerprint(const RoomServer &server);
    // Live rooms whose key is still being derived (they do not answer yet).
    int pendingKeys() const { return m_keys.pendingCount(); }
    // Whether room `code` answers queries yet (its key is derived).
    bool answersFor(const QString &code) const { return m_keys.hasKey(code); }

    // Figures, for tests and logs.
    qint64 answeredQueries() const { return m_answered; }
    qint64 ignoredDatagrams() const { return m_ignored; }

private:
    void onDatagram(const QByteArray &datagram, const QHostAddress &sender, quint16 senderPort);
    void answerQuery(const LanWire::Message &query, const QHostAddress &sender, quint16 senderPort);
    void poll();
    QList<LanWire::PublicRoom> publicRooms() const;
    // Starts deriving the keys of new live rooms and forgets those of rooms that are gone.
    void refreshKeys();
    // Takes `cost` room checks from the budget; false when it does not hold that many.
    bool spend(double cost);

    RoomServer *m_server;
    DiscoveryConfig m_config;
    Options m_options;
    LanTransport *m_transport = nullptr;
    QString m_instance;
    QByteArray m_fingerprint;
    QString m_error;
    QTimer m_pollTimer;
    QElapsedTimer m_sinceAnnounce;
    QElapsedTimer m_clock;
    double m_budget = 0;
    qint64 m_budgetAtMs = 0;
    QList<LanWire::PublicRoom> m_announced;
    LanKeyCache m_keys; // code -> LanCodeKey::derive(code), for live rooms
    qint64 m_answered = 0;
    qint64 m_ignored = 0;
};
