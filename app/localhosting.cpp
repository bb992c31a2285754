#include "localhosting.h"

#include "hostcredentialstore.h"
#include "protocol/protocol.h"
#include "roomhost.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QStandardPaths>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHosting, "hearth.app.hosting")

LocalHosting::LocalHosting(const Options &options, RoomHost *host, const DiscoveryConfig &discovery,
                           QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_host(host)
    , m_credentials(new HostCredentialStore(
          HostCredentialStore::optionsForProfile(options.profile, options.certificateFile,
                                                 options.ephemeralCertificate),
          this))
    , m_discovery(discovery)
{
    connect(m_credentials, &SecretStore::loaded, this, &LocalHosting::onCredentialsLoaded);
    // Read once, at the first start: not at every launch (most launches only join), and never
    // made before this installation first hosts.
    connect(m_credentials, &SecretStore::forgotten, m_credentials, &SecretStore::load);
    if (!m_host)
        return;
    m_host->setParent(this);
    connect(m_host, &RoomHost::started, this, [this](quint16 port) {
        setHosting(true, port);
        Q_EMIT started(port);
    });
    connect(m_host, &RoomHost::failed, this, &LocalHosting::onFailed);
    connect(m_host, &RoomHost::stopped, this, [this] {
        if (std::exchange(m_startAfterStop, false))
            startServer();
    });
}

bool LocalHosting::isReady() const
{
    return m_host && m_host->isRunning() && !m_host->isStopping();
}

void LocalHosting::start()
{
    if (m_host && m_host->isStopping()) {
        // The last room's server is still shutting down: start afresh once it has.
        m_startAfterStop = true;
        return;
    }
    startServer();
}

void LocalHosting::startServer()
{
    if (!m_host) {
        Q_EMIT failed(tr("this build of Hearth cannot host rooms"));
        return;
    }
    if (!m_credentials->isLoaded()) {
        if (!std::exchange(m_credentialsLoading, true)) {
            if (std::exchange(m_options.resetCertificate, false))
                m_credentials->forget(); // then load(), connected above
            else
                m_credentials->load();
        }
        return; // onCredentialsLoaded() starts the server
    }
    if (!m_credentials->certificate().isValid()) {
        // libcrypto could not make one (logged): better no room than a room without TLS.
        Q_EMIT failed(tr("this computer's host certificate could not be made"));
        return;
    }
    RoomHostConfig config;
    if (!m_options.bindAddress.isEmpty())
        config.bindAddress = QHostAddress(m_options.bindAddress);
    m_triedDefaultPort = m_options.port < 0;
    config.port = m_triedDefaultPort ? Protocol::DefaultPort : quint16(m_options.port);
    config.database = m_options.database;
    if (config.database.isEmpty()) {
        config.database = defaultDatabasePath();
        if (!m_options.profile.isEmpty())
            config.database.replace(".sqlite"_L1, u'-' + m_options.profile + u".sqlite"_s);
    }
    config.discovery = m_discovery;
    config.certificate = m_credentials->certificate();
    qCInfo(lcHosting) << "starting the embedded server, database" << config.database;
    m_host->start(config);
}

void LocalHosting::onCredentialsLoaded()
{
    m_credentialsLoading = false;
    if (!m_credentials->warning().isEmpty())
        qCWarning(lcHosting).noquote() << m_credentials->warning();
    startServer();
}

void LocalHosting::onFailed(const QString &message)
{
    if (m_triedDefaultPort) {
        // The default port is taken (another Hearth, perhaps): any free port will do, from now
        // on.
        qCInfo(lcHosting) << "default port busy; hosting on a free port instead";
        m_options.port = 0;
        startServer();
        return;
    }
    Q_EMIT failed(message);
}

void LocalHosting::stop(std::function<void()> then)
{
    // A start waiting for the previous server to stop is not wanted any more.
    m_startAfterStop = false;
    if (!m_host || !m_host->isRunning()) {
        setHosting(false, m_port);
        if (then)
            then();
        return;
    }
    connect(
        m_host, &RoomHost::stopped, this,
        [this, then] {
            setHosting(false, 0);
            if (then)
                then();
        },
        Qt::SingleShotConnection);
    m_host->stop();
}

void LocalHosting::setHosting(bool hosting, int port)
{
    if (m_hosting == hosting && m_port == port)
        return;
    m_hosting = hosting;
    m_port = port;
    Q_EMIT hostingChanged();
}

QUrl LocalHosting::loopbackUrl() const
{
    return QUrl(
        u"%1://127.0.0.1:%2/"_s.arg(fingerprint().isEmpty() ? "ws"_L1 : "wss"_L1).arg(m_port));
}

QByteArray LocalHosting::fingerprint() const
{
    return m_hosting && m_host ? m_host->certificateFingerprint() : QByteArray();
}

QString LocalHosting::certificateWarning() const
{
    return m_credentials->isLoaded() ? m_credentials->warning() : QString();
}

bool LocalHosting::isDiscoverable() const
{
    return m_hosting && m_host->isDiscoverable();
}

QString LocalHosting::discoveryProblem() const
{
    if (m_host && m_host->isDiscoverable())
        return {};
    if (m_host && !m_host->discoveryProblem().isEmpty())
        return m_host->discoveryProblem();
    return tr("This computer does not answer on the LAN; joiners need the address.");
}

QString LocalHosting::defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/host.sqlite"_s;
}
