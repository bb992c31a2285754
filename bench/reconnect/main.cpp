// hearth-bench-reconnect: figures of reconnect and resume (docs/benchmarks.md, "Reconnect and
// resume"), with the real client (RoomClient with auto-reconnect) against a real
// `hearth serve` process over loopback.
//
// 1. Host restart: N clients in R rooms; the server is stopped (SIGTERM, then in a second round
//    SIGKILL) and started again on the same port. Printed: the time from the restart to every
//    client resumed (seat taken back, missed events delivered).
// 2. Forced reconnects under load: every client chats; K times every client's connection is
//    broken at once (no close frame) and comes back by itself. Printed: messages sent, stored,
//    lost and duplicated, and whether every client's event sequence equals the server's
//    history. Exit code 1 when anything is lost or duplicated.

#include "client/roomclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
    }
    return true;
}

void sleepMs(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents,
                                        qMax<qint64>(1, ms - timer.elapsed()));
}

// `hearth serve` on 127.0.0.1.
class Server
{
public:
    Server(QString binary, QString db)
        : m_binary(std::move(binary))
        , m_db(std::move(db))
    {}
    ~Server() { kill(); }

    bool start(int port)
    {
        m_url.clear();
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start(m_binary, {u"serve"_s, u"--bind"_s, u"127.0.0.1"_s, u"--port"_s,
                                    QString::number(port), u"--db"_s, m_db, u"--relaxed-limits"_s,
                                    u"--no-tls"_s});
        if (!m_process->waitForStarted(10000))
            return false;
        QString output;
        const QRegularExpression listening(u"listening on (ws://\\S+)"_s);
        return waitFor(
                   [&] {
                       output += QString::fromUtf8(m_process->readAll());
                       const auto match = listening.match(output);
                       if (match.hasMatch())
                           m_url = QUrl(match.captured(1));
                       return m_url.isValid() || m_process->state() == QProcess::NotRunning;
                   },
                   15000) &&
               m_url.isValid();
    }
    void terminate()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process->processId()), SIGTERM);
        m_process->waitForFinished(10000);
    }
    void kill()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    QUrl url() const { return m_url; }

private:
    QString m_binary;
    QString m_db;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
};

struct Member {
    std::unique_ptr<RoomClient> client;
    QString room;
    qint64 joinedAt = 0;
    QList<qint64> seqs; // every event delivered, in order
    int duplicatesDelivered = 0;
    int sent = 0;
    int acked = 0;
    int failed = 0;
};

