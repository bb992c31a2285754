#pragma once

#include "serverconfig.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUrl>

#include <memory>

class RoomServerPrivate;

// The room server: accepts WebSocket connections, speaks protocol v2 (docs/protocol.md), keeps
// rooms and their rules, and persists through a Storage on its own thread.
//
// Lives on the thread that creates it (the main thread for `hearth serve`, a worker thread in
// the desktop app's host mode). Not thread-safe: call it from that thread only.
class RoomServer : public QObject
{
    Q_OBJECT
public:
    explicit RoomServer(ServerConfig config, QObject *parent = nullptr);
    ~RoomServer() override;

    // Opens the database (creating or migrating the schema), loads live rooms and starts
    // listening. False on failure, with errorString() saying why.
    bool start();

    // Stops accepting, closes every connection with 1001 (going away) and flushes pending
    // writes. stopped() is emitted when the last write is durable.
    void stop();

    bool isListening() const;
    quint16 port() const;
    QUrl url() const; // ws:// or wss://address:port/ as reachable from this machine
    // True when connections are wss:// (the config has a certificate).
    bool isSecure() const;
    // The SHA-256 fingerprint of the certificate served (Fingerprint::of); empty for ws://.
    QByteArray certificateFingerprint() const;
    QString errorString() const;
    const ServerConfig &config() const;

    // Live figures, for logs and benchmarks.
    int connectionCount() const;
    int roomCount() const;

    // --- LAN discovery (server/lan) reads the live rooms through this, and nothing else ---
    struct RoomListing {
        QString code;
        QString name;
        QString hostName; // the current host's display name
        int members = 0;  // seats taken (host and members; spectators do not count)
        int capacity = 0;
        bool isPublic = false;
        bool locked = false;
        bool hasPassword = false;
    };
    // Every live room, in no particular order. Cheap: no I/O, shared strings.
    QList<RoomListing> liveRooms() const;

Q_SIGNALS:
    void stopped();

private:
    std::unique_ptr<RoomServerPrivate> d;
};
