#include "appcontroller.h"

#include "discovery/codefinder.h"
#include "discovery/discoveryconfig.h"
#include "embeddedserver.h"
#include "invite/invitelink.h"
#include "protocol/protocol.h"
#include "protocol/roomcode.h"
#include "protocol/textrules.h"
#include "settingspath.h"

#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;
using namespace Client;

Q_LOGGING_CATEGORY(lcApp, "hearth.app")

namespace {

// Quitting must not hang on a host that does not answer.
constexpr int ShutdownTimeoutMs = 4000;

QString settingsPrefix(const QString &profile)
{
    return profile.isEmpty() ? u"desktop/"_s : u"profile-"_s + profile + u'/';
}

bool isPrivateIPv4(const QHostAddress &address)
{
    const quint32 ip = address.toIPv4Address();
    return (ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1u) ||
           (ip >> 16) == ((192u << 8) | 168u);
}

} // namespace

AppController::AppController(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_client(new RoomClient(this))
    , m_server(new EmbeddedServer(this))
    , m_attention(new Attention(this))
{
    const QString prefix = settingsPrefix(m_options.profile);
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    m_displayName = settings.value(prefix + u"displayName"_s).toString();
    m_lastHost = settings.value(prefix + u"lastHost"_s).toString();
    m_lastRoomName = settings.value(prefix + u"lastRoomName"_s).toString();
    m_lastCapacity = qBound(1, settings.value(prefix + u"lastCapacity"_s, 10).toInt(), 50);
    loadAttentionSettings();
    connect(m_attention, &Attention::settingsChanged, this, &AppController::saveAttentionSettings);

    IdentityStore::Options identityOptions = IdentityStore::optionsForProfile(m_options.profile);
    if (!m_options.identityFile.isEmpty()) {
        identityOptions.forceFile = true;
        identityOptions.filePath = m_options.identityFile;
    }
    identityOptions.ephemeral = m_options.ephemeralIdentity;
    m_identity = new IdentityStore(identityOptions, this);
    connect(m_identity, &IdentityStore::loaded, this, &AppController::onIdentityLoaded);
    if (m_options.resetIdentity) {
        connect(m_identity, &IdentityStore::forgotten, m_identity, &IdentityStore::load);
        m_identityLoading = true;
        m_identity->forget();
    } else if (m_options.deferIdentity) {
        // Nothing is read yet; the lobby is usable at once (see readIdentityThen()).
        m_identityReady = true;
        m_phase = Phase::Lobby;
    } else {
        m_identityLoading = true;
        m_identity->load();
    }

    connect(m_client, &RoomClient::ready, this, &AppController::onClientReady);
    connect(m_client, &RoomClient::connectionFailed, this, &AppController::onConnectionFailed);
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

    setUpDiscovery();

    connect(m_server, &EmbeddedServer::started, this, [this](quint16 port) {
        m_serverPort = port;
        m_hosting = true;
        Q_EMIT hostingChanged();
        if (m_intent == Intent::Host && m_phase == Phase::Connecting)
            openClient(QUrl(u"ws://127.0.0.1:%1/"_s.arg(port)));
    });
    connect(m_server, &EmbeddedServer::failed, this, [this](const QString &message) {
        if (m_triedDefaultPort) {
            // 47800 is taken (another Hearth, perhaps): any free port will do.
            m_triedDefaultPort = false;
            qCInfo(lcApp) << "default port busy; hosting on a free port instead";
            m_options.hostPort = 0;
            startServer();
            return;
        }
        fail(tr("The room server could not start: %1").arg(message));
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
    if (m_hosting && !m_session)
        stopServer({});
}

void AppController::setDisplayName(const QString &name)
{
    if (m_displayName == name)
        return;
    m_displayName = name;
    Q_EMIT settingsChanged();
}

void AppController::saveSettings()
{
    const QString prefix = settingsPrefix(m_options.profile);
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    settings.setValue(prefix + u"displayName"_s, m_displayName);
    settings.setValue(prefix + u"lastHost"_s, m_lastHost);
    settings.setValue(prefix + u"lastRoomName"_s, m_lastRoomName);
    settings.setValue(prefix + u"lastCapacity"_s, m_lastCapacity);
}

// The attention settings, under <prefix>attention/ (each on unless turned off).
namespace {
constexpr std::pair<const char *, QLatin1StringView> AttentionSettings[] = {
    {"titleCountEnabled", "attention/titleCount"_L1},
    {"alertEnabled", "attention/alert"_L1},
    {"notificationsEnabled", "attention/notifications"_L1},
    {"soundEnabled", "attention/sound"_L1},
    {"trayEnabled", "attention/tray"_L1},
};
} // namespace

void AppController::loadAttentionSettings()
{
    const QString prefix = settingsPrefix(m_options.profile);
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    for (const auto &[property, key] : AttentionSettings)
        m_attention->setProperty(property, settings.value(prefix + key, true).toBool());
}

void AppController::saveAttentionSettings()
{
    const QString prefix = settingsPrefix(m_options.profile);
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    for (const auto &[property, key] : AttentionSettings)
        settings.setValue(prefix + key, m_attention->property(property).toBool());
}

QString AppController::identityWarning() const
{
    // The file fallback is a lasting arrangement, not a fault: its note is shown on the first
    // launch that uses it (and again only if it changes). A temporary identity is a fault and
    // is shown every time.
    if (m_identity->storage() == IdentityStore::Storage::File && m_identityNoteSeen)
        return {};
    return m_identity->warning();
}

void AppController::onIdentityLoaded()
{
    m_client->setIdentity(m_identity->identity());
    m_identityLoaded = true;
    if (m_identity->storage() == IdentityStore::Storage::File) {
        const QString key = settingsPrefix(m_options.profile) + u"identityNoteShown"_s;
        m_identityNoteSeen = QSettings(hearthSettingsPath(), QSettings::IniFormat).value(key) ==
                             m_identity->warning();
    }
    m_identityReady = true;
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
    if (!m_identityLoading) {
        m_identityLoading = true;
        m_identity->load();
    }
}

void AppController::rememberIdentityNote()
{
    if (m_identityNoteRemembered || m_identityNoteHeld || !m_identityLoaded ||
        m_identity->storage() != IdentityStore::Storage::File)
        return;
    m_identityNoteRemembered = true;
    QSettings(hearthSettingsPath(), QSettings::IniFormat)
        .setValue(settingsPrefix(m_options.profile) + u"identityNoteShown"_s,
                  m_identity->warning());
}

QString AppController::serverAddress() const
{
    if (m_hosting)
        return u"ws://%1:%2/"_s.arg(lanAddress()).arg(m_serverPort);
    return m_client->url().toString();
}

bool AppController::isConnectionLost() const
{
    return m_phase == Phase::Room && m_session && !m_session->room()->hasEnded() &&
           m_client->state() != RoomClient::State::Joined;
}

QString AppController::connectionText() const
{
    if (!isConnectionLost())
        return {};
    const int unsent = m_client->unsentMessages();
    const QString waiting =
        unsent > 0
            ? u' ' + tr("%n message(s) will be sent when the connection is back.", "", unsent)
            : QString();
    if (m_client->state() == RoomClient::State::Reconnecting) {
        const int attempt = qMax(1, m_client->reconnectAttempt());
        QString text = tr("Reconnecting… (attempt %1)").arg(attempt);
        if (attempt >= 4)
            text += u' ' + tr("The host may have stopped; Hearth keeps trying.");
        return text + waiting;
    }
    if (m_client->state() == RoomClient::State::Connecting)
        return tr("Reconnecting…") + waiting;
    const QString why = m_client->errorString();
    return why.isEmpty() ? tr("Not connected to the host.")
                         : tr("Not connected to the host: %1").arg(why);
}

QString AppController::inviteText() const
{
    if (!m_session)
        return {};
    const auto link = InviteLink::parse(inviteLink());
    if (!link)
        return tr("Join my Hearth room “%1” with the code %2")
            .arg(m_session->room()->name(), m_session->code());
    return link->inviteText(m_session->room()->name());
}

QVariantMap AppController::checkCode(const QString &typed) const
{
    const RoomCode::Partial partial = RoomCode::normalizePartial(typed);
    return {{u"code"_s, partial.canonical},
            {u"valid"_s, partial.valid},
            {u"complete"_s, partial.valid && partial.canonical.size() == RoomCode::Length}};
}

QString AppController::checkDisplayName(const QString &name) const
{
    switch (TextRules::checkName(name, m_client->limits().maxNameLength, nullptr)) {
    case TextRules::Verdict::Ok:
        return {};
    case TextRules::Verdict::Empty:
        return tr("Type the name others will see.");
    case TextRules::Verdict::TooLong:
        return tr("A name has at most %1 characters.").arg(m_client->limits().maxNameLength);
    case TextRules::Verdict::ControlCharacters:
        return tr("A name cannot contain control characters.");
    }
    return {};
}

QString AppController::checkRoomName(const QString &name) const
{
    switch (TextRules::checkName(name, m_client->limits().maxRoomNameLength, nullptr)) {
    case TextRules::Verdict::Ok:
        return {};
    case TextRules::Verdict::Empty:
        return tr("Give the room a name.");
    case TextRules::Verdict::TooLong:
        return tr("A room name has at most %1 characters.")
            .arg(m_client->limits().maxRoomNameLength);
    case TextRules::Verdict::ControlCharacters:
        return tr("A room name cannot contain control characters.");
    }
    return {};
}

std::optional<QUrl> AppController::parseHostAddress(const QString &typed, QString *code)
{
    const QString text = typed.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    QUrl url;
    if (InviteLink::looksLikeLink(text)) {
        const auto link = InviteLink::parse(text);
        if (!link)
            return std::nullopt;
        if (code)
            *code = link->code;
        url = link->serverUrl();
    } else if (text.startsWith("ws://"_L1, Qt::CaseInsensitive) ||
               text.startsWith("wss://"_L1, Qt::CaseInsensitive)) {
        url = QUrl(text, QUrl::StrictMode);
        if (url.port() < 0)
            url.setPort(Protocol::DefaultPort);
    } else {
        url = QUrl(u"ws://"_s + text, QUrl::StrictMode);
        if (url.port() < 0)
            url.setPort(Protocol::DefaultPort);
        if (!url.path().isEmpty() && url.path() != "/"_L1)
            return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    url.setPath(u"/"_s);
    return url;
}

QString AppController::lanAddress()
{
    // The first IPv4 address of lanAddresses() (private ones come first): it goes into a ws://
    // URL without brackets or a zone.
    const QStringList addresses = lanAddresses();
    for (const QString &address : addresses) {
        if (QHostAddress(address).protocol() == QAbstractSocket::IPv4Protocol)
            return address;
    }
    return u"127.0.0.1"_s;
}

void AppController::hostRoom(const QString &roomName, int capacity, const QVariantMap &options)
{
    if (m_phase != Phase::Lobby || !isIdentityReady())
        return;
    if (!m_identityLoaded)
        return readIdentityThen([=, this] { hostRoom(roomName, capacity, options); });
    QString name;
    QString displayName;
    if (const QString problem = checkRoomName(roomName); !problem.isEmpty())
        return setErrorText(problem);
    if (const QString problem = checkDisplayName(m_displayName); !problem.isEmpty())
        return showError(problem, {}, true);
    TextRules::checkName(roomName, m_client->limits().maxRoomNameLength, &name);
    TextRules::checkName(m_displayName, m_client->limits().maxNameLength, &displayName);
    setErrorText({});

    m_createArgs = CreateRoomArgs{};
    m_createArgs.name = name;
    m_createArgs.displayName = displayName;
    m_createArgs.capacity = qBound(1, capacity, m_client->limits().capacityMax);
    m_createArgs.settings.spectators = options.value(u"spectators"_s, true).toBool();
    m_createArgs.settings.approval = options.value(u"approval"_s, false).toBool();
    m_createArgs.settings.locked = options.value(u"locked"_s, false).toBool();
    m_createArgs.settings.isPublic = options.value(u"isPublic"_s, false).toBool();
    m_createArgs.password = options.value(u"password"_s).toString();
    m_lastRoomName = name;
    m_lastCapacity = m_createArgs.capacity;
    setPendingJoin({}, {});
    m_intent = Intent::Host;
    ++m_attempt;

    if (m_server->isRunning() && !m_server->isStopping()) {
        openClient(QUrl(u"ws://127.0.0.1:%1/"_s.arg(m_serverPort)));
        return;
    }
    setPhase(Phase::Connecting, tr("Starting the room server…"));
    if (m_server->isStopping()) {
        // The last room's server is still shutting down: start afresh once it has.
        connect(
            m_server, &EmbeddedServer::stopped, this,
            [this] {
                if (m_intent == Intent::Host && m_phase == Phase::Connecting)
                    startServer();
            },
            Qt::SingleShotConnection);
        return;
    }
    startServer();
}

void AppController::startServer()
{
    ServerConfig config;
    if (!m_options.bindAddress.isEmpty())
        config.bindAddress = QHostAddress(m_options.bindAddress);
    if (m_options.hostPort < 0) {
        config.port = Protocol::DefaultPort;
        m_triedDefaultPort = true;
    } else {
        config.port = quint16(m_options.hostPort);
        m_triedDefaultPort = false;
    }
    config.database = m_options.database;
    if (config.database.isEmpty()) {
        config.database = EmbeddedServer::defaultDatabasePath();
        if (!m_options.profile.isEmpty())
            config.database.replace(".sqlite"_L1, u'-' + m_options.profile + u".sqlite"_s);
    }
    qCInfo(lcApp) << "starting the embedded server, database" << config.database;
    m_server->start(config);
}

void AppController::joinRoom(const QString &host, const QString &code, bool spectator,
                             const QString &password)
{
    if (m_phase != Phase::Lobby || !isIdentityReady())
        return;
    if (!m_identityLoaded)
        return readIdentityThen([=, this] { joinRoom(host, code, spectator, password); });
    if (host.trimmed().isEmpty())
        return joinByCode(code, spectator, password);
    QString codeFromLink;
    const auto url = parseHostAddress(host, &codeFromLink);
    if (!url)
        return setErrorText(tr("“%1” is not an address Hearth can use.").arg(host));
    const auto args =
        joinArgsFor(code.trimmed().isEmpty() ? codeFromLink : code, spectator, password);
    if (!args)
        return;

    m_joinArgs = *args;
    m_joinHostText = host.trimmed();
    m_joinUrl = *url;
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
    m_client->open(url);
}

void AppController::onClientReady()
{
    if (m_phase != Phase::Connecting)
        return;
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
    if (m_intent == Intent::Join)
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
        m_lastHost = m_joinHostText;
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
    if (checkDisplayName(m_displayName).isEmpty())
        return joinRoom(host, code, false, {});
    // No name yet: the lobby keeps the code and the address, and asks for the name.
    QString address = host.trimmed();
    QString codeFromLink;
    if (InviteLink::looksLikeLink(address)) {
        if (const auto link = InviteLink::parse(address)) {
            codeFromLink = link->code;
            address = link->serverUrl().authority(); // "10.0.0.2:5000", "[::1]:5000"
        }
    }
    const QString typed = code.trimmed().isEmpty() ? codeFromLink : code.trimmed();
    const auto normalized = RoomCode::normalize(typed);
    qCInfo(lcApp) << "the join of" << typed << "waits for a display name";
    showError({});
    setPendingJoin(address, normalized ? *normalized : typed);
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
    m_finder->cancel();
    const bool wasHosting = m_intent == Intent::Host;
    m_intent = Intent::None;
    setPhase(Phase::Lobby); // first: the closing connection's failure is not an error now
    // Closing the connection also withdraws a join that waits for approval.
    m_client->close();
    if (wasHosting)
        stopServer({});
}

void AppController::leaveRoom()
{
    if (!m_session)
        return;
    if (m_hosting) {
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
            stopServer({});
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
    if (m_hosting)
        stopServer({});
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
    m_joinArgs = JoinRoomArgs{m_session->code(), m_displayName, m_session->room()->selfRole(), {}};
    if (m_joinArgs.role == Role::Host)
        m_joinArgs.role = Role::Member;
    m_joinUrl = m_client->url();
    m_joinHostText = m_lastHost;
    m_intent = Intent::Join;
    ++m_attempt;
    setPhase(Phase::Lobby);
    setSession(nullptr);
    openClient(m_joinUrl);
}

void AppController::stopServer(std::function<void()> then)
{
    if (!m_server->isRunning()) {
        if (m_hosting) {
            m_hosting = false;
            Q_EMIT hostingChanged();
        }
        if (then)
            then();
        return;
    }
    connect(
        m_server, &EmbeddedServer::stopped, this,
        [this, then] {
            m_hosting = false;
            m_serverPort = 0;
            Q_EMIT hostingChanged();
            if (then)
                then();
        },
        Qt::SingleShotConnection);
    m_server->stop();
}

void AppController::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_busyText = m_hosting ? tr("Closing the room…") : tr("Leaving…");
    Q_EMIT busyChanged();
    qCInfo(lcApp) << "shutting down" << (m_hosting ? "(closing the hosted room)" : "");
    QTimer::singleShot(ShutdownTimeoutMs, this, [this] {
        qCWarning(lcApp) << "shutdown took too long; quitting anyway";
        finishShutdown();
    });
    auto afterRoom = [this] {
        m_client->close();
        stopServer([this] { finishShutdown(); });
    };
    if (m_session && m_session->isConnected()) {
        connect(m_session, &RoomSession::leaveFinished, this, afterRoom, Qt::SingleShotConnection);
        if (m_session->room()->isHost() && m_hosting)
            m_session->closeRoom(); // joiners get room_closed before the server stops
        else
            m_session->leave();
        return;
    }
    afterRoom();
}

void AppController::finishShutdown()
{
    if (m_shutdownDone)
        return;
    m_shutdownDone = true;
    Q_EMIT shutdownFinished();
}

// --- LAN discovery and invites ---------------------------------------------------------------

void AppController::setUpDiscovery()
{
    QString problem;
    const DiscoveryConfig discovery = DiscoveryConfig::fromEnvironment(&problem);
    if (!problem.isEmpty())
        qCWarning(lcApp).noquote() << problem;
    m_server->setDiscovery(discovery);
    m_finder = new CodeFinder(discovery, this);
    m_publicRooms = new PublicRoomsModel(discovery, this);
    connect(m_finder, &CodeFinder::found, this, &AppController::onCodeFound);
    connect(m_finder, &CodeFinder::notFound, this, &AppController::onCodeNotFound);
    connect(this, &AppController::sessionChanged, this, &AppController::inviteChanged);
    connect(this, &AppController::hostingChanged, this, &AppController::inviteChanged);
}

std::optional<JoinRoomArgs> AppController::joinArgsFor(const QString &code, bool spectator,
                                                       const QString &password)
{
    const auto normalized = RoomCode::normalize(code);
    if (!normalized) {
        setErrorText(tr("A room code has 6 letters and digits, like XJ9K2M."));
        return std::nullopt;
    }
    if (const QString problem = checkDisplayName(m_displayName); !problem.isEmpty()) {
        showError(problem, {}, true);
        return std::nullopt;
    }
    QString displayName;
    TextRules::checkName(m_displayName, m_client->limits().maxNameLength, &displayName);
    setErrorText({});
    return JoinRoomArgs{*normalized, displayName, spectator ? Role::Spectator : Role::Member,
                        password};
}

void AppController::joinByCode(const QString &code, bool spectator, const QString &password)
{
    const auto args = joinArgsFor(code, spectator, password);
    if (!args)
        return;
    setDiscoveryFailed(false);

    m_joinArgs = *args;
    m_joinHostText.clear();
    setPendingJoin({}, {});
    m_intent = Intent::Join;
    ++m_attempt;
    setPhase(Phase::Connecting, tr("Looking for room %1 on your network…").arg(m_joinArgs.code));
    m_finder->find(m_joinArgs.code);
}

void AppController::onCodeFound(const QUrl &serverUrl, const QString &code, qint64 elapsedMs)
{
    if (m_phase != Phase::Connecting || m_intent != Intent::Join || code != m_joinArgs.code)
        return;
    qCInfo(lcApp) << "found room" << code << "at" << serverUrl.toString() << "in" << elapsedMs
                  << "ms";
    m_joinUrl = serverUrl;
    openClient(serverUrl);
}

void AppController::onCodeNotFound(const QString &code, const QString &detail)
{
    if (m_phase != Phase::Connecting || m_intent != Intent::Join || code != m_joinArgs.code)
        return;
    fail(tr("%1 Type the host's address below (the host sees it under “Network check” in the "
            "room). If the host is on this network, a firewall may block UDP port %2 (finding "
            "rooms) or the room's TCP port.")
             .arg(detail)
             .arg(m_server->discovery().port));
    setDiscoveryFailed(true);
}

void AppController::setDiscoveryFailed(bool failed)
{
    if (m_discoveryFailed == failed)
        return;
    m_discoveryFailed = failed;
    Q_EMIT discoveryFailedChanged();
}

void AppController::watchPublicRooms()
{
    if (m_publicRooms->isActive())
        m_publicRooms->refresh();
    else if (!m_publicRooms->start())
        qCInfo(lcApp).noquote() << "not listening for public rooms:" << m_publicRooms->problem();
}

QString AppController::inviteLink() const
{
    if (!m_session)
        return {};
    InviteLink link;
    link.code = m_session->code();
    if (m_hosting) {
        link.host = lanAddress();
        link.port = quint16(m_serverPort);
    } else {
        link.host = m_client->url().host();
        link.port = quint16(m_client->url().port(Protocol::DefaultPort));
    }
    return link.toString();
}

QStringList AppController::lanAddresses()
{
    QStringList privateV4;
    QStringList otherV4;
    QStringList v6;
    const auto interfaces = DiscoveryConfig::lanInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress address = entry.ip();
            if (address.isLoopback())
                continue;
            if (address.protocol() == QAbstractSocket::IPv4Protocol)
                (isPrivateIPv4(address) ? privateV4 : otherV4).append(address.toString());
            else if (address.protocol() == QAbstractSocket::IPv6Protocol && !address.isLinkLocal())
                v6.append(address.toString()); // link-local needs a zone no URL carries
        }
    }
    QStringList all = privateV4 + otherV4 + v6;
    all.removeDuplicates();
    if (all.isEmpty())
        all.append(u"127.0.0.1"_s);
    return all;
}

QVariantMap AppController::networkCheck() const
{
    QStringList links;
    const QStringList addresses = lanAddresses();
    if (m_session) {
        for (const QString &address : addresses) {
            InviteLink link{address, quint16(m_serverPort), m_session->code()};
            links.append(link.toString());
        }
    }
    QString problem;
    if (!m_server->isDiscoverable())
        problem = m_server->discoveryProblem().isEmpty()
                      ? tr("This computer does not answer on the LAN; joiners need the address.")
                      : m_server->discoveryProblem();
    return {{u"addresses"_s, addresses},
            {u"port"_s, m_serverPort},
            {u"links"_s, links},
            {u"discoveryPort"_s, m_server->discovery().port},
            {u"discoverable"_s, m_hosting && m_server->isDiscoverable()},
            {u"problem"_s, problem}};
}
