#pragma once

#include "client/knownhosts.h"
#include "client/roomclient.h"
#include "desktopidentity.h"
#include "desktopsettings.h"
#include "discovery/publicroomsmodel.h"
#include "models/attention.h"
#include "models/roomsession.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QUrl>
#include <QtCore/QVariantMap>

#include <functional>
#include <optional>

class LanRooms;
class LocalHosting;
class RoomHost;

Q_DECLARE_LOGGING_CATEGORY(lcApp)

// The desktop program's state, shared by the window (QML) and the headless host: the lobby,
// hosting (embedded server, then create_room over loopback), joining by code, the current
// room session, and quitting cleanly. Errors and progress are properties, never dialogs.
//
// Both hosting and joining go through one RoomClient speaking the protocol: the host's own
// window is a client of its embedded server exactly like a remote joiner's. The server itself
// is behind RoomHost, so that this class (and the views above it) never link it.
class AppController : public QObject
{
    Q_OBJECT
    // Where the person is: Starting (reading the identity) → Lobby → Connecting → Room.
    Q_PROPERTY(Phase phase READ phase NOTIFY phaseChanged)
    // A long operation is under way (busyText says which); the lobby shows progress.
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)
    // Why the last host/join attempt failed, in plain words; writable so the view can clear it.
    Q_PROPERTY(QString errorText READ errorText WRITE setErrorText NOTIFY errorTextChanged)
    // The server's stable code for that failure ("name_taken", "room_full", …; docs/protocol.md),
    // empty when the failure was not the server's answer. Cleared with errorText.
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY errorTextChanged)
    // The failure is about the display name (taken in that room, or not usable): the lobby
    // shows it next to the name field and puts the focus there.
    Q_PROPERTY(bool nameError READ isNameError NOTIFY errorTextChanged)
    // The room was full but takes spectators (room_full with "spectators": true): the lobby
    // offers watchInstead().
    Q_PROPERTY(bool canWatchInstead READ canWatchInstead NOTIFY errorTextChanged)
    // A join that waits for a name: a hearth:// link or `hearth join CODE` opened without a
    // saved display name (openJoin()). The lobby puts the code (and the address) in its fields
    // and asks for the name; empty otherwise.
    Q_PROPERTY(QString pendingCode READ pendingCode NOTIFY pendingJoinChanged)
    Q_PROPERTY(QString pendingHost READ pendingHost NOTIFY pendingJoinChanged)
    // Remembered between runs (QSettings).
    Q_PROPERTY(QString displayName READ displayName WRITE setDisplayName NOTIFY settingsChanged)
    Q_PROPERTY(QString lastHost READ lastHost NOTIFY settingsChanged)
    Q_PROPERTY(QString lastRoomName READ lastRoomName NOTIFY settingsChanged)
    Q_PROPERTY(int lastCapacity READ lastCapacity NOTIFY settingsChanged)
    // Set when the identity is not safely in the keychain, in plain words: a temporary identity
    // (every time), or the file fallback (on the first launch that uses it: remembered).
    Q_PROPERTY(QString identityWarning READ identityWarning NOTIFY identityChanged)
    // Hosting and joining may be asked for: the identity is read, or will be read when asked
    // (deferIdentity).
    Q_PROPERTY(bool identityReady READ isIdentityReady NOTIFY identityChanged)
    // This app runs the room's server (host mode).
    Q_PROPERTY(bool hosting READ isHosting NOTIFY hostingChanged)
    // Where joiners reach the server: wss://<LAN address>:<port>/ while hosting, else the
    // address this app joined.
    Q_PROPERTY(QString serverAddress READ serverAddress NOTIFY hostingChanged)
    Q_PROPERTY(int serverPort READ serverPort NOTIFY hostingChanged)
    // While hosting: the four words of the certificate this app's room server serves wss://
    // with ("mango · silent · orbit · twelve"), for the host's room view to show beside the
    // code so joiners can compare them aloud. Empty when not hosting or serving plain ws://.
    Q_PROPERTY(QString hostFingerprintWords READ hostFingerprintWords NOTIFY hostingChanged)
    // Why this computer's host certificate is not the lasting one, or that it is kept in a file,
    // in plain words; empty when it is safely in the keychain (or not read yet).
    Q_PROPERTY(QString hostCertificateWarning READ hostCertificateWarning NOTIFY hostingChanged)
    // The room you are in, or null.
    Q_PROPERTY(RoomSession *session READ session NOTIFY sessionChanged)
    Q_PROPERTY(RoomClient *client READ client CONSTANT)
    // True while the room view is shown but the connection is down (the view's banner).
    Q_PROPERTY(bool connectionLost READ isConnectionLost NOTIFY connectionChanged)
    Q_PROPERTY(QString connectionText READ connectionText NOTIFY connectionChanged)
    // Text to hand to friends: the room's name, code and address.
    Q_PROPERTY(QString inviteText READ inviteText NOTIFY inviteChanged)
    // --- LAN discovery and invites ---
    // hearth://ADDRESS:PORT/CODE for the room you are in (empty outside a room).
    Q_PROPERTY(QString inviteLink READ inviteLink NOTIFY inviteChanged)
    // The public rooms hosts announce on the LAN (listening starts with watchPublicRooms()).
    Q_PROPERTY(PublicRoomsModel *publicRooms READ publicRooms CONSTANT)
    // The last code-only join found no host: the lobby offers address entry and a firewall hint.
    Q_PROPERTY(bool discoveryFailed READ hasDiscoveryFailed NOTIFY discoveryFailedChanged)
    // --- Trust (docs/protocol.md, "Trust") ---
    // The four words of the certificate the current connection was made with ("mango · silent ·
    // orbit · twelve"): while hosting, the host's own certificate (its window is a client of its
    // own server); for a joiner, the certificate it actually connected to. Empty over ws://.
    Q_PROPERTY(QString certificateWords READ certificateWords NOTIFY certificateChanged)
    // A join stopped because the host's certificate is not the one pinned for it: the warning
    // in plain words (naming both sets of words), the host ("192.168.1.5:47800") and both sets.
    // trustNewCertificate() replaces the pin and joins again; dismissCertificateWarning()
    // keeps the old pin. Empty when there is nothing to decide.
    Q_PROPERTY(QString certificateWarning READ certificateWarning NOTIFY certificateWarningChanged)
    Q_PROPERTY(
        QString certificateWarningHost READ certificateWarningHost NOTIFY certificateWarningChanged)
    Q_PROPERTY(
        QString newCertificateWords READ newCertificateWords NOTIFY certificateWarningChanged)
    Q_PROPERTY(
        QString pinnedCertificateWords READ pinnedCertificateWords NOTIFY certificateWarningChanged)
    // Calling for attention while the window is behind others (unread count, alert,
    // notification, sound, tray); follows the current session, its settings are remembered.
    Q_PROPERTY(Attention *attention READ attention CONSTANT)

