// hearth-bench-lan: how long a code-only lookup takes to find its host (docs/benchmarks.md).
//
// Starts several room servers in this process, each with its LAN responder and many rooms,
// all sharing one discovery port as several instances on one machine do, waits until every
// room's stretched key is derived (printing how long that took), then looks up random codes
// with CodeFinder and prints the time from find() — the finder's own key derivation
// included — to the first valid answer. Everything stays on loopback: datagrams go to
// 127.255.255.255 only. Figures are printed, never asserted; it fails only when a lookup finds
// the wrong host or nothing.
//
//   hearth-bench-lan [--tiny] [--servers N] [--rooms N] [--lookups N]

#include "discovery/codefinder.h"
#include "discovery/discoveryconfig.h"
#include "discovery/lancodekey.h"
#include "lan/lanresponder.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRandomGenerator>
#include <QtNetwork/QUdpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Host {
    std::unique_ptr<TestServer> server;
    std::unique_ptr<LanResponder> responder;
    std::vector<std::unique_ptr<TestClient>> clients;
    QStringList codes;
};

double percentile(std::vector<double> sorted, double p)
{
    if (sorted.empty())
        return 0;
    const auto at = std::min(sorted.size() - 1, std::size_t(p * double(sorted.size() - 1) + 0.5));
    return sorted[at];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // Per-room and per-lookup log lines would cost more than what is measured.
    QLoggingCategory::setFilterRules(u"hearth.*.info=false\nhearth.*.debug=false"_s);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption tinyOption(u"tiny"_s, u"CI size: a few seconds."_s);
    const QCommandLineOption serversOption(u"servers"_s, u"Room servers (default 4)."_s, u"N"_s,
                                           u"4"_s);
    const QCommandLineOption roomsOption(u"rooms"_s, u"Rooms per server (default 500)."_s, u"N"_s,
                                         u"500"_s);
    const QCommandLineOption lookupsOption(u"lookups"_s, u"Lookups (default 200)."_s, u"N"_s,
                                           u"200"_s);
    parser.addOptions({tinyOption, serversOption, roomsOption, lookupsOption});
    parser.process(app);
    const bool tiny = parser.isSet(tinyOption);
    const int servers = tiny ? 2 : std::max(1, parser.value(serversOption).toInt());
    const int roomsPerServer = tiny ? 5 : std::max(1, parser.value(roomsOption).toInt());
    const int lookups = tiny ? 20 : std::max(1, parser.value(lookupsOption).toInt());

    DiscoveryConfig config;
    {
        QUdpSocket probe;
        probe.bind(QHostAddress::AnyIPv4, 0);
        config.port = probe.localPort();
    }
    config.targets = {QHostAddress(u"127.255.255.255"_s)};

    std::printf("hearth-bench-lan: %d servers x %d rooms, %d lookups, discovery on UDP %u "
                "(loopback broadcast)\n",
                servers, roomsPerServer, lookups, unsigned(config.port));
    std::vector<Host> hosts(servers);
    for (Host &host : hosts) {
        host.server = std::make_unique<TestServer>([&](ServerConfig &c) {
            c.limits.maxRoomsPerHost = roomsPerServer;
            c.limits.requestsPerSecond = 100000;
        });
        if (!host.server->start()) {
            std::fprintf(stderr, "hearth-bench-lan: a server did not start\n");
            return 1;
        }
        // Lookups follow each other without pause here; the flood budget (docs/protocol.md)
        // would throttle them, and the budget is not what is measured.
        LanResponder::Options options;
        options.checksPerSecond = 1e9;
        options.checkBurst = 1e9;
        host.responder = std::make_unique<LanResponder>(host.server->server(), config, options);
        if (!host.responder->start()) {
            std::fprintf(stderr, "hearth-bench-lan: %s\n",
                         qPrintable(host.responder->errorString()));
            return 1;
        }
        auto client = std::make_unique<TestClient>();
        if (!client->connectTo(host.server->url()) || !client->hello())
            return 1;
        for (int i = 0; i < roomsPerServer; ++i) {
            const QString code = client->createRoom(u"Room %1"_s.arg(i), u"Host"_s)
                                     .value(u"room"_s)
                                     .toObject()
                                     .value(u"code"_s)
                                     .toString();
            if (code.isEmpty()) {
                std::fprintf(stderr, "hearth-bench-lan: create_room failed: %s\n",
                             qPrintable(client->lastError()));
                return 1;
            }
            host.codes.append(code);
        }
        host.clients.push_back(std::move(client));
    }
    // Each room's stretched key is derived off the server's thread as the room appears
    // (LanCodeKey::Iterations PBKDF2 rounds): a lookup before that finds nothing yet.
    {
        QElapsedTimer keys;
        keys.start();
        const bool ready = QTest::qWaitFor(
            [&] {
                return std::all_of(hosts.cbegin(), hosts.cend(), [](const Host &host) {
                    return std::all_of(
                        host.codes.cbegin(), host.codes.cend(),
                        [&](const QString &code) { return host.responder->answersFor(code); });
                });
            },
            600000);
        if (!ready) {
            std::fprintf(stderr, "hearth-bench-lan: the rooms' keys were not derived in time\n");
            return 1;
        }
        std::printf("host keys for %d rooms derived in %lld ms (%d PBKDF2 iterations each)\n",
                    servers * roomsPerServer, keys.elapsed(), LanCodeKey::Iterations);
    }

    std::vector<double> times;
    int wrongHost = 0;
    int missed = 0;
    auto *rng = QRandomGenerator::global();
    for (int i = 0; i < lookups; ++i) {
        const Host &host = hosts[rng->bounded(servers)];
        const QString code = host.codes.at(rng->bounded(int(host.codes.size())));
        CodeFinder finder(config);
        QSignalSpy found(&finder, &CodeFinder::found);
        QSignalSpy notFound(&finder, &CodeFinder::notFound);
        // An event loop that ends on the answer itself (QTest::qWaitFor polls every 10 ms).
        QEventLoop loop;
        QObject::connect(&finder, &CodeFinder::found, &loop, &QEventLoop::quit);
        QObject::connect(&finder, &CodeFinder::notFound, &loop, &QEventLoop::quit);
        QElapsedTimer timer;
        timer.start();
        finder.find(code);
        loop.exec();
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (found.isEmpty()) {
            ++missed;
            continue;
        }
        if (found.first().at(0).toUrl().port() != host.server->server()->port())
            ++wrongHost;
        times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("lookup by code: found %zu/%d, wrong host %d, missed %d\n", times.size(), lookups,
                wrongHost, missed);
    std::printf("time to first valid answer (ms): min %.2f  median %.2f  p95 %.2f  max %.2f\n",
                percentile(times, 0), percentile(times, 0.5), percentile(times, 0.95),
                times.empty() ? 0.0 : times.back());
    qint64 answered = 0;
    for (const Host &host : hosts)
        answered += host.responder->answeredQueries();
    std::printf("answers sent: %lld (one per lookup: resends stop at the first answer)\n",
                answered);
    return wrongHost == 0 && missed == 0 ? 0 : 1;
}