bool allJoined(const std::vector<std::unique_ptr<Member>> &members)
{
    return std::all_of(members.begin(), members.end(), [](const auto &m) {
        return m->client->state() == RoomClient::State::Joined;
    });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Reconnect and resume figures (docs/benchmarks.md)."_s);
    parser.addHelpOption();
    const QCommandLineOption clientsOption(u"clients"_s, u"Clients (default 100)."_s, u"N"_s,
                                           u"100"_s);
    const QCommandLineOption roomsOption(u"rooms"_s, u"Rooms (default 10)."_s, u"N"_s, u"10"_s);
    const QCommandLineOption reconnectsOption(
        u"reconnects"_s, u"Forced reconnects under load (default 10)."_s, u"N"_s, u"10"_s);
    const QCommandLineOption rateOption(
        u"rate"_s, u"Chat messages per second per client under load (default 2)."_s, u"N"_s,
        u"2"_s);
    const QCommandLineOption tinyOption(u"tiny"_s,
                                        u"CI size: 10 clients, 2 rooms, 2 reconnects."_s);
    const QCommandLineOption hearthOption(u"hearth"_s, u"The hearth binary."_s, u"PATH"_s,
                                          QStringLiteral(HEARTH_BENCH_HEARTH_BINARY));
    parser.addOptions(
        {clientsOption, roomsOption, reconnectsOption, rateOption, tinyOption, hearthOption});
    parser.process(app);
    const bool tiny = parser.isSet(tinyOption);
    const int clients = tiny ? 10 : qMax(1, parser.value(clientsOption).toInt());
    const int roomCount = tiny ? 2 : qBound(1, parser.value(roomsOption).toInt(), clients);
    const int reconnects = tiny ? 2 : qMax(1, parser.value(reconnectsOption).toInt());
    const int rate = qMax(1, parser.value(rateOption).toInt());
    QLoggingCategory::setFilterRules(u"hearth.*.info=false"_s);

    QTemporaryDir dir;
    Server server(parser.value(hearthOption), dir.filePath(u"bench.sqlite"_s));
    if (!server.start(0)) {
        std::fprintf(stderr, "hearth serve did not start\n");
        return 2;
    }
    const int port = server.url().port();
    std::printf("hearth-bench-reconnect: %d clients in %d rooms, %d forced reconnects\n", clients,
                roomCount, reconnects);

    // Everyone in: the first client of each room creates it.
    std::vector<std::unique_ptr<Member>> members;
    QStringList codes;
    for (int i = 0; i < clients; ++i) {
        auto m = std::make_unique<Member>();
        m->client = std::make_unique<RoomClient>();
        m->client->setIdentity(Identity::generate());
        m->client->setAutoReconnect(true);
        m->client->setRequestTimeout(60000);
        bool ready = false;
        // Only for this first hello: ready() comes again after every reconnect.
        const QMetaObject::Connection once =
            QObject::connect(m->client.get(), &RoomClient::ready, [&ready] { ready = true; });
        m->client->open(server.url());
        const bool connected = waitFor([&] { return ready; }, 15000);
        QObject::disconnect(once);
        if (!connected) {
            std::fprintf(stderr, "client %d could not connect\n", i);
            return 2;
        }
        std::optional<Result<RoomSnapshot>> reply;
        auto done = [&reply](const Result<RoomSnapshot> &r) { reply = r; };
        const int roomIndex = i % roomCount;
        if (roomIndex == codes.size()) {
            CreateRoomArgs args;
            args.name = u"Bench %1"_s.arg(roomIndex);
            args.displayName = u"Client %1"_s.arg(i);
            args.capacity = 50;
            m->client->createRoom(args, nullptr, done);
        } else {
            m->client->joinRoom(
                JoinRoomArgs{codes.at(roomIndex), u"Client %1"_s.arg(i), Role::Member, {}}, nullptr,
                done);
        }
        if (!waitFor([&] { return reply.has_value(); }, 15000) || !reply->ok()) {
            std::fprintf(stderr, "client %d could not join: %s\n", i,
                         reply ? qPrintable(reply->error.text()) : "no reply");
            return 2;
        }
        if (roomIndex == codes.size())
            codes << reply->value->room.code;
        m->room = reply->value->room.code;
        m->joinedAt = reply->value->room.lastSeq;
        Member *raw = m.get();
        QObject::connect(raw->client.get(), &RoomClient::eventReceived, [raw](const RoomEvent &e) {
            if (e.room != raw->room)
                return;
            if (!raw->seqs.isEmpty() && e.seq <= raw->seqs.last())
                ++raw->duplicatesDelivered;
            raw->seqs.append(e.seq);
        });
        members.push_back(std::move(m));
    }

    // 1. Host restarts: graceful (SIGTERM) and crash (SIGKILL).
    bool ok = true;
    for (const bool crash : {false, true}) {
        if (crash)
            server.kill();
        else
            server.terminate();
        if (!waitFor(
                [&] {
                    return std::all_of(members.begin(), members.end(), [](const auto &m) {
                        return m->client->state() == RoomClient::State::Reconnecting;
                    });
                },
                20000)) {
            std::fprintf(stderr, "clients did not notice the server going\n");
            return 2;
        }
        QElapsedTimer sinceRestart;
        sinceRestart.start();
        if (!server.start(port)) {
            std::fprintf(stderr, "hearth serve did not start again on port %d\n", port);
            return 2;
        }
        const qint64 listeningAfter = sinceRestart.elapsed();
        if (!waitFor([&] { return allJoined(members); }, 120000)) {
            std::fprintf(stderr, "not every client resumed within 120 s\n");
            ok = false;
            break;
        }
        std::printf("host restart (%s): %d clients resumed %lld ms after the restart "
                    "(server listening after %lld ms)\n",
                    crash ? "kill -9" : "SIGTERM", clients, sinceRestart.elapsed(), listeningAfter);
    }

    // 2. Forced reconnects under load.
    QTimer load;
    std::size_t next = 0;
    load.setInterval(qMax(1, 1000 / (rate * clients)));
    const int perTick = qMax(1, (rate * clients) / (1000 / load.interval()));
    QObject::connect(&load, &QTimer::timeout, [&] {
        for (int k = 0; k < perTick; ++k) {
            Member *m = members[next++ % members.size()].get();
            ++m->sent;
            m->client->sendChat(
                m->room, u"load %1"_s.arg(m->sent), nullptr,
                [m](const Result<ChatAck> &r) { r.ok() ? ++m->acked : ++m->failed; });
        }
    });
    load.start();
    QElapsedTimer resumeTimes;
    qint64 slowestResume = 0;
    for (int cycle = 0; cycle < reconnects && ok; ++cycle) {
        sleepMs(700);
        for (const auto &m : members)
            m->client->dropConnection();
        resumeTimes.start();
        if (!waitFor([&] { return allJoined(members); }, 60000)) {
            std::fprintf(stderr, "cycle %d: not every client resumed within 60 s\n", cycle + 1);
            ok = false;
        }
        slowestResume = qMax(slowestResume, resumeTimes.elapsed());
    }
    sleepMs(700);
    load.stop();
    const bool settled = waitFor(
        [&] {
            return std::all_of(members.begin(), members.end(),
                               [](const auto &m) { return m->acked + m->failed == m->sent; });
        },
        60000);

    // Compare with the server's history, room by room.
    int sent = 0, acked = 0, failed = 0, stored = 0, lost = 0, duplicated = 0, equal = 0;
    for (const auto &m : members) {
        sent += m->sent;
        acked += m->acked;
        failed += m->failed;
        duplicated += m->duplicatesDelivered;
    }
    for (const QString &code : std::as_const(codes)) {
        Member *reader = nullptr;
        for (const auto &m : members) {
            if (m->room == code) {
                reader = m.get();
                break;
            }
        }
        QList<RoomEvent> history;
        qint64 after = 0;
        for (;;) {
            std::optional<Result<HistoryPage>> page;
            reader->client->request<HistoryPage>(
                Requests::History{code, {}, after, 200}, nullptr,
                [&page](const Result<HistoryPage> &r) { page = r; });
            if (!waitFor([&] { return page.has_value(); }, 30000) || !page->ok()) {
                std::fprintf(stderr, "history of %s could not be read\n", qPrintable(code));
                return 2;
            }
            const HistoryPage *parsed = &*page->value;
            history += parsed->events;
            if (!parsed->hasMore || parsed->events.isEmpty())
                break;
            after = parsed->events.last().seq;
        }
        QHash<QString, int> perMessage;
        QHash<QString, int> sentInRoom;
        for (const RoomEvent &e : std::as_const(history)) {
            const auto *chat = e.as<Events::Chat>();
            if (!chat)
                continue;
            ++stored;
            const int times = ++perMessage[chat->author + u'/' + chat->clientMsgId];
            if (times > 1)
                ++duplicated;
        }
        int sentHere = 0;
        for (const auto &m : members) {
            if (m->room != code)
                continue;
            sentHere += m->sent;
            QList<qint64> expected;
            for (const RoomEvent &e : std::as_const(history)) {
                if (e.seq > m->joinedAt)
                    expected.append(e.seq);
            }
            if (waitFor([&] { return m->seqs == expected; }, 10000))
                ++equal;
        }
        lost += qMax(0, sentHere - int(perMessage.size()));
    }
    std::printf("forced reconnects under load: %d rounds of %d clients at once; slowest round "
                "resumed in %lld ms\n",
                reconnects, clients, slowestResume);
    std::printf("messages: %d sent, %d acknowledged, %d refused, %d stored; lost %d, "
                "duplicated %d\n",
                sent, acked, failed, stored, lost, duplicated);
    std::printf("clients whose event sequence equals the server's history: %d of %d\n", equal,
                clients);
    server.terminate();
    if (!ok || !settled || lost != 0 || duplicated != 0 || failed != 0 || equal != clients) {
        std::printf("FAILED\n");
        return 1;
    }
    return 0;
}