public:
    enum class Phase { Starting, Lobby, Connecting, Room };
    Q_ENUM(Phase)

    struct Options {
        QString profile;      // a second identity and settings set on one machine
        int hostPort = -1;    // -1: 47800 if free, else any free port
        QString database;     // empty: the data directory's host[-profile].sqlite
        QString bindAddress;  // empty: all interfaces
        QString identityFile; // non-empty: keep the identity in this file (no keychain)
        bool resetIdentity = false;
        bool ephemeralIdentity = false; // a throwaway identity, kept nowhere (demo, bench)
        // Read the identity when the person first hosts or joins, not at startup: reading the
        // keychain may make the desktop ask for the keyring's password, which should follow
        // something the person did (the desktop window sets it).
        bool deferIdentity = false;
    };

    // `host` runs the room server when this app hosts (the binary's EmbeddedServer); the
    // controller takes it over. Null: hosting fails, saying so (joining works).
    AppController(const Options &options, RoomHost *host, QObject *parent = nullptr);
    ~AppController() override;

    Phase phase() const { return m_phase; }
    bool isBusy() const { return m_phase == Phase::Connecting || m_shuttingDown; }
    QString busyText() const { return m_busyText; }
    QString errorText() const { return m_errorText; }
    void setErrorText(const QString &text);
    QString errorCode() const { return m_errorCode; }
    bool isNameError() const { return m_nameError; }
    bool canWatchInstead() const { return m_canWatchInstead; }
    QString pendingCode() const { return m_pendingCode; }
    QString pendingHost() const { return m_pendingHost; }
    QString displayName() const { return m_lobby.displayName; }
    void setDisplayName(const QString &name);
    QString lastHost() const { return m_lobby.lastHost; }
    QString lastRoomName() const { return m_lobby.lastRoomName; }
    int lastCapacity() const { return m_lobby.lastCapacity; }
    QString identityWarning() const;
    bool isIdentityReady() const { return m_identity->isReady(); }
    const Identity &identity() const { return m_identity->identity(); }
    bool isHosting() const;
    QString serverAddress() const;
    int serverPort() const;
    // The running room server's certificate fingerprint (SHA-256); empty when not hosting.
    QByteArray hostFingerprint() const;
    QString hostFingerprintWords() const;
    QString hostCertificateWarning() const;
    // The certificate fingerprint the current join expects at m_joinUrl (see the member).
    // The certificate the current join expects because something vouched for it: the room
    // code's discovery answer, or this app's own server (tests read it).
    QByteArray vouchedFingerprint() const
    {
        const bool vouched =
            m_trust.source == TrustSource::Vouched || m_trust.source == TrustSource::OwnHost;
        return vouched ? m_trust.expected : QByteArray();
    }
    RoomSession *session() const { return m_session; }
    RoomClient *client() const { return m_client; }
    Attention *attention() const { return m_attention; }
    bool isConnectionLost() const;
    QString connectionText() const;
    QString inviteText() const;

    // --- LAN discovery and invites (grouped: see the section in appcontroller.cpp) ---
    QString inviteLink() const;
    PublicRoomsModel *publicRooms() const;
    bool hasDiscoveryFailed() const;
    // Starts listening for public rooms (the lobby calls it when shown) and asks hosts now.
    Q_INVOKABLE void watchPublicRooms();
    // What others on the network need while hosting: {"addresses": ["192.168.1.5", …],
    // "port": 47800, "links": ["hearth://192.168.1.5:47800/CODE", …], "discoveryPort": 47800,
    // "discoverable": bool, "problem": why not}.
    Q_INVOKABLE QVariantMap networkCheck() const;
    // This machine's addresses others may reach: IPv4 of up interfaces (private ones first),
    // then global IPv6. Loopback only when there is nothing else.
    static QStringList lanAddresses();

    // Starts the embedded server, creates the room over loopback and joins it as host.
    // Options: spectators, approval, locked, isPublic (bools), password (string).
    Q_INVOKABLE void hostRoom(const QString &roomName, int capacity, const QVariantMap &options);
    // Connects to `host` (an address, host:port, ws:// URL or hearth:// link) and joins. With
    // no host, looks the code up on the LAN first (discovery) and joins the host that has it.
    Q_INVOKABLE void joinRoom(const QString &host, const QString &code, bool spectator,
                              const QString &password);
    // A join from outside the lobby (a hearth:// link, `hearth join [ADDRESS] CODE`): joins at
    // once when the display name is usable, else keeps the code and address as pendingCode and
    // pendingHost for the lobby to ask for the name, and to join with.
    Q_INVOKABLE void openJoin(const QString &host, const QString &code);
    // After room_full in a room that takes spectators (canWatchInstead): the same join again,
    // as a spectator.
    Q_INVOKABLE void watchInstead();
    // Gives up connecting/joining (also a join waiting for the host's approval).
    Q_INVOKABLE void cancel();
    // Leaves the room (joiners) or closes it (the host: it stops the embedded server).
    Q_INVOKABLE void leaveRoom();
    Q_INVOKABLE void closeRoom();
    // From a room that ended (closed, kicked) back to the lobby.
    Q_INVOKABLE void backToLobby();
    // After a lost connection: try again now (the client also does on its own, with
    // backoff) and take back the seat.
    Q_INVOKABLE void reconnect();
    // Quitting: the host closes the room (joiners are told) and stops the server; a joiner
    // leaves. shutdownFinished() follows (within a few seconds at worst).
    Q_INVOKABLE void shutdown();

    // Live validation of a typed code: {"code": canonical prefix, "valid": bool,
    // "complete": bool}.
    Q_INVOKABLE QVariantMap checkCode(const QString &typed) const;
    // Empty when acceptable, else what is wrong, in plain words.
    Q_INVOKABLE QString checkDisplayName(const QString &name) const;
    Q_INVOKABLE QString checkRoomName(const QString &name) const;

    // "192.168.1.5", "host:47801", "ws://host:47801/", "hearth://host:47801/XJ9K2M".
    // `code` receives the code a hearth:// link carries.
    static std::optional<QUrl> parseHostAddress(const QString &typed, QString *code = nullptr);
    // This machine's address on the LAN (the first private IPv4 of an interface that is up),
    // or 127.0.0.1.
    static QString lanAddress();

    // --- Trust ---
    QString certificateWords() const;
    QString certificateWarning() const { return m_certificateWarning.text; }
    QString certificateWarningHost() const { return m_certificateWarning.host; }
    QString newCertificateWords() const;
    QString pinnedCertificateWords() const;
    // After a changed certificate (certificateWarning): pin the new one and join again.
    Q_INVOKABLE void trustNewCertificate();
    // Keep the old pin; nothing is joined.
    Q_INVOKABLE void dismissCertificateWarning();
    // The hosts met over wss:// and their pinned certificates (the app's settings file).
    KnownHosts &knownHosts() { return m_knownHosts; }

