#include "embeddedserver.h"

#include "lan/lanresponder.h"
#include "roomserver.h"
#include "security/fingerprint.h"
#include "serverconfig.h"

#include <QtCore/QDir>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QThread>
#include <QtCore/QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcEmbedded, "hearth.app.server")

// Lives in the worker thread; owns the RoomServer there.
class EmbeddedServerWorker : public QObject
{
    Q_OBJECT
public:
    void start(const ServerConfig &config, const DiscoveryConfig &discovery)
    {
        m_server = new RoomServer(config, this);
        connect(m_server, &RoomServer::stopped, this, [this] {
            delete m_responder; // before its server
            m_responder = nullptr;
            delete m_server; // flushes whatever is left, on the thread that owns the database
            m_server = nullptr;
            Q_EMIT stopped();
        });
        if (!m_server->start()) {
            const QString message = m_server->errorString();
            delete m_server;
            m_server = nullptr;
            Q_EMIT failed(message);
            return;
        }
        // The same thread as the server: the responder reads its rooms directly.
        m_responder = new LanResponder(m_server, discovery, this);
        const bool discoverable = discovery.enabled && m_responder->start();
        Q_EMIT discoveryStatus(discoverable, discoverable ? QString() : m_responder->errorString());
        Q_EMIT started(m_server->port(), LanResponder::servedFingerprint(*m_server));
    }

    void stop()
    {
        if (!m_server) {
            Q_EMIT stopped();
            return;
        }
        if (m_responder)
            m_responder->stop(); // listeners drop the rooms at once
        m_server->stop();
    }

Q_SIGNALS:
    void started(quint16 port, const QByteArray &fingerprint);
    void failed(const QString &message);
    void stopped();
    void discoveryStatus(bool discoverable, const QString &problem);

private:
    RoomServer *m_server = nullptr;
    LanResponder *m_responder = nullptr;
};

EmbeddedServer::EmbeddedServer(QObject *parent)
    : RoomHost(parent)
    , m_thread(new QThread(this))
    , m_worker(new EmbeddedServerWorker)
{
    m_thread->setObjectName(QStringLiteral("hearth-server"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Queued across the thread boundary: these arrive in this object's thread.
    connect(m_worker, &EmbeddedServerWorker::started, this,
            [this](quint16 port, const QByteArray &fingerprint) {
                m_running = true;
                m_port = port;
                m_fingerprint = fingerprint;
                if (fingerprint.isEmpty())
                    qCInfo(lcEmbedded)
                        << "embedded server listening on port" << port << "(plain ws://)";
                else
                    qCInfo(lcEmbedded).noquote()
                        << "embedded server listening on port" << port
                        << u"(wss://, certificate %1)"_s.arg(Fingerprint::wordsText(fingerprint));
                Q_EMIT started(port);
            });
    connect(m_worker, &EmbeddedServerWorker::discoveryStatus, this,
            [this](bool discoverable, const QString &problem) {
                m_discoverable = discoverable;
                m_discoveryProblem = problem;
                if (!discoverable)
                    qCInfo(lcEmbedded).noquote() << "not discoverable on the LAN:" << problem;
            });
    connect(m_worker, &EmbeddedServerWorker::failed, this, [this](const QString &message) {
        qCWarning(lcEmbedded) << "embedded server failed to start:" << message;
        Q_EMIT failed(message);
    });
    connect(m_worker, &EmbeddedServerWorker::stopped, this, [this] {
        m_running = false;
        m_stopping = false;
        m_discoverable = false;
        m_fingerprint.clear();
        qCInfo(lcEmbedded) << "embedded server stopped";
        Q_EMIT stopped();
    });
    m_thread->start();
}

EmbeddedServer::~EmbeddedServer()
{
    if (m_running) {
        // Last resort (normally the app stops the server first): give it a moment to close
        // connections and make the last writes durable.
        QEventLoop loop;
        connect(this, &EmbeddedServer::stopped, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        stop();
        if (m_running)
            loop.exec();
    }
    m_thread->quit();
    m_thread->wait();
}

void EmbeddedServer::start(const RoomHostConfig &hostConfig)
{
    ServerConfig config;
    config.bindAddress = hostConfig.bindAddress;
    config.port = hostConfig.port;
    config.database = hostConfig.database;
    if (hostConfig.certificate.isValid()) {
        config.certificate = hostConfig.certificate.certificate();
        config.privateKey = hostConfig.certificate.privateKey();
    }
    if (!config.database.isEmpty() && !config.database.contains(QLatin1String("://")))
        QDir().mkpath(QFileInfo(config.database).absolutePath());
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, config, discovery = hostConfig.discovery] {
            worker->start(config, discovery);
        },
        Qt::QueuedConnection);
}

void EmbeddedServer::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->stop(); }, Qt::QueuedConnection);
}

#include "embeddedserver.moc"
