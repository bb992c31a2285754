#pragma once

#include "protocol/limits.h"
#include "protocol/protocol.h"

#include <QtCore/QString>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>

// Everything a RoomServer can be told at start. `hearth serve` fills it from the command line;
// the desktop app and the tests fill it directly.
struct ServerConfig {
    QHostAddress bindAddress = QHostAddress::Any;
    quint16 port = Protocol::DefaultPort; // 0: any free port (see RoomServer::port())

    // Which WebSocket implementation serves the connections: Qt's QWebSocketServer (every
    // platform; TLS) or, where compiled in (HEARTH_NATIVE_TRANSPORT), the Linux fast path on
    // bare sockets (plain ws:// only, for deployments behind a TLS-terminating proxy).
    enum class Transport { Qt, Native };
    Transport transport = Transport::Qt;
    // wss:// with this certificate and its key (core/security/hostcertificate.h); both null:
    // plain ws://.
    QSslCertificate certificate;
    QSslKey privateKey;

    // An SQLite file path, or a PostgreSQL URL (postgresql://user:pass@host:port/db).
    QString database;

    Limits limits;

    int emptyRoomExpirySeconds = 600; // a room with nobody in it closes after this
    int helloTimeoutSeconds = 10;     // a connection must say hello within this
    // A connection must finish its TLS handshake and WebSocket upgrade within this (from its
    // accept), or it is closed with a log line.
    int handshakeTimeoutMs = 10000;
    int listenBacklog = 1024; // Qt's default of 50 stalls bursts of connects
    // A connection that does not read is dropped when this much waits for it (after handing
    // the kernel what it takes). Above the largest single reply: a 200-event history page.
    qint64 maxQueuedBytes = 4 << 20;

    // Failed joins (room_not_found, wrong_password) allowed per source address and overall.
    int joinFailureBurst = 10;
    int joinFailureRefillSeconds = 6;
    int joinFailuresPerMinuteTotal = 200;

    // Events kept per room; older ones are deleted (in steps of 256) and a client asking for
    // them is told how many are missing. 0: keep everything.
    qint64 historyLimit = 100000;

    // Live rooms the whole server holds at most; identities are free to make, so the per-host
    // limit alone does not bound this.
    int maxLiveRooms = 10000;

    // Refused requests in a row after which a flooding connection is closed.
    int maxConsecutiveRefusals = 50;

    // SQLite durability. Off ("normal", the default): a commit is in the operating system's
    // hands when it returns, so it survives a crash or kill -9 of the process, which is the
    // product's bar, at a fraction of a millisecond per group. On ("full"): every group commit
    // is also fsynced, surviving a power cut, and every reply and event waits for the disk.
    bool syncFull = false;
};
