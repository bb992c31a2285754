#include "servecommand.h"

#include "discovery/discoveryconfig.h"
#include "lan/lanresponder.h"
#include "roomserver.h"
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "transport/transport.h"
#ifdef HEARTH_NATIVE_TRANSPORT
#include "net/epolleventdispatcher.h"
#endif
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QSysInfo>
#include <QtNetwork/QNetworkInterface>

#include <cstdio>
#ifdef Q_OS_UNIX
#include <sys/resource.h> // portable: only under Q_OS_UNIX (raiseFileLimit)
#endif

Q_LOGGING_CATEGORY(lcServe, "hearth.serve")

namespace {
// Every connection is a file descriptor; the usual soft limit of 1024 would cap a busy server.
void raiseFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && // portable: under Q_OS_UNIX
        limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit); // portable: under Q_OS_UNIX
    }
#endif
}

// The private key's PEM block in a file that holds the key and the certificate.
QByteArray privateKeyBlock(const QByteArray &pem)
{
    static const QRegularExpression block(
        QStringLiteral("-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \\1PRIVATE KEY-----"),
        QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = block.match(QString::fromLatin1(pem));
    return match.hasMatch() ? match.captured(0).toLatin1() : QByteArray();
}

QSslKey readPrivateKey(const QByteArray &pem)
{
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

struct ServeTls {
    QSslCertificate certificate;
    QSslKey key;
    QString where;     // the file(s) it came from
    bool made = false; // generated now
};

// The operator's own certificate and key (--tls-cert, --tls-key), both PEM.
bool loadOperatorTls(const QString &certPath, const QString &keyPath, ServeTls *tls, QString *error)
{
    QFile certFile(certPath);
    QFile keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("cannot read --tls-cert %1: %2").arg(certPath, certFile.errorString());
        return false;
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read --tls-key %1: %2").arg(keyPath, keyFile.errorString());
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("--tls-cert %1 holds no PEM certificate").arg(certPath);
        return false;
    }
    tls->certificate = chain.first();
    tls->key = readPrivateKey(keyFile.readAll());
    if (tls->key.isNull()) {
        *error = QStringLiteral("--tls-key %1 holds no PEM private key (EC or RSA, unencrypted)")
                     .arg(keyPath);
        return false;
    }
    tls->where = certPath + QStringLiteral(" and ") + keyPath;
    return true;
}

// This installation's own certificate: kept with its key in one owner-only file (0600) in the
// data directory, made with HostCertificate::generate() the first time. The file is created
// owner-only (QFile::open with permissions): there is no moment where others may read the key.
bool loadOrMakeOwnTls(const QString &path, ServeTls *tls, QString *error)
{
    constexpr QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    tls->where = path;
    QFile file(path);
    if (file.exists()) {
        if (file.permissions() & ~(ownerOnly | QFileDevice::ReadUser | QFileDevice::WriteUser)) {
            qCWarning(lcServe).noquote() << path << "could be read by others: making it owner-only";
            file.setPermissions(ownerOnly);
        }
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        const QByteArray pem = file.readAll();
        const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
        tls->key = readPrivateKey(privateKeyBlock(pem));
        if (certificates.isEmpty() || certificates.first().isNull() || tls->key.isNull()) {
            *error = QStringLiteral("%1 does not hold a certificate and its key; remove it to make "
                                    "a new one (joiners who pinned the old one will be warned)")
                         .arg(path);
            return false;
        }
        tls->certificate = certificates.first();
        return true;
    }
    QString why;
    const HostCertificate made = HostCertificate::generate(
        QStringLiteral("hearth serve on %1").arg(QSysInfo::machineHostName()), &why);
    if (!made.isValid()) {
        *error = QStringLiteral("cannot make a TLS certificate: %1").arg(why);
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    // Written beside its final name and renamed into place: never half a file there.
    const QString partial = path + QStringLiteral(".new");
    QFile::remove(partial);
    QFile out(partial);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly) ||
        out.write(made.privateKeyPem + made.certificatePem) < 0 || !out.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(partial, out.errorString());
        out.remove();
        return false;
    }
    out.close();
    if (!QFile::rename(partial, path)) {
        *error = QStringLiteral("cannot rename %1 to %2").arg(partial, path);
        QFile::remove(partial);
        return false;
    }
    tls->certificate = made.certificate();
    tls->key = made.privateKey();
    tls->made = true;
    return true;
}

