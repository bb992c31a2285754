// AppController, continued: what the lobby asks before anything is sent (code, names, host
// addresses), LAN discovery, and the room's invite.
#include "appcontroller.h"

#include "discovery/discoveryconfig.h"
#include "discovery/publicroomsmodel.h"
#include "invite/invitelink.h"
#include "lanrooms.h"
#include "lobbyinput.h"
#include "localhosting.h"
#include "networkaddresses.h"
#include "protocol/protocol.h"
#include "roominvite.h"

using namespace Qt::StringLiterals;
using namespace Client;

QString AppController::inviteText() const
{
    if (!m_session)
        return {};
    return RoomInvite::text(inviteLink(), m_session->room()->name(), m_session->code());
}

QVariantMap AppController::checkCode(const QString &typed) const
{
    return LobbyInput::checkCode(typed);
}

QString AppController::checkDisplayName(const QString &name) const
{
    return LobbyInput::checkDisplayName(name, m_client->limits());
}

QString AppController::checkRoomName(const QString &name) const
{
    return LobbyInput::checkRoomName(name, m_client->limits());
}

std::optional<QUrl> AppController::parseHostAddress(const QString &typed, QString *code)
{
    return NetworkAddresses::parseHostAddress(typed, code);
}

QString AppController::lanAddress()
{
    return NetworkAddresses::lanAddress();
}

QStringList AppController::lanAddresses()
{
    return NetworkAddresses::lanAddresses();
}

// --- LAN discovery and invites ---------------------------------------------------------------

void AppController::setUpDiscovery(const DiscoveryConfig &discovery)
{
    m_lanRooms = new LanRooms(discovery, this);
    connect(m_lanRooms, &LanRooms::found, this, &AppController::onCodeFound);
    connect(m_lanRooms, &LanRooms::notFound, this, &AppController::onCodeNotFound);
    connect(m_lanRooms, &LanRooms::failedChanged, this, &AppController::discoveryFailedChanged);
    connect(this, &AppController::sessionChanged, this, &AppController::inviteChanged);
    connect(this, &AppController::hostingChanged, this, &AppController::inviteChanged);
}

std::optional<JoinRoomArgs> AppController::joinArgsFor(const QString &code, bool spectator,
                                                       const QString &password)
{
    LobbyInput::Problem problem;
    const auto args = LobbyInput::joinRoomArgs(code, spectator, password, m_lobby.displayName,
                                               m_client->limits(), &problem);
    showError(args ? QString() : problem.text, {}, !args && problem.aboutName);
    return args;
}

void AppController::joinByCode(const QString &code, bool spectator, const QString &password)
{
    const auto args = joinArgsFor(code, spectator, password);
    if (!args)
        return;
    m_lanRooms->setFailed(false);

    m_joinArgs = *args;
    m_joinHostText.clear();
    m_trust = {};
    setPendingJoin({}, {});
    m_intent = Intent::Join;
    ++m_attempt;
    setPhase(Phase::Connecting, tr("Looking for room %1 on your network…").arg(m_joinArgs.code));
    m_lanRooms->find(m_joinArgs.code);
}

void AppController::onCodeFound(const QUrl &serverUrl, const QString &code,
                                const QByteArray &fingerprint)
{
    if (m_phase != Phase::Connecting || m_intent != Intent::Join || code != m_joinArgs.code)
        return;
    // The answer's proof (made with the code) covers this fingerprint: the connection must
    // present exactly this certificate. Empty when the host serves plain ws://.
    joinFoundHost(serverUrl, fingerprint);
}

void AppController::onCodeNotFound(const QString &code, const QString &message)
{
    if (m_phase != Phase::Connecting || m_intent != Intent::Join || code != m_joinArgs.code)
        return;
    fail(message);
    m_lanRooms->setFailed(true);
}

bool AppController::hasDiscoveryFailed() const
{
    return m_lanRooms->hasFailed();
}

PublicRoomsModel *AppController::publicRooms() const
{
    return m_lanRooms->publicRooms();
}

void AppController::watchPublicRooms()
{
    m_lanRooms->watchPublicRooms();
}

QString AppController::inviteLink() const
{
    if (!m_session)
        return {};
    // The certificate of this connection: while hosting, the host's own (its window is a client
    // of its own server), so that a friend's first join is pinned from the link.
    const QByteArray fingerprint = m_client->peerFingerprint();
    if (isHosting())
        return RoomInvite::link(lanAddress(), quint16(serverPort()), m_session->code(),
                                fingerprint);
    return RoomInvite::link(m_client->url().host(),
                            quint16(m_client->url().port(Protocol::DefaultPort)), m_session->code(),
                            fingerprint);
}

QVariantMap AppController::networkCheck() const
{
    const QStringList addresses = lanAddresses();
    const QStringList links =
        m_session ? RoomInvite::links(addresses, quint16(serverPort()), m_session->code(),
                                      m_client->peerFingerprint())
                  : QStringList();
    return {{u"addresses"_s, addresses},
            {u"port"_s, serverPort()},
            {u"links"_s, links},
            {u"discoveryPort"_s, m_localHost->discovery().port},
            {u"discoverable"_s, m_localHost->isDiscoverable()},
            {u"problem"_s, m_localHost->discoveryProblem()}};
}
