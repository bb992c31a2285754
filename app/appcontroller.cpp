#include "appcontroller.h"

#include "connectionstatus.h"
#include "discovery/discoveryconfig.h"
#include "invite/invitelink.h"
#include "lanrooms.h"
#include "lobbyinput.h"
#include "localhosting.h"
#include "networkaddresses.h"
#include "protocol/protocol.h"
#include "quitsequence.h"
#include "roominvite.h"
#include "security/fingerprint.h"
#include "settingspath.h"

using namespace Qt::StringLiterals;
using namespace Client;

Q_LOGGING_CATEGORY(lcApp, "hearth.app")

AppController::AppController(const Options &options, RoomHost *host, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_client(new RoomClient(this))
    , m_settings(options.profile)
    , m_attention(new Attention(this))
    , m_knownHosts(hearthSettingsPath())
    , m_lobby(m_settings.loadLobby())
{
    m_settings.loadAttention(m_attention);
    connect(m_attention, &Attention::settingsChanged, this,
            [this] { m_settings.saveAttention(m_attention); });

    QString problem;
    const DiscoveryConfig discovery = DiscoveryConfig::fromEnvironment(&problem);
    if (!problem.isEmpty())
        qCWarning(lcApp).noquote() << problem;
    setUpHosting(host, discovery);
    setUpDiscovery(discovery);

    const DesktopIdentity::Options identityOptions{
        m_options.profile, m_options.identityFile, m_options.resetIdentity,
        m_options.ephemeralIdentity, m_options.deferIdentity};
    m_identity = new DesktopIdentity(identityOptions, m_settings, this);
    connect(m_identity, &DesktopIdentity::loaded, this, &AppController::onIdentityLoaded);
    if (m_identity->isReady())
        m_phase = Phase::Lobby; // deferred: see readIdentityThen()
    m_identity->start();

    connect(m_client, &RoomClient::ready, this, &AppController::onClientReady);
    connect(m_client, &RoomClient::connectionFailed, this, &AppController::onConnectionFailed);
    connect(m_client, &RoomClient::certificateMismatch, this,
            &AppController::onCertificateMismatch);
    connect(m_client, &RoomClient::peerFingerprintChanged, this,
            &AppController::certificateChanged);
    connect(m_client, &RoomClient::peerFingerprintChanged, this, &AppController::inviteChanged);
    connect(m_client, &RoomClient::stateChanged, this, &AppController::connectionChanged);
    // A lost connection comes back by itself: the client reconnects with backoff and resumes
    // the room (docs/protocol.md, "Reconnect and resume"); the banner counts the attempts.
    m_client->setAutoReconnect(true);
    connect(m_client, &RoomClient::reconnectAttemptChanged, this,
            &AppController::connectionChanged);
    connect(m_client, &RoomClient::unsentMessagesChanged, this, &AppController::connectionChanged);
    connect(m_client, &RoomClient::noticeReceived, this, [this](const Notice &notice) {
        if (notice.as<Notices::JoinPending>() && m_phase == Phase::Connecting) {
            setPhase(Phase::Connecting, tr("Waiting for the host to let you in…"));
            Q_EMIT joinPending();
        }
    });
}

AppController::~AppController()
{
    // The sessions refer to the client; they go first.
    delete m_session;
    delete m_retired;
}

void AppController::setPhase(Phase phase, const QString &busyText)
{
    const bool busyBefore = isBusy();
    const QString textBefore = m_busyText;
    m_busyText = busyText;
    if (m_phase != phase) {
        m_phase = phase;
        Q_EMIT phaseChanged();
    }
    if (busyBefore != isBusy() || textBefore != m_busyText)
        Q_EMIT busyChanged();
    if (phase == Phase::Lobby)
        rememberIdentityNote();
}

void AppController::setErrorText(const QString &text)
{
    showError(text);
}

void AppController::showError(const QString &text, const QString &code, bool nameError,
                              bool canWatchInstead)
{
    if (m_errorText == text && m_errorCode == code && m_nameError == nameError &&
        m_canWatchInstead == canWatchInstead)
        return;
    m_errorText = text;
    m_errorCode = code;
    m_nameError = nameError;
    m_canWatchInstead = canWatchInstead;
    Q_EMIT errorTextChanged();
}

void AppController::fail(const QString &message, const QString &code, bool nameError,
                         bool canWatchInstead)
{
    qCWarning(lcApp).noquote() << "failed:" << message << code;
    ++m_attempt;
    m_intent = Intent::None;
    // Back in the lobby first: closing the connection below reports its own failure, which
    // must not replace this message.
    showError(message, code, nameError, canWatchInstead);
    setPhase(Phase::Lobby);
    if (m_client->state() != RoomClient::State::Disconnected && !m_session)
        m_client->close();
    if (isHosting() && !m_session)
        m_localHost->stop({});
}

void AppController::setDisplayName(const QString &name)
{
    if (m_lobby.displayName == name)
        return;
    m_lobby.displayName = name;
    Q_EMIT settingsChanged();
}

void AppController::saveSettings()
{
    m_settings.saveLobby(m_lobby);
}

QString AppController::identityWarning() const
{
    return m_identity->warning();
}

void AppController::onIdentityLoaded()
{
    m_client->setIdentity(m_identity->identity());
    if (m_phase == Phase::Starting)
        setPhase(Phase::Lobby); // first: listeners of identityChanged may host or join at once
    else if (m_phase == Phase::Lobby)
        rememberIdentityNote();
    Q_EMIT identityChanged();
    if (auto then = std::exchange(m_afterIdentity, {})) {
        if (m_afterIdentityAttempt == m_attempt && m_phase == Phase::Connecting) {
            // Through the lobby's phase for a moment only (hostRoom() and joinRoom() start
            // from it): the note is not seen there, so it is not remembered as shown.
            m_identityNoteHeld = true;
            setPhase(Phase::Lobby);
            m_identityNoteHeld = false;
            then();
        }
    }
}

void AppController::readIdentityThen(std::function<void()> then)
{
    m_afterIdentity = std::move(then);
    m_afterIdentityAttempt = ++m_attempt; // cancel() bumps it: the action is dropped then
    setPhase(Phase::Connecting, tr("Reading your identity (your keyring may ask for its "
                                   "password)…"));
    m_identity->load();
}

void AppController::rememberIdentityNote()
{
    if (!m_identityNoteHeld)
        m_identity->noteShown();
}

bool AppController::isHosting() const
{
    return m_localHost->isHosting();
}

int AppController::serverPort() const
{
    return m_localHost->port();
}

QString AppController::serverAddress() const
{
    if (isHosting())
        return u"%1://%2:%3/"_s.arg(hostFingerprint().isEmpty() ? "ws"_L1 : "wss"_L1)
            .arg(lanAddress())
            .arg(serverPort());
    return m_client->url().toString();
}

QByteArray AppController::hostFingerprint() const
{
    return m_localHost->fingerprint();
}

QString AppController::hostFingerprintWords() const
{
    const QByteArray fingerprint = hostFingerprint();
    return fingerprint.isEmpty() ? QString() : Fingerprint::wordsText(fingerprint);
}

QString AppController::hostCertificateWarning() const
{
    return m_localHost->certificateWarning();
}

bool AppController::isConnectionLost() const
{
    return m_phase == Phase::Room && m_session && !m_session->room()->hasEnded() &&
           m_client->state() != RoomClient::State::Joined;
}

QString AppController::connectionText() const
{
    return isConnectionLost() ? ConnectionStatus::lostText(*m_client) : QString();
}

void AppController::hostRoom(const QString &roomName, int capacity, const QVariantMap &options)
{
    if (m_phase != Phase::Lobby || !isIdentityReady())
        return;
    if (!m_identity->isLoaded())
        return readIdentityThen([=, this] { hostRoom(roomName, capacity, options); });
    LobbyInput::Problem problem;
    const auto args = LobbyInput::createRoomArgs(roomName, capacity, options, m_lobby.displayName,
                                                 m_client->limits(), &problem);
    if (!args)
        return showError(problem.text, {}, problem.aboutName);
    setErrorText({});

    m_createArgs = *args;
    m_lobby.lastRoomName = m_createArgs.name;
    m_lobby.lastCapacity = m_createArgs.capacity;
    setPendingJoin({}, {});
    m_intent = Intent::Host;
    ++m_attempt;
    if (m_localHost->isReady()) {
        openOwnServer();
        return;
    }
    setPhase(Phase::Connecting, tr("Starting the room server…"));
    m_localHost->start();
}

void AppController::openOwnServer()
{
    // This app's own server: its certificate is known, so the connection expects exactly it
    // and nothing is trusted on first use.
    m_trust = {TrustSource::OwnHost, m_localHost->fingerprint()};
    openClient(m_localHost->loopbackUrl());
}

void AppController::joinRoom(const QString &host, const QString &code, bool spectator,
                             const QString &password)
{
    if (m_phase != Phase::Lobby || !isIdentityReady())
        return;
    if (!m_identity->isLoaded())
        return readIdentityThen([=, this] { joinRoom(host, code, spectator, password); });
    if (host.trimmed().isEmpty())
        return joinByCode(code, spectator, password);
    QString codeFromLink;
    QByteArray linkFingerprint;
    const auto url = NetworkAddresses::parseHostAddress(host, &codeFromLink, &linkFingerprint);
    if (!url)
        return setErrorText(tr("“%1” is not an address Hearth can use.").arg(host));
    const auto args =
        joinArgsFor(code.trimmed().isEmpty() ? codeFromLink : code, spectator, password);
    if (!args)
        return;

    m_joinArgs = *args;
    m_joinHostText = host.trimmed();
    m_joinUrl = *url;
    m_trust = trustFor(*url, linkFingerprint);
    // A room picked from the LAN list comes with the fingerprint its host announced: not
    // vouched for (announcements carry no proof), so it stands in for a first use only.
    if (m_trust.source == TrustSource::Pin && m_trust.expected.isEmpty())
        m_trust.expected = m_lanRooms->publicRooms()->announcedFingerprint(*url, args->code);
    setCertificateWarning({});
    setPendingJoin({}, {});
    m_intent = Intent::Join;
    ++m_attempt;
    openClient(*url);
}

void AppController::openClient(const QUrl &url)
{
    setPhase(Phase::Connecting, tr("Connecting to %1…").arg(url.host()));
    const auto state = m_client->state();
    if (m_client->url() == url &&
        (state == RoomClient::State::Connected || state == RoomClient::State::Joined)) {
        onClientReady();
        return;
    }
    m_client->setIdentity(m_identity->identity());
    m_client->setExpectedFingerprint(m_trust.expected);
    m_client->open(url);
}

void AppController::onClientReady()
{
    if (m_phase != Phase::Connecting)
        return;
    pinIfNeeded();
    const quint64 attempt = m_attempt;
    auto handle = [this, attempt](const Result<RoomSnapshot> &result) {
        if (attempt != m_attempt) {
            // Cancelled meanwhile; if the server seated us anyway, give the seat back.
            if (result.ok() && !m_session)
                m_client->leaveRoom(result.value->room.code, nullptr, {});
            return;
        }
        onSnapshot(result);
    };
    if (m_intent == Intent::Host) {
        setPhase(Phase::Connecting, tr("Creating the room…"));
        m_client->createRoom(m_createArgs, this, handle);
    } else if (m_intent == Intent::Join) {
        setPhase(Phase::Connecting, tr("Joining room %1…").arg(m_joinArgs.code));
        m_client->joinRoom(m_joinArgs, this, handle);
    }
}

void AppController::onConnectionFailed(const QString &message)
{
    if (m_phase != Phase::Connecting)
        return;
    if (!m_certificateWarning.text.isEmpty()) // the lobby asks what to do about it
        fail(tr("The join was stopped: the host's certificate changed."));
    else if (m_intent == Intent::Join)
        fail(tr("Cannot reach the host at %1. Check the address, and that Hearth is hosting "
                "there. (%2)")
                 .arg(m_joinUrl.authority(), message));
    else
        fail(tr("Cannot connect to the room server: %1").arg(message));
}

void AppController::onSnapshot(const Result<RoomSnapshot> &result)
{
    if (!result.ok()) {
        const RequestError &error = result.error;
        if (error.kind != RequestError::Kind::Server) {
            fail(error.text());
            return;
        }
        // A full room that takes spectators: offer to watch (a member's join only; the
        // server says so in room_full's "spectators").
        const bool watch = error.code() == ErrorCode::RoomFull &&
                           error.error.spectators.value_or(false) && m_intent == Intent::Join &&
                           m_joinArgs.role == Role::Member;
        fail(error.text(), errorCodeName(error.code()), error.code() == ErrorCode::NameTaken,
             watch);
        return;
    }
    const RoomSnapshot &snapshot = *result.value;
    qCInfo(lcApp) << (m_intent == Intent::Host ? "created" : "joined") << "room"
                  << snapshot.room.code << (snapshot.rejoined ? "(rejoined)" : "");
    if (m_intent == Intent::Join && !m_joinHostText.isEmpty()) // not when found by discovery
        m_lobby.lastHost = m_joinHostText;
    m_intent = Intent::None;
    saveSettings();
    Q_EMIT settingsChanged();

    auto *session = new RoomSession(m_client, snapshot, this);
    setSession(session);
    session->start();
    setPhase(Phase::Room);
    Q_EMIT connectionChanged();
}

void AppController::setSession(RoomSession *session)
{
    if (m_session == session)
        return;
    RoomSession *old = m_session;
    m_session = session;
    m_attention->setSession(session);
    if (session) {
        connect(session->room(), &RoomObject::changed, this, &AppController::connectionChanged);
    }
    Q_EMIT sessionChanged();
    Q_EMIT connectionChanged();
    if (old) {
        // Views that showed it may outlive this event (a Loader swapping pages, a test's
        // view): keep the old session alive, quiet, until the next one replaces it.
        old->detach();
        if (m_retired)
            m_retired->deleteLater();
        m_retired = old;
    }
}

void AppController::watchInstead()
{
    if (m_phase != Phase::Lobby || !m_canWatchInstead || !m_joinUrl.isValid())
        return;
    qCInfo(lcApp) << "the room is full; joining" << m_joinArgs.code << "as a spectator";
    m_joinArgs.role = Role::Spectator;
    showError({});
    m_intent = Intent::Join;
    ++m_attempt;
    openClient(m_joinUrl);
}

void AppController::openJoin(const QString &host, const QString &code)
{
    if (m_phase != Phase::Lobby || !isIdentityReady())
        return;
    if (checkDisplayName(m_lobby.displayName).isEmpty())
        return joinRoom(host, code, false, {});
    // No name yet: the lobby keeps the code and the address, and asks for the name.
    const LobbyInput::JoinFields fields = LobbyInput::joinFields(host, code);
    qCInfo(lcApp) << "the join of" << fields.code << "waits for a display name";
    showError({});
    setPendingJoin(fields.address, fields.code);
}

void AppController::setPendingJoin(const QString &host, const QString &code)
{
    if (m_pendingHost == host && m_pendingCode == code)
        return;
    m_pendingHost = host;
    m_pendingCode = code;
    Q_EMIT pendingJoinChanged();
}

void AppController::cancel()
{
    if (m_phase != Phase::Connecting)
        return;
    qCInfo(lcApp) << "cancelled";
    ++m_attempt;
    m_lanRooms->cancel();
    const bool wasHosting = m_intent == Intent::Host;
    m_intent = Intent::None;
    setPhase(Phase::Lobby); // first: the closing connection's failure is not an error now
    // Closing the connection also withdraws a join that waits for approval.
    m_client->close();
    if (wasHosting)
        m_localHost->stop({});
}

void AppController::leaveRoom()
{
    if (!m_session)
        return;
    if (isHosting()) {
        // The room lives in this app's server: the host's way out closes it for everyone.
        closeRoom();
        return;
    }
    RoomSession *session = m_session;
    connect(
        session, &RoomSession::leaveFinished, this,
        [this] {
            // The view goes before the session it shows.
            setPhase(Phase::Lobby);
            setSession(nullptr);
            m_client->close();
        },
        Qt::SingleShotConnection);
    session->leave();
}

void AppController::closeRoom()
{
    if (!m_session)
        return;
    RoomSession *session = m_session;
    connect(
        session, &RoomSession::leaveFinished, this,
        [this] {
            setPhase(Phase::Lobby);
            setSession(nullptr);
            m_client->close();
            m_localHost->stop({});
        },
        Qt::SingleShotConnection);
    if (m_session->room()->isHost())
        session->closeRoom();
    else
        session->leave();
}

void AppController::backToLobby()
{
    setPhase(Phase::Lobby);
    setSession(nullptr);
    m_client->close();
    if (isHosting())
        m_localHost->stop({});
}

void AppController::reconnect()
{
    if (!m_session)
        return;
    // The seat is still the client's to resume: try now rather than at the next attempt.
    if (m_client->state() == RoomClient::State::Reconnecting ||
        (m_client->state() == RoomClient::State::Disconnected &&
         m_client->seats().contains(m_session->code()))) {
        m_client->reconnectNow();
        return;
    }
    if (m_client->state() != RoomClient::State::Disconnected)
        return;
    // Take back the seat: the same identity joining again within graceSeconds is "rejoined".
    m_joinArgs =
        JoinRoomArgs{m_session->code(), m_lobby.displayName, m_session->room()->selfRole(), {}};
    if (m_joinArgs.role == Role::Host)
        m_joinArgs.role = Role::Member;
    m_joinUrl = m_client->url();
    // The certificate this session met: the same host, the same certificate.
    if (m_trust.expected.isEmpty())
        m_trust.expected = m_client->peerFingerprint();
    m_joinHostText = m_lobby.lastHost;
    m_intent = Intent::Join;
    ++m_attempt;
    setPhase(Phase::Lobby);
    setSession(nullptr);
    openClient(m_joinUrl);
}

void AppController::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_busyText = isHosting() ? tr("Closing the room…") : tr("Leaving…");
    Q_EMIT busyChanged();
    auto *quit = new QuitSequence(m_client, m_localHost, this);
    connect(quit, &QuitSequence::finished, this, &AppController::shutdownFinished);
    quit->start(m_session);
}

// --- Hosting ---------------------------------------------------------------------------------

void AppController::setUpHosting(RoomHost *host, const DiscoveryConfig &discovery)
{
    // The certificate is kept like the identity: in a file next to an identity file, thrown
    // away with a throwaway identity, made anew with a new one.
    const LocalHosting::Options hosting{m_options.profile,
                                        m_options.hostPort,
                                        m_options.database,
                                        m_options.bindAddress,
                                        m_options.identityFile.isEmpty()
                                            ? QString()
                                            : m_options.identityFile + u"-host-certificate.json"_s,
                                        m_options.ephemeralIdentity,
                                        m_options.resetIdentity};
    m_localHost = new LocalHosting(hosting, host, discovery, this);
    connect(m_localHost, &LocalHosting::hostingChanged, this, &AppController::hostingChanged);
    connect(m_localHost, &LocalHosting::started, this, [this] {
        if (m_intent == Intent::Host && m_phase == Phase::Connecting)
            openOwnServer();
    });
    connect(m_localHost, &LocalHosting::failed, this, [this](const QString &message) {
        fail(tr("The room server could not start: %1").arg(message));
    });
}
