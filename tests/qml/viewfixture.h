#pragma once

#include "appcontroller.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTemporaryDir>

#include <memory>

class RelayServer;
class RoomServer;

// What the Qt Quick tests of the views need around them, all real: AppControllers (hosting
// through the embedded server, or joining), protocol clients playing the other people in the
// room, and a server with relaxed rate limits for long histories. Exposed to QML as `fixture`.
class ViewFixture : public QObject
{
    Q_OBJECT
public:
    explicit ViewFixture(QObject *parent = nullptr);
    ~ViewFixture() override;

    // A new controller with its own profile and identity, in the lobby once its identity is
    // read (phase Lobby). Owned by the fixture until reset().
    Q_INVOKABLE AppController *newController(const QString &displayName);
    // Another controller on the profile (settings and identity) of `app`, as when Hearth is
    // started again: for settings that must be remembered.
    Q_INVOKABLE AppController *restartedController(AppController *app);

    // Someone else joining the room of `host` (an AppController in a room) as a protocol
    // client. `waiting` is for rooms that need approval: no wait for the answer.
    Q_INVOKABLE void addGuest(AppController *host, const QString &name, bool spectator = false);
    Q_INVOKABLE bool guestJoined(const QString &name) const;
    Q_INVOKABLE void guestSay(const QString &name, const QString &text);
    Q_INVOKABLE void guestSetStatus(const QString &name, const QString &flag, bool on);
    Q_INVOKABLE void guestLeave(const QString &name);
    Q_INVOKABLE QString guestId(const QString &name) const;

    // A room on a server with relaxed rate limits holding `messages` chat messages; returns
    // "ws://127.0.0.1:PORT/ CODE" for a controller to join (see joinBulkRoom()).
    Q_INVOKABLE QString bulkRoom(int messages);
    Q_INVOKABLE void joinBulkRoom(AppController *app);
    Q_INVOKABLE bool bulkRoomReady() const { return m_bulkReady; }

    // Drops a controller's connection as a pulled cable would (the view shows its banner).
    Q_INVOKABLE void dropConnection(AppController *app);
    // Breaks `app`'s connection abruptly (no close frame): its client reconnects by itself.
    Q_INVOKABLE void breakConnection(AppController *app);
    // The text of a file (an exported transcript).
    Q_INVOKABLE QString readFile(const QString &path) const;

    // A TLS front (wss://, a fresh self-signed certificate) before `host`'s embedded server
    // (which it reaches over wss://, accepting only the host's own certificate): the host as
    // seen through another certificate. Returns "wss://127.0.0.1:PORT/". With `samePort`, the
    // front before replaced by one with another certificate on its port (a reinstalled host,
    // or someone in between).
    Q_INVOKABLE QString tlsFront(AppController *host, bool samePort = false);
    // The four words of the front's certificate.
    Q_INVOKABLE QString tlsFrontWords() const;
    // The fingerprint of the certificate `host`'s embedded server serves, as links write it
    // (64 hex digits; "" when not hosting).
    Q_INVOKABLE QString fingerprintHex(AppController *host) const;
    // Where a test saves a screenshot named `name`: in $HEARTH_SCREENSHOT_DIR, or "" (none
    // taken) when it is not set.
    Q_INVOKABLE QString screenshotPath(const QString &name) const;
    // The words of the certificate `app` has pinned for `address` ("" when none).
    Q_INVOKABLE QString pinnedWords(AppController *app, const QString &address) const;

    // Everything back to nothing: guests gone, controllers shut down and deleted.
    Q_INVOKABLE void reset();

private:
    struct Guest {
        QString name;
        RoomClient *client = nullptr;
        QString room;
    };
    const Guest *guest(const QString &name) const;

    QTemporaryDir m_dir;
    int m_controllers = 0;
    QList<AppController *> m_apps;
    QHash<AppController *, QString> m_profiles;
    QList<Guest> m_guests;
    std::unique_ptr<RoomServer> m_bulkServer;
    std::unique_ptr<RelayServer> m_tlsFront;
    QByteArray m_tlsFrontFingerprint;
    RoomClient *m_bulkHost = nullptr;
    QString m_bulkCode;
    bool m_bulkReady = false;
};
