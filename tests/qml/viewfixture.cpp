#include "viewfixture.h"

#include "embeddedserver.h"
#include "relayserver.h"
#include "roomserver.h"
#include "security/fingerprint.h"

#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QTimer>

using namespace Client;
using namespace Qt::StringLiterals;

ViewFixture::ViewFixture(QObject *parent)
    : QObject(parent)
{}

ViewFixture::~ViewFixture()
{
    reset();
}

AppController *ViewFixture::newController(const QString &displayName)
{
    AppController::Options options;
    options.profile = u"view%1"_s.arg(++m_controllers);
    options.hostPort = 0;
    options.identityFile = m_dir.filePath(options.profile + u".identity"_s);
    auto *app = new AppController(options, new EmbeddedServer, this);
    app->setDisplayName(displayName);
    m_apps.append(app);
    m_profiles.insert(app, options.profile);
    return app;
}

AppController *ViewFixture::restartedController(AppController *app)
{
    AppController::Options options;
    options.profile = m_profiles.value(app);
    options.hostPort = 0;
    options.identityFile = m_dir.filePath(options.profile + u".identity"_s);
    auto *again = new AppController(options, new EmbeddedServer, this);
    m_apps.append(again);
    m_profiles.insert(again, options.profile);
    return again;
}

void ViewFixture::addGuest(AppController *host, const QString &name, bool spectator)
{
    if (!host || !host->session())
        return;
    auto *client = new RoomClient(this);
    client->setIdentity(Identity::generate());
    const QString code = host->session()->code();
    // The embedded host serves wss:// with its installation's certificate: a guest expects
    // exactly that one, as a joiner with the host's link would.
    client->setExpectedFingerprint(host->hostFingerprint());
    const QUrl url(u"wss://127.0.0.1:%1/"_s.arg(host->serverPort()));
    m_guests.append(Guest{name, client, code});
    connect(client, &RoomClient::ready, this, [this, client, code, name, spectator] {
        client->joinRoom(JoinRoomArgs{code, name, spectator ? Role::Spectator : Role::Member, {}},
                         this, {});
    });
    client->open(url);
}

const ViewFixture::Guest *ViewFixture::guest(const QString &name) const
{
    for (const Guest &g : m_guests) {
        if (g.name == name)
            return &g;
    }
    return nullptr;
}

bool ViewFixture::guestJoined(const QString &name) const
{
    const Guest *g = guest(name);
    return g && g->client->state() == RoomClient::State::Joined;
}

void ViewFixture::guestSay(const QString &name, const QString &text)
{
    if (const Guest *g = guest(name))
        g->client->sendChat(g->room, text, this, {});
}

void ViewFixture::guestSetStatus(const QString &name, const QString &flag, bool on)
{
    const Guest *g = guest(name);
    if (!g)
        return;
    for (int i = 0; i < StatusFlags::Count; ++i) {
        if (flag == QLatin1String(StatusFlags::name(i))) {
            const auto bit = quint8(1 << i);
            g->client->setStatus(g->room, StatusFlags::Update{bit, on ? bit : quint8(0)}, this, {});
        }
    }
}

void ViewFixture::guestLeave(const QString &name)
{
    if (const Guest *g = guest(name))
        g->client->leaveRoom(g->room, this, {});
}

QString ViewFixture::guestId(const QString &name) const
{
    const Guest *g = guest(name);
    return g ? g->client->participantId() : QString();
}

QString ViewFixture::bulkRoom(int messages)
{
    ServerConfig config;
    config.bindAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.database = m_dir.filePath(u"bulk.sqlite"_s);
    config.syncFull = false;
    config.limits.chatPerSecond = 100000;
    config.limits.requestsPerSecond = 100000;
    m_bulkServer = std::make_unique<RoomServer>(config);
    if (!m_bulkServer->start())
        return {};
    m_bulkReady = false;
    m_bulkHost = new RoomClient(this);
    m_bulkHost->setIdentity(Identity::generate());
    connect(m_bulkHost, &RoomClient::ready, this, [this, messages] {
        CreateRoomArgs args;
        args.name = u"Long history"_s;
        args.displayName = u"Archivist"_s;
        m_bulkHost->createRoom(args, this, [this, messages](const Result<RoomSnapshot> &r) {
            if (!r.ok())
                return;
            m_bulkCode = r.value->room.code;
            auto remaining = std::make_shared<int>(messages);
            for (int i = 1; i <= messages; ++i) {
                m_bulkHost->sendChat(m_bulkCode, u"Message number %1"_s.arg(i), this,
                                     [this, remaining](const Result<ChatAck> &) {
                                         if (--*remaining == 0)
                                             m_bulkReady = true;
                                     });
            }
        });
    });
    m_bulkHost->open(m_bulkServer->url());
    return m_bulkServer->url().toString();
}

void ViewFixture::joinBulkRoom(AppController *app)
{
    if (app && m_bulkServer && m_bulkReady)
        app->joinRoom(m_bulkServer->url().toString(), m_bulkCode, false, {});
}

void ViewFixture::dropConnection(AppController *app)
{
    if (app)
        app->client()->close();
}

void ViewFixture::breakConnection(AppController *app)
{
    if (app)
        app->client()->dropConnection();
}

QString ViewFixture::readFile(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

QString ViewFixture::tlsFront(AppController *host, bool samePort)
{
    if (!host)
        return {};
    const quint16 port = samePort && m_tlsFront ? m_tlsFront->port() : 0;
    m_tlsFront.reset();
    const HostCertificate certificate = HostCertificate::generate(u"view test"_s);
    m_tlsFrontFingerprint = Fingerprint::of(certificate.certificate());
    m_tlsFront = std::make_unique<RelayServer>(
        QUrl(u"wss://127.0.0.1:%1/"_s.arg(host->serverPort())), certificate);
    m_tlsFront->expectBackendCertificate(host->hostFingerprint());
    if (!m_tlsFront->listen(port))
        return {};
    return m_tlsFront->url().toString();
}

QString ViewFixture::screenshotPath(const QString &name) const
{
    const QString dir = qEnvironmentVariable("HEARTH_SCREENSHOT_DIR");
    return dir.isEmpty() ? QString() : dir + u'/' + name;
}

QString ViewFixture::tlsFrontWords() const
{
    return Fingerprint::wordsText(m_tlsFrontFingerprint);
}

QString ViewFixture::fingerprintHex(AppController *host) const
{
    return host && !host->hostFingerprint().isEmpty() ? Fingerprint::toHex(host->hostFingerprint())
                                                      : QString();
}

QString ViewFixture::pinnedWords(AppController *app, const QString &address) const
{
    return app ? Fingerprint::wordsText(app->knownHosts().pinned(QUrl(address))) : QString();
}

void ViewFixture::reset()
{
    m_tlsFront.reset();
    for (const Guest &g : std::as_const(m_guests))
        delete g.client;
    m_guests.clear();
    qDeleteAll(m_apps); // each stops its embedded server, if it runs one
    m_apps.clear();
    m_profiles.clear();
    delete m_bulkHost;
    m_bulkHost = nullptr;
    if (m_bulkServer) {
        // Stop before destroying: connections are closed and writes flushed first.
        QEventLoop loop;
        connect(m_bulkServer.get(), &RoomServer::stopped, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        m_bulkServer->stop();
        loop.exec();
        m_bulkServer.reset();
    }
    m_bulkReady = false;
}