bool positiveInt(const QString &text, int *out)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value <= 0)
        return false;
    *out = value;
    return true;
}
} // namespace

int runServe(int argc, char **argv)
{
    // Not glib's event dispatcher: glib removes and re-adds a poll record for every
    // write-notifier toggle by scanning all of them, which with thousands of sockets is a quarter
    // of the server's CPU (docs/benchmarks.md). A headless server needs nothing of glib.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
#ifdef HEARTH_NATIVE_TRANSPORT
    // Nor Qt's poll() dispatcher, which hands every socket to the kernel on every pass of the
    // loop: epoll reports only the ready ones. HEARTH_EVENT_DISPATCHER=poll keeps Qt's, to
    // compare.
    if (qEnvironmentVariable("HEARTH_EVENT_DISPATCHER") != QLatin1String("poll"))
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hearth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs the Hearth room server without a window."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The serve command."));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("TCP port (default %1; 0: any free port).").arg(Protocol::DefaultPort),
        QStringLiteral("N"));
    const QCommandLineOption bindOption(QStringLiteral("bind"),
                                        QStringLiteral("Address to listen on (default: all)."),
                                        QStringLiteral("ADDR"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QStringLiteral("SQLite file, or a postgresql:// URL (default: hearth.sqlite in the "
                       "data directory)."),
        QStringLiteral("PATH"));
    const QCommandLineOption syncOption(
        QStringLiteral("sync"),
        QStringLiteral("SQLite durability: normal (default; every commit survives a crash "
                       "of the process) or full (also fsync each group commit: survives a "
                       "power cut, costs a disk sync per group)."),
        QStringLiteral("MODE"), QStringLiteral("normal"));
    const QCommandLineOption graceOption(
        QStringLiteral("grace"),
        QStringLiteral("Seconds an offline participant keeps its seat (default 60)."),
        QStringLiteral("S"));
    const QCommandLineOption idleOption(
        QStringLiteral("idle-timeout"),
        QStringLiteral("Seconds of silence before a connection counts as dropped (default 15)."),
        QStringLiteral("S"));
    const QCommandLineOption expiryOption(
        QStringLiteral("empty-room-expiry"),
        QStringLiteral("Seconds before a room with nobody in it closes (default 600)."),
        QStringLiteral("S"));
    const QCommandLineOption historyOption(
        QStringLiteral("history-limit"),
        QStringLiteral("Events kept per room; older ones are deleted (default 100000; 0: keep "
                       "everything)."),
        QStringLiteral("N"));
    const QCommandLineOption relaxedOption(
        QStringLiteral("relaxed-limits"),
        QStringLiteral("Lift the per-connection request and chat rate limits (benchmarks)."));
    const QCommandLineOption noDiscoveryOption(
        QStringLiteral("no-discovery"),
        QStringLiteral("Do not answer LAN discovery (joiners then need the address)."));
    const QCommandLineOption discoveryPortOption(
        QStringLiteral("discovery-port"),
        QStringLiteral("UDP port of LAN discovery (default 47800)."), QStringLiteral("N"));
    const QCommandLineOption transportOption(
        QStringLiteral("transport"),
        hasNativeTransport()
            ? QStringLiteral("WebSocket transport: qt (default; every platform, TLS) or native "
                             "(Linux fast path, plain ws:// only: needs --no-tls).")
            : QStringLiteral("WebSocket transport: qt (the only one in this build)."),
        QStringLiteral("NAME"), QStringLiteral("qt"));
    const QCommandLineOption noTlsOption(
        QStringLiteral("no-tls"),
        QStringLiteral("Serve plain ws:// (readable by anyone on the network): only behind a "
                       "TLS-terminating proxy."));
    const QCommandLineOption tlsCertOption(
        QStringLiteral("tls-cert"),
        QStringLiteral("PEM certificate to serve wss:// with (default: this installation's own, "
                       "made the first time, in the data directory)."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKeyOption(QStringLiteral("tls-key"),
                                          QStringLiteral("PEM private key of --tls-cert."),
                                          QStringLiteral("FILE"));
    parser.addOptions({portOption, bindOption, dbOption, syncOption, graceOption, idleOption,
                       expiryOption, historyOption, relaxedOption, noDiscoveryOption,
                       discoveryPortOption, transportOption, noTlsOption, tlsCertOption,
                       tlsKeyOption});
    auto fail = [](const QString &message) {
        std::fprintf(stderr, "hearth serve: %s\n", qPrintable(message));
        return 2;
    };
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);

    ServerConfig config;
    if (parser.isSet(portOption)) {
        bool ok = false;
        const uint port = parser.value(portOption).toUInt(&ok);
        if (!ok || port > 65535)
            return fail(QStringLiteral("--port takes a number from 0 to 65535"));
        config.port = quint16(port);
    }
    if (parser.isSet(bindOption) && !config.bindAddress.setAddress(parser.value(bindOption)))
        return fail(QStringLiteral("--bind takes an IP address"));
    config.database = parser.value(dbOption);
    if (config.database.isEmpty())
        config.database = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                          QStringLiteral("/hearth.sqlite");
    const QString sync = parser.value(syncOption);
    if (sync != QLatin1String("full") && sync != QLatin1String("normal"))
        return fail(QStringLiteral("--sync takes full or normal"));
    config.syncFull = sync == QLatin1String("full");
    if (parser.isSet(graceOption) &&
        !positiveInt(parser.value(graceOption), &config.limits.graceSeconds))
        return fail(QStringLiteral("--grace takes a positive number of seconds"));
    if (parser.isSet(idleOption) &&
        !positiveInt(parser.value(idleOption), &config.limits.idleTimeoutSeconds))
        return fail(QStringLiteral("--idle-timeout takes a positive number of seconds"));
    if (config.limits.heartbeatSeconds * 2 > config.limits.idleTimeoutSeconds)
        config.limits.heartbeatSeconds = std::max(1, config.limits.idleTimeoutSeconds / 3);
    if (parser.isSet(expiryOption) &&
        !positiveInt(parser.value(expiryOption), &config.emptyRoomExpirySeconds))
        return fail(QStringLiteral("--empty-room-expiry takes a positive number of seconds"));
    if (parser.isSet(historyOption)) {
        bool ok = false;
        config.historyLimit = parser.value(historyOption).toLongLong(&ok);
        if (!ok || config.historyLimit < 0)
            return fail(QStringLiteral("--history-limit takes a number of events (0: no limit)"));
    }
    if (parser.isSet(relaxedOption)) {
        config.limits.requestsPerSecond = 100000;
        config.limits.chatPerSecond = 100000;
    }

    const QString transport = parser.value(transportOption);
    if (transport == QLatin1String("native")) {
        if (!hasNativeTransport())
            return fail(QStringLiteral("this build has no native transport (configured with "
                                       "HEARTH_NATIVE_TRANSPORT=OFF); use --transport qt"));
        config.transport = ServerConfig::Transport::Native;
    } else if (transport != QLatin1String("qt")) {
        return fail(QStringLiteral("--transport takes qt or native"));
    }
    const bool noTls = parser.isSet(noTlsOption);
    if (parser.isSet(tlsCertOption) != parser.isSet(tlsKeyOption))
        return fail(QStringLiteral("--tls-cert and --tls-key go together"));
    if (noTls && parser.isSet(tlsCertOption))
        return fail(QStringLiteral("--no-tls and --tls-cert contradict each other"));
    // Plain ws:// is never implied: the native transport has no TLS, so it needs --no-tls
    // written out (and a TLS-terminating proxy in front).
    if (config.transport == ServerConfig::Transport::Native && !noTls)
        return fail(QStringLiteral("--transport native serves plain ws:// only: add --no-tls and "
                                   "put a TLS-terminating proxy in front of it (README)"));
    ServeTls tls;
    if (!noTls) {
        QString problem;
        const bool loaded = parser.isSet(tlsCertOption)
                                ? loadOperatorTls(parser.value(tlsCertOption),
                                                  parser.value(tlsKeyOption), &tls, &problem)
                                : loadOrMakeOwnTls(QStandardPaths::writableLocation(
                                                       QStandardPaths::AppDataLocation) +
                                                       QStringLiteral("/serve-tls.pem"),
                                                   &tls, &problem);
        if (!loaded)
            return fail(problem);
        config.certificate = tls.certificate;
        config.privateKey = tls.key;
    }

    QString discoveryProblem;
    DiscoveryConfig discovery = DiscoveryConfig::fromEnvironment(&discoveryProblem);
    if (!discoveryProblem.isEmpty())
        qCWarning(lcServe).noquote() << discoveryProblem;
    if (parser.isSet(noDiscoveryOption))
        discovery.enabled = false;
    if (parser.isSet(discoveryPortOption)) {
        bool ok = false;
        const uint port = parser.value(discoveryPortOption).toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return fail(QStringLiteral("--discovery-port takes a number from 1 to 65535"));
        discovery.port = quint16(port);
    }

    raiseFileLimit();
    RoomServer server(config);
    if (!server.start())
        return fail(server.errorString());

    // Machine-readable first line: tests and scripts wait for it.
    std::printf("hearth: listening on %s\n", qPrintable(server.url().toString()));
    std::printf("hearth: transport %s\n", qPrintable(transportName(config.transport)));
    if (config.bindAddress == QHostAddress::Any) {
        const auto addresses = QNetworkInterface::allAddresses();
        for (const QHostAddress &address : addresses) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
                std::printf("hearth: reachable on the LAN at %s://%s:%u/\n",
                            qPrintable(server.url().scheme()), qPrintable(address.toString()),
                            unsigned(server.port()));
        }
    }
    if (server.isSecure()) {
        // What the operator reads out to people, who compare it with what their app shows.
        const QByteArray fingerprint = server.certificateFingerprint();
        std::printf("hearth: certificate words: %s\n",
                    Fingerprint::wordsText(fingerprint).toUtf8().constData());
        std::printf("hearth: certificate SHA-256: %s\n",
                    qPrintable(Fingerprint::toHex(fingerprint)));
        std::printf("hearth: certificate %s %s\n", tls.made ? "made now in" : "from",
                    qPrintable(QDir::toNativeSeparators(tls.where)));
    } else {
        std::printf("hearth: WARNING: TLS is off (--no-tls): chat, names and room passwords "
                    "travel readable by anyone on the network. Serve like this only behind a "
                    "TLS-terminating proxy.\n");
    }
    // Declared after the server: destroyed (saying bye) before it.
    LanResponder responder(&server, discovery);
    if (!discovery.enabled)
        std::printf("hearth: LAN discovery off\n");
    else if (responder.start())
        std::printf("hearth: LAN discovery on UDP port %u\n", unsigned(discovery.port));
    else
        std::printf("hearth: LAN discovery unavailable (%s); joiners need the address\n",
                    qPrintable(responder.errorString()));
    std::fflush(stdout);

    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &server, [&](int n) {
        qCInfo(lcServe) << "signal" << n << "received: stopping";
        responder.stop();
        server.stop();
    });
    QObject::connect(&server, &RoomServer::stopped, &app, &QCoreApplication::quit);
    return app.exec();
}
