// hearth-bench-desktop: figures of the desktop app (printed, never asserted).
//
//   1. startup: time from starting `hearth` to the lobby's first frame (median of N runs);
//   2. join: time from pressing Join to the participants list being filled (and drawn);
//   3. memory: the app's resident memory with a room of M members and H messages of history
//      loaded, and what the models themselves hold;
//   4. live: frame times while 50 messages a second arrive and the chat follows them;
//   5. smoothness: frame times while the chat scrolls through that whole history.
//
// The room lives in a child process (this binary with --populate): an in-process RoomServer
// with relaxed rate limits, M-1 members connected as protocol clients, and H chat messages. So
// this process holds only what the desktop app holds: AppController, the models and the
// `Hearth` QML window. Without a display it renders offscreen.
//
//   hearth-bench-desktop [--members 50] [--messages 10000] [--startup-runs 5] [--tiny]

#include "appcontroller.h"
#include "embeddedserver.h"
#include "roomserver.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <unistd.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

// Figures go to stdout at once, line by line.
#define SAY(...)                                                                                   \
    do {                                                                                           \
        std::printf(__VA_ARGS__);                                                                  \
        std::fflush(stdout);                                                                       \
    } while (false)

// Resident memory of this process in KiB (Linux).
qint64 residentKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Runs the event loop until `done` is true (checked every few ms) or `timeoutMs` pass.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// "mean, p95, p99, max" of frame times, for one line of figures.
QString frameFigures(QList<double> ms)
{
    if (ms.isEmpty())
        return u"no frames"_s;
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : std::as_const(ms))
        sum += v;
    auto at = [&](double q) {
        return ms.at(qMin<qsizetype>(ms.size() - 1, qsizetype(ms.size() * q)));
    };
    return u"%1 frames, mean %2 ms, p95 %3 ms, p99 %4 ms, max %5 ms per frame"_s.arg(ms.size())
        .arg(sum / double(ms.size()), 0, 'f', 2)
        .arg(at(0.95), 0, 'f', 2)
        .arg(at(0.99), 0, 'f', 2)
        .arg(ms.last(), 0, 'f', 2);
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// --populate: the room the app joins. Prints "ready URL CODE" and stays until stdin closes.
int populate(int members, int messages)
{
    QTemporaryDir dir;
    ServerConfig config;
    config.bindAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.database = dir.filePath(u"bench.sqlite"_s);
    config.syncFull = false;
    config.limits.chatPerSecond = 1000000;
    config.limits.requestsPerSecond = 1000000;
    config.limits.capacityMax = qMax(50, members);
    RoomServer server(config);
    if (!server.start()) {
        std::fprintf(stderr, "populate: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    QList<RoomClient *> clients;
    auto connectClient = [&] {
        auto *c = new RoomClient;
        c->setIdentity(Identity::generate());
        c->open(server.url());
        clients.append(c);
        return c;
    };
    RoomClient *host = connectClient();
    if (!waitUntil([&] { return host->state() == RoomClient::State::Connected; }, 10000))
        return 1;
    QString code;
    CreateRoomArgs args;
    args.name = u"Benchmark room"_s;
    args.displayName = u"Host"_s;
    args.capacity = qMax(50, members);
    host->createRoom(args, nullptr, [&](const Result<RoomSnapshot> &r) {
        if (r.ok())
            code = r.value->room.code;
    });
    if (!waitUntil([&] { return !code.isEmpty(); }, 10000))
        return 1;
    // Members 2..M-1 (the app being measured will be the M-th).
    for (int i = 2; i < members; ++i) {
        RoomClient *c = connectClient();
        if (!waitUntil([&] { return c->state() == RoomClient::State::Connected; }, 10000))
            return 1;
        c->joinRoom(JoinRoomArgs{code, u"Member %1"_s.arg(i), Role::Member, {}}, nullptr, {});
    }
    if (!waitUntil(
            [&] {
                return std::all_of(clients.cbegin(), clients.cend(), [](RoomClient *c) {
                    return c->state() == RoomClient::State::Joined;
                });
            },
            30000))
        return 1;
    int acked = 0;
    for (int i = 0; i < messages; ++i) {
        RoomClient *author = clients.at(i % clients.size());
        author->sendChat(
            code, u"Message %1: a line of chat of a typical length, about this long."_s.arg(i),
            nullptr, [&acked](const Result<ChatAck> &) { ++acked; });
        if (i % 500 == 499)
            waitUntil([&] { return acked > i - 200; }, 30000); // keep the pipe short
    }
    if (!waitUntil([&] { return acked == messages; }, 120000))
        return 1;
    SAY("ready %s %s\n", qPrintable(server.url().toString()), qPrintable(code));
    // Commands from the parent on stdin, until it closes it: "live SECONDS" sends 50 messages
    // a second (each member in turn) for that long, then prints "live done".
    QSocketNotifier notifier(STDIN_FILENO, QSocketNotifier::Read);
    bool eof = false;
    QByteArray commands;
    QTimer live;
    live.setInterval(20);
    int liveLeft = 0;
    int liveSent = 0;
    QObject::connect(&live, &QTimer::timeout, [&] {
        RoomClient *author = clients.at(1 + liveSent % qMax(1, int(clients.size()) - 1));
        author->sendChat(code, u"Live %1: a new line while the app is watched."_s.arg(++liveSent),
                         nullptr, {});
        if (--liveLeft <= 0) {
            live.stop();
            SAY("live done\n");
        }
    });
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char buffer[64];
        const auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            eof = true;
            return;
        }
        commands.append(buffer, n);
        while (commands.contains('\n')) {
            const QByteArray line = commands.left(commands.indexOf('\n'));
            commands.remove(0, line.size() + 1);
            if (line.startsWith("live ")) {
                liveLeft = line.mid(5).toInt() * 50;
                live.start();
            }
        }
    });
    waitUntil([&] { return eof; }, 600000);
    qDeleteAll(clients);
    return 0;
}

