#include "servecommand.h"

#include "discovery/discoveryconfig.h"
#include "lan/lanresponder.h"
#include "roomserver.h"
#ifdef HEARTH_NATIVE_TRANSPORT
#include "net/epolleventdispatcher.h"
#endif
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QLoggingCategory>
#include <QtCore/QStandardPaths>
#include <QtNetwork/QNetworkInterface>

#include <cstdio>
#include <sys/resource.h>

Q_LOGGING_CATEGORY(lcServe, "hearth.serve")

namespace {
// Every connection is a file descriptor; the usual soft limit of 1024 would cap a busy server.
void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
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
    parser.addOptions({portOption, bindOption, dbOption, syncOption, graceOption, idleOption,
                       expiryOption, historyOption, relaxedOption, noDiscoveryOption,
                       discoveryPortOption});
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
    if (config.bindAddress == QHostAddress::Any) {
        const auto addresses = QNetworkInterface::allAddresses();
        for (const QHostAddress &address : addresses) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
                std::printf("hearth: reachable on the LAN at ws://%s:%u/\n",
                            qPrintable(address.toString()), unsigned(server.port()));
        }
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
