#include "hostcommand.h"

#include "appcontroller.h"
#include "embeddedserver.h"
#include "headlessrunner.h"
#include "invite/invitelink.h"
#include "protocol/roomcode.h"
#include "signalwatcher.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>

#ifdef HEARTH_HAVE_GUI
#include "desktopwindow.h"

#include <QtGui/QGuiApplication>
#endif

#include <cstdio>
#include <cstring>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

#ifdef HEARTH_HAVE_GUI
bool hasArgument(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return true;
    }
    return false;
}

// A window needs a display; a LAN box or an SSH session has none. QT_QPA_PLATFORM (offscreen,
// vnc, ...) counts as one: whoever sets it wants the window.
bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}
#endif

int usageError(const QString &message)
{
    std::fprintf(stderr, "hearth: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int runHost(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
#ifdef HEARTH_HAVE_GUI
    const bool headless = hasArgument(argc, argv, "--headless") || !displayAvailable();
    std::unique_ptr<QCoreApplication> app;
    if (headless)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QGuiApplication>(argc, argv);
#ifdef HEARTH_APP_ID
    // Wayland compositors match the window to the installed desktop entry (and its icon) by this.
    if (!headless)
        QGuiApplication::setDesktopFileName(QStringLiteral(HEARTH_APP_ID));
#endif
#else
    const bool headless = true;
    auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(u"hearth"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Hearth: host a room on your local network, or join one with its code.\n"
        "Without a display (or with --headless) it hosts or joins on the terminal."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"join"_s,
                                 u"join ADDRESS CODE: join a room (ADDRESS is "
                                 "host, host:port, ws://host:port/, wss://host:port/ or a "
                                 "hearth://host:port/CODE?fp=… link); join CODE: find the "
                                 "room's host on the LAN by its code."_s,
                                 u"[join [ADDRESS] CODE | hearth://HOST:PORT/CODE?fp=…]"_s);
    const QCommandLineOption headlessOption(u"headless"_s,
                                            u"No window: host or join on the terminal."_s);
    const QCommandLineOption nameOption(u"name"_s, u"Your display name."_s, u"NAME"_s);
    const QCommandLineOption roomNameOption(u"room-name"_s, u"The hosted room's name."_s,
                                            u"NAME"_s);
    const QCommandLineOption capacityOption(u"capacity"_s, u"Seats in the hosted room (1-50)."_s,
                                            u"N"_s, u"10"_s);
    const QCommandLineOption portOption(
        u"port"_s, u"Port of the hosted room's server (default 47800, or any free port)."_s,
        u"N"_s);
    const QCommandLineOption bindOption(
        u"bind"_s, u"Address the hosted server listens on (default all)."_s, u"ADDR"_s);
    const QCommandLineOption dbOption(u"db"_s, u"SQLite file of the hosted room's server."_s,
                                      u"PATH"_s);
    const QCommandLineOption approvalOption(u"approval"_s,
                                            u"Joiners wait for the host's approval."_s);
    const QCommandLineOption noSpectatorsOption(u"no-spectators"_s,
                                                u"The hosted room allows no spectators."_s);
    const QCommandLineOption passwordOption(u"password"_s, u"Room password (host or join)."_s,
                                            u"PW"_s);
    const QCommandLineOption spectatorOption(u"spectator"_s, u"Join as a spectator."_s);
    const QCommandLineOption trustNewCertificateOption(
        u"trust-new-certificate"_s,
        u"Join even though the host's certificate changed since the last join (pin the new "
        "one). Only when the host did reinstall Hearth: otherwise someone may be pretending "
        "to be it."_s);
    const QCommandLineOption profileOption(
        u"profile"_s, u"Use a separate identity and settings (several on one machine)."_s,
        u"NAME"_s);
    const QCommandLineOption identityFileOption(
        u"identity-file"_s,
        u"Keep the identity in this file instead of the OS keychain (plain text)."_s, u"PATH"_s);
    const QCommandLineOption resetIdentityOption(
        u"reset-identity"_s,
        u"Forget the stored identity and host certificate and make new ones."_s);
    const QCommandLineOption printStartupOption(
        u"print-startup"_s, u"Print when the lobby is first shown (benchmarks)."_s);
    const QCommandLineOption quitAfterStartupOption(
        u"quit-after-startup"_s, u"Quit once the lobby is shown (benchmarks)."_s);
    const QCommandLineOption themeOption(u"theme"_s, u"auto, light or dark."_s, u"THEME"_s);
    const QCommandLineOption screenshotOption(
        u"screenshot-demo"_s,
        u"Host a demo room with a few participants and save lobby.png, room.png and "
        "room-dark.png to DIR."_s,
        u"DIR"_s);
    parser.addOptions({headlessOption, nameOption, roomNameOption, capacityOption, portOption,
                       bindOption, dbOption, approvalOption, noSpectatorsOption, passwordOption,
                       spectatorOption, trustNewCertificateOption, profileOption,
                       identityFileOption, resetIdentityOption, printStartupOption,
                       quitAfterStartupOption, themeOption, screenshotOption});
    parser.process(*app);

    AppController::Options options;
    // The demo touches nothing of the user's: settings, data and identity are throwaway.
    std::unique_ptr<QTemporaryDir> demoHome;
    if (parser.isSet(screenshotOption)) {
        demoHome = std::make_unique<QTemporaryDir>();
        qputenv("XDG_CONFIG_HOME", demoHome->filePath(u"config"_s).toLocal8Bit());
        qputenv("XDG_DATA_HOME", demoHome->filePath(u"data"_s).toLocal8Bit());
        options.ephemeralIdentity = true;
    }
    options.profile = parser.value(profileOption);
    options.identityFile = parser.value(identityFileOption);
    options.resetIdentity = parser.isSet(resetIdentityOption);
    // The window reads the identity when the person first hosts or joins: a locked keyring's
    // password prompt then follows their click instead of greeting them at startup.
    options.deferIdentity = !headless;
    options.database = parser.value(dbOption);
    options.bindAddress = parser.value(bindOption);
    if (parser.isSet(portOption)) {
        bool ok = false;
        const uint port = parser.value(portOption).toUInt(&ok);
        if (!ok || port > 65535)
            return usageError(u"--port takes a number from 0 to 65535"_s);
        options.hostPort = int(port);
    }
    bool capacityOk = false;
    const int capacity = parser.value(capacityOption).toInt(&capacityOk);
    if (!capacityOk || capacity < 1 || capacity > 50)
        return usageError(u"--capacity takes a number from 1 to 50"_s);

    HeadlessRunner::Options run;
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        if (positional.first() == "join"_L1 && (positional.size() == 3 || positional.size() == 2)) {
            run.join = true;
            run.host = positional.at(1);
            run.code = positional.size() == 3 ? positional.at(2) : QString();
            // `hearth join CODE`: the code alone, the host found on the LAN.
            if (positional.size() == 2 && !InviteLink::looksLikeLink(run.host) &&
                RoomCode::normalize(run.host)) {
                run.code = run.host;
                run.host.clear();
            }
        } else if (positional.size() == 1 && InviteLink::looksLikeLink(positional.first())) {
            // `hearth hearth://HOST:PORT/CODE`, as the desktop entry's URL handler calls it.
            if (!InviteLink::parse(positional.first()))
                return usageError(
                    u"not a valid invite link: %1 (expected "
                    "hearth://HOST:PORT/CODE or hearth://HOST:PORT/CODE?fp=FINGERPRINT)"_s.arg(
                        positional.first()));
            run.join = true;
            run.host = positional.first(); // the code rides in the link
        } else {
            return usageError(
                u"unexpected arguments: %1 (see --help)"_s.arg(positional.join(u' ')));
        }
    }
    run.spectator = parser.isSet(spectatorOption);
    run.trustNewCertificate = parser.isSet(trustNewCertificateOption);
    run.password = parser.value(passwordOption);
    run.capacity = capacity;
    run.roomOptions = {{u"approval"_s, parser.isSet(approvalOption)},
                       {u"spectators"_s, !parser.isSet(noSpectatorsOption)},
                       {u"password"_s, parser.value(passwordOption)}};

    // The one place that runs a room server for the desktop app: the libraries below see only
    // RoomHost.
    AppController controller(options, new EmbeddedServer);
    if (parser.isSet(nameOption))
        controller.setDisplayName(parser.value(nameOption));
    if (controller.displayName().isEmpty())
        controller.setDisplayName(headless ? (run.join ? u"Guest"_s : u"Host"_s) : QString());
    run.roomName = parser.value(roomNameOption);
    if (run.roomName.isEmpty())
        run.roomName =
            controller.lastRoomName().isEmpty()
                ? QCoreApplication::translate("runHost", "%1's room").arg(controller.displayName())
                : controller.lastRoomName();

    SignalWatcher signalWatcher;
    QObject::connect(&controller, &AppController::shutdownFinished, app.get(),
                     [] { QCoreApplication::exit(0); });

#ifdef HEARTH_HAVE_GUI
    if (!headless) {
        DesktopWindow::Options windowOptions;
        windowOptions.joinHost = run.join ? run.host : QString();
        windowOptions.joinCode = run.code;
        windowOptions.printStartup = parser.isSet(printStartupOption);
        windowOptions.quitAfterStartup = parser.isSet(quitAfterStartupOption);
        windowOptions.screenshotDir = parser.value(screenshotOption);
        windowOptions.theme = parser.value(themeOption);
        windowOptions.sinceStart = sinceStart;
        DesktopWindow window(&controller, windowOptions);
        if (!window.load())
            return 1;
        // A signal means "quit now": no question asked, but the room is still closed properly.
        QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &controller,
                         &AppController::shutdown);
        return app->exec();
    }
#endif
    if (parser.isSet(screenshotOption))
        return usageError(u"--screenshot-demo needs a display (or QT_QPA_PLATFORM=offscreen)"_s);

    HeadlessRunner runner(&controller, run);
    int exitCode = 0;
    QObject::connect(&runner, &HeadlessRunner::finished, app.get(), [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    });
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &runner,
                     &HeadlessRunner::stop);
    runner.start();
    const int loopCode = app->exec();
    return exitCode != 0 ? exitCode : loopCode;
}