// Startup: the real binary, its lobby's first frame, wall clock seen from here.
void measureStartup(int runs)
{
    QList<double> wall;
    QList<double> inside;
    for (int i = 0; i < runs; ++i) {
        QTemporaryDir home;
        QProcess hearth;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
        env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
        env.insert(u"HEARTH_IDENTITY_STORE"_s, u"file"_s);
        if (qEnvironmentVariableIsEmpty("DISPLAY") &&
            qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
            env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        hearth.setProcessEnvironment(env);
        QElapsedTimer clock;
        clock.start();
        hearth.start(QStringLiteral(HEARTH_BENCH_HEARTH_BINARY),
                     {u"--print-startup"_s, u"--quit-after-startup"_s});
        QByteArray out;
        while (hearth.waitForReadyRead(20000)) {
            out += hearth.readAllStandardOutput();
            if (out.contains("lobby shown"))
                break;
        }
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        hearth.waitForFinished(10000);
        const int at = out.indexOf("after ");
        if (at < 0) {
            SAY("startup: run %d did not show the lobby\n", i + 1);
            continue;
        }
        wall << ms;
        inside << out.mid(at + 6).split(' ').value(0).toDouble();
    }
    SAY("startup to lobby (first frame): median %.0f ms wall clock, %.0f ms inside the process "
        "(%lld runs)\n",
        median(wall), median(inside), static_cast<long long>(wall.size()));
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 4 && qstrcmp(argv[1], "--populate") == 0) {
        QCoreApplication app(argc, argv);
        return populate(atoi(argv[2]), atoi(argv[3]));
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QTemporaryDir home; // this run's settings and data
    qputenv("XDG_CONFIG_HOME", home.filePath(u"config"_s).toLocal8Bit());
    qputenv("XDG_DATA_HOME", home.filePath(u"data"_s).toLocal8Bit());
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption membersOption(u"members"_s, u"Room members, the app included."_s,
                                           u"N"_s, u"50"_s);
    const QCommandLineOption messagesOption(u"messages"_s, u"Messages of history."_s, u"N"_s,
                                            u"10000"_s);
    const QCommandLineOption runsOption(u"startup-runs"_s, u"Startup measurements."_s, u"N"_s,
                                        u"5"_s);
    const QCommandLineOption tinyOption(u"tiny"_s, u"CI size: a few seconds."_s);
    parser.addOptions({membersOption, messagesOption, runsOption, tinyOption});
    parser.process(app);
    const bool tiny = parser.isSet(tinyOption);
    const int members = tiny ? 5 : qBound(2, parser.value(membersOption).toInt(), 200);
    const int messages = tiny ? 300 : qMax(0, parser.value(messagesOption).toInt());
    const int runs = tiny ? 1 : qMax(1, parser.value(runsOption).toInt());
    SAY("hearth-bench-desktop: %d members, %d messages, platform %s\n", members, messages,
        qPrintable(QGuiApplication::platformName()));

    // 1. Startup.
    measureStartup(runs);

    // The room, in a child process.
    QProcess room;
    room.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    room.start(QCoreApplication::applicationFilePath(),
               {u"--populate"_s, QString::number(members), QString::number(messages)});
    QElapsedTimer populateClock;
    populateClock.start();
    QByteArray ready;
    while (!ready.contains('\n') && room.waitForReadyRead(300000))
        ready += room.readAllStandardOutput();
    const QList<QByteArray> parts = ready.trimmed().split(' ');
    if (parts.size() != 3 || parts.at(0) != "ready") {
        std::fprintf(stderr, "hearth-bench-desktop: the room could not be prepared\n");
        return 1;
    }
    SAY("room ready after %lld ms (setup, not a figure)\n",
        static_cast<long long>(populateClock.elapsed()));
    const QString url = QString::fromLatin1(parts.at(1));
    const QString code = QString::fromLatin1(parts.at(2));

    // The app: controller and window, as `hearth` builds them.
    const qint64 rssBefore = residentKiB();
    AppController::Options options;
    options.ephemeralIdentity = true;
    AppController controller(options, new EmbeddedServer);
    controller.setDisplayName(u"Bench"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
    QQmlApplicationEngine engine;
    engine.setInitialProperties({{u"app"_s, QVariant::fromValue(&controller)}});
    engine.load(QUrl(u"qrc:/Hearth/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    window->resize(1180, 760);
    int frames = 0;
    QElapsedTimer frameClock;
    frameClock.start();
    QList<double> frameMs;
    qint64 lastFrameNs = 0;
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [&] {
        ++frames;
        const qint64 now = frameClock.nsecsElapsed();
        if (lastFrameNs > 0)
            frameMs << double(now - lastFrameNs) / 1e6;
        lastFrameNs = now;
    });
    if (!waitUntil([&] { return controller.isIdentityReady() && frames > 0; }, 10000))
        return 1;
    const qint64 rssLobby = residentKiB();

    // 2. Join → participants list filled and drawn.
    QElapsedTimer joinClock;
    joinClock.start();
    controller.joinRoom(url, code, false, {});
    QQuickItem *list = nullptr;
    const bool filled = waitUntil(
        [&] {
            if (!list)
                list = window->findChild<QQuickItem *>(u"participantsList"_s);
            return list && list->property("count").toInt() == members;
        },
        30000);
    const double joinedMs = double(joinClock.nsecsElapsed()) / 1e6;
    const int framesAtFill = frames;
    waitUntil([&] { return frames > framesAtFill; }, 5000);
    const double drawnMs = double(joinClock.nsecsElapsed()) / 1e6;
    if (!filled) {
        std::fprintf(stderr, "hearth-bench-desktop: join failed: %s\n",
                     qPrintable(controller.errorText()));
        return 1;
    }
    SAY("join to participants list filled: %.1f ms (%d rows); drawn: %.1f ms\n", joinedMs, members,
        drawnMs);

    // 3. The whole history, paged in as scrolling up would, then memory.
    RoomSession *session = controller.session();
    QElapsedTimer historyClock;
    historyClock.start();
    waitUntil([&] { return !session->isLoadingHistory(); }, 30000);
    while (session->hasMoreHistory()) {
        session->loadOlder(200);
        if (!waitUntil([&] { return !session->isLoadingHistory(); }, 30000))
            break;
    }
    const double historyMs = double(historyClock.nsecsElapsed()) / 1e6;
    waitUntil([] { return false; }, 300); // let the window settle
    const qint64 rssLoaded = residentKiB();
    SAY("history: %d rows in the chat model, paged in in %.0f ms\n",
        session->messages()->rowCount(), historyMs);
    SAY("memory (RSS): %.1f MiB before the app, %.1f MiB in the lobby, %.1f MiB with %d members "
        "and %d messages loaded (+%.1f MiB for the room); chat model strings ~%.2f MiB\n",
        double(rssBefore) / 1024, double(rssLobby) / 1024, double(rssLoaded) / 1024, members,
        session->messages()->rowCount(), double(rssLoaded - rssLobby) / 1024,
        double(session->messages()->approximateBytes()) / (1024 * 1024));

    auto *chat = window->findChild<QQuickItem *>(u"messagesList"_s);
    if (!chat)
        return 1;
    // Frames back to back: each swapped frame changes the scene a little (the opacity of the
    // whole window content, by a thousandth) and asks for the next one, so that a frame is
    // drawn at once whether or not a message came, and a frame's interval is what it cost:
    // the chat's work, the scene graph, and the messages handled in between.
    auto measureFrames = [&](int count, int timeoutMs, const std::function<void()> &eachFrame) {
        frameMs.clear();
        lastFrameNs = 0;
        int seen = 0;
        QQuickItem *content = window->contentItem();
        // The signal comes from the render thread (queued): the connection's context dies with
        // this measurement, and with it any call still queued for it.
        QObject measurement;
        QObject::connect(window, &QQuickWindow::frameSwapped, &measurement, [&] {
            ++seen;
            if (eachFrame)
                eachFrame();
            content->setOpacity(content->opacity() < 1 ? 1.0 : 0.999);
            window->requestUpdate();
        });
        window->requestUpdate();
        waitUntil([&] { return seen >= count; }, timeoutMs);
        content->setOpacity(1.0);
        return frameMs;
    };

    // 4. Live: 50 messages a second arriving while the chat follows them at the bottom.
    QMetaObject::invokeMethod(chat, "follow");
    const int liveSeconds = tiny ? 2 : 10;
    const int rowsBefore = session->messages()->rowCount();
    room.write(QByteArray("live ") + QByteArray::number(liveSeconds) + '\n');
    const QList<double> liveFrames = measureFrames(1000000, liveSeconds * 1000, {});
    waitUntil([&] { return room.readAllStandardOutput().contains("live done"); }, 10000);
    SAY("50 messages/s arriving into %d messages, the chat following: %s; %d rows arrived, "
        "newest on screen: %s\n",
        rowsBefore, qPrintable(frameFigures(liveFrames)),
        session->messages()->rowCount() - rowsBefore,
        chat->property("atYEnd").toBool() ? "yes" : "no");

    // 5. Scrolling: from the newest message to the oldest, 300 px a frame (a brisk scroll), as
    // a person's drag would (the chat stops following).
    chat->setProperty("followNewest", false);
    const double step = 300;
    const QList<double> scrollFrames = measureFrames(tiny ? 60 : 600, tiny ? 10000 : 60000, [&] {
        const double y = chat->property("contentY").toDouble();
        const double top = chat->property("originY").toDouble();
        if (y > top)
            chat->setProperty("contentY", qMax(top, y - step));
    });
    SAY("scrolling the chat (%.0f px a frame): %s\n", step, qPrintable(frameFigures(scrollFrames)));
    SAY("memory (RSS) at the end: %.1f MiB with %d rows\n", double(residentKiB()) / 1024,
        session->messages()->rowCount());

    room.closeWriteChannel();
    room.waitForFinished(10000);
    return 0;
}