Q_SIGNALS:
    void phaseChanged();
    void busyChanged();
    void errorTextChanged();
    void settingsChanged();
    void identityChanged();
    void hostingChanged();
    void sessionChanged();
    void connectionChanged();
    // The join waits for the host's approval (busyText says so too).
    void joinPending();
    void inviteChanged();
    void discoveryFailedChanged();
    void pendingJoinChanged();
    void shutdownFinished();
    void certificateChanged();
    void certificateWarningChanged();

private:
    enum class Intent { None, Host, Join };

    // Why a join trusts the certificate it expects (docs/protocol.md, "Trust").
    enum class TrustSource {
        None,    // plain ws://: nothing to check
        Pin,     // by address: the pinned fingerprint, or any on first use (then pinned)
        Link,    // a hearth:// link's fingerprint (pinned once the join succeeds)
        Vouched, // the room code's LAN discovery answer vouched for it; not pinned
        OwnHost, // this app's own embedded host
    };
    struct Trust {
        TrustSource source = TrustSource::None;
        QByteArray expected = {}; // empty: any (first use)
    };
    struct CertificateWarning {
        QString text;
        QString host; // "192.168.1.5:47800"
        QUrl url;
        QByteArray pinned;
        QByteArray shown;
    };

    void setPhase(Phase phase, const QString &busyText = {});
    // Back to the lobby with an error: its text, the server's code when it refused, whether it
    // is about the name, whether watching instead is possible.
    void fail(const QString &message, const QString &code = {}, bool nameError = false,
              bool canWatchInstead = false);
    void showError(const QString &text, const QString &code = {}, bool nameError = false,
                   bool canWatchInstead = false);
    void setPendingJoin(const QString &host, const QString &code);
    void onIdentityLoaded();
    // Deferred identity: reads it (once), showing progress, then runs `then` unless cancelled.
    void readIdentityThen(std::function<void()> then);
    // The lobby shows the file fallback's note now: later launches need not show it again.
    void rememberIdentityNote();
    // Connects (unless already connected there) expecting m_trust's fingerprint.
    void openClient(const QUrl &url);
    // Hosting: connects to this app's own server, expecting its certificate.
    void openOwnServer();
    // The trust of a join by address or link to `url`: the link's fingerprint, else the pin.
    Trust trustFor(const QUrl &url, const QByteArray &linkFingerprint) const;
    void onCertificateMismatch(const QByteArray &expected, const QByteArray &actual);
    // After a successful hello: pin what a join by address or link met.
    void pinIfNeeded();
    void setCertificateWarning(const CertificateWarning &warning);
    void onClientReady();
    void onConnectionFailed(const QString &message);
    void onSnapshot(const Client::Result<RoomSnapshot> &result);
    void setSession(RoomSession *session);
    void saveSettings();
    void setUpHosting(RoomHost *host, const DiscoveryConfig &discovery);
    // Discovery: the code-only join's lookup and its outcomes.
    void setUpDiscovery(const DiscoveryConfig &discovery);
    // The join_room arguments for a typed code and the remembered name; nullopt (with the
    // error shown) when either is not usable.
    std::optional<Client::JoinRoomArgs> joinArgsFor(const QString &code, bool spectator,
                                                    const QString &password);
    void joinByCode(const QString &code, bool spectator, const QString &password);
    void onCodeFound(const QUrl &serverUrl, const QString &code, const QByteArray &fingerprint);
    // The host that has the code was found: join it, expecting the certificate the discovery
    // answer vouched for (empty: a host that serves plain ws://). No pin is involved.
    void joinFoundHost(const QUrl &serverUrl, const QByteArray &vouchedFingerprint);
    void onCodeNotFound(const QString &code, const QString &message);

    Options m_options;
    RoomClient *m_client = nullptr;
    LocalHosting *m_localHost = nullptr;
    DesktopSettings m_settings;
    DesktopIdentity *m_identity = nullptr;
    Attention *m_attention = nullptr;
    QPointer<RoomSession> m_session;
    QPointer<RoomSession> m_retired; // the previous session, kept for views still showing it

    Phase m_phase = Phase::Starting;
    QString m_busyText;
    QString m_errorText;
    QString m_errorCode;
    bool m_nameError = false;
    bool m_canWatchInstead = false;
    QString m_pendingCode;
    QString m_pendingHost;
    bool m_shuttingDown = false;
    // Passing through the lobby on the way to a deferred host or join: the identity's note is
    // not seen there.
    bool m_identityNoteHeld = false;
    std::function<void()> m_afterIdentity; // a host or join waiting for the deferred read
    quint64 m_afterIdentityAttempt = 0;

    // What the current Connecting phase is for.
    Intent m_intent = Intent::None;
    Client::CreateRoomArgs m_createArgs;
    Client::JoinRoomArgs m_joinArgs;
    QString m_joinHostText; // as typed, remembered as lastHost on success
    QUrl m_joinUrl;
    Trust m_trust; // of the current (or last) connection attempt
    KnownHosts m_knownHosts;
    CertificateWarning m_certificateWarning;
    quint64 m_attempt = 0; // bumps on cancel: late answers of an old attempt are ignored

    LanRooms *m_lanRooms = nullptr;

    DesktopSettings::Lobby m_lobby;
};
