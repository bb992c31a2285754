#include "phases.h"

#include "serverprocess.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include <sys/resource.h>

namespace bench {

namespace {

// Other tasks using more than this many cores during a measurement make it noisy. Not zero:
// kernel threads carry part of the benchmark's own loopback traffic (about 0.15 cores at
// 50,000 deliveries/s on the reference machine).
constexpr double NoisyCores = 0.25;

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

std::string fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *format, ...)
{
    char buf[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    return buf;
}

double processCpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Percentiles {
    std::size_t count = 0;
    double p50 = 0, p90 = 0, p99 = 0, max = 0; // milliseconds
};

// Nearest-rank percentiles of samples in microseconds.
Percentiles percentiles(std::vector<std::uint32_t> v)
{
    Percentiles p;
    p.count = v.size();
    if (v.empty())
        return p;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        rank = std::clamp<std::size_t>(rank, 1, v.size());
        return static_cast<double>(v[rank - 1]) / 1000.0;
    };
    p.p50 = at(0.50);
    p.p90 = at(0.90);
    p.p99 = at(0.99);
    p.max = static_cast<double>(v.back()) / 1000.0;
    return p;
}

std::string ms(double v)
{
    return v < 10 ? fmt("%.2f ms", v) : fmt("%.1f ms", v);
}

std::string grouped(double v)
{
    // 123456 -> "123,456": large figures are read at a glance in the report.
    const auto n = static_cast<long long>(std::llround(v));
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

ClientConfig clientConfig(const Options &o, const Target &t)
{
    ClientConfig c;
    c.port = t.port;
    c.tls = t.tls;
    c.chatBytes = o.chatBytes;
    c.clientMsgId = o.clientMsgId;
    c.keepSendTimes = !o.latencyLog.empty();
    // Identities must be new to the server even when it is reused (--url): a random run id.
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    c.runId = buf;
    return c;
}

// Clients laid out in rooms, spread over worker threads, and the ways to drive them.
class Session
{
public:
    Session(const Options &o, const Target &t, std::size_t roomCount)
        : rooms(roomCount)
        , latencyLog(o.latencyLog)
        , config_(clientConfig(o, t))
    {
        for (int i = 0; i < std::max(1, o.threads); ++i)
            workers.push_back(std::make_unique<Worker>(i, config_, rooms));
    }

    ~Session()
    {
        // Workers drop their pointers before the clients go away.
        for (auto &w : workers)
            w->call([&] { w->closeAll(); });
        workers.clear();
    }

    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    Client &add(Role role, std::uint32_t room, std::uint16_t slot)
    {
        auto c = std::make_unique<Client>();
        c->index = static_cast<std::uint32_t>(clients.size());
        c->role = role;
        c->room = room;
        c->slot = slot;
        if (room < rooms.size()) {
            if (rooms[room].members.size() <= slot)
                rooms[room].members.resize(slot + 1u, UINT32_MAX);
            rooms[room].members[slot] = c->index;
        }
        clients.push_back(std::move(c));
        return *clients.back();
    }

    Worker &workerOf(std::uint32_t index) { return *workers[index % workers.size()]; }

    std::uint64_t sum(std::atomic<std::uint64_t> WorkerCounters::*field) const
    {
        std::uint64_t n = 0;
        for (const auto &w : workers)
            n += (w->counters.*field).load();
        return n;
    }

    // Connects the given clients (all at once, or at most `concurrency` pending at a time) and
    // waits until each is ready or failed. False if some failed or the time ran out.
    bool connect(const std::vector<std::uint32_t> &indexes, int concurrency, int timeoutMs,
                 std::string &problem)
    {
        const std::uint64_t before = sum(&WorkerCounters::ready) + sum(&WorkerCounters::failed);
        const std::uint64_t failedBefore = sum(&WorkerCounters::failed);
        std::vector<std::vector<Client *>> perWorker(workers.size());
        for (const std::uint32_t i : indexes)
            perWorker[i % workers.size()].push_back(clients[i].get());
        const int perWorkerLimit =
            concurrency <= 0 ? 0 : std::max(1, concurrency / static_cast<int>(workers.size()));
        for (std::size_t w = 0; w < workers.size(); ++w) {
            Worker *worker = workers[w].get();
            worker->post([worker, list = std::move(perWorker[w]), perWorkerLimit]() mutable {
                worker->connect(std::move(list), perWorkerLimit);
            });
        }
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (sum(&WorkerCounters::ready) + sum(&WorkerCounters::failed) <
               before + indexes.size()) {
            if (std::chrono::steady_clock::now() > deadline) {
                problem = fmt("only %" PRIu64 " of %zu clients connected within %d s",
                              sum(&WorkerCounters::ready) + sum(&WorkerCounters::failed) - before,
                              indexes.size(), timeoutMs / 1000);
                return false;
            }
            sleepMs(2);
        }
        const std::uint64_t failed = sum(&WorkerCounters::failed) - failedBefore;
        if (failed > 0) {
            problem = fmt("%" PRIu64 " of %zu clients failed to connect; first: %s", failed,
                          indexes.size(), firstError(indexes).c_str());
            return false;
        }
        return true;
    }

    std::string firstError(const std::vector<std::uint32_t> &indexes)
    {
        std::map<std::string, int> errors;
        for (auto &w : workers) {
            w->call([&] {
                for (const std::uint32_t i : indexes) {
                    if (&workerOf(i) == w.get() && !clients[i]->error.empty())
                        ++errors[clients[i]->error];
                }
            });
        }
        std::string out;
        for (const auto &[text, n] : errors) {
            if (!out.empty())
                out += "; ";
            out += fmt("%d× ", n) + text;
            if (out.size() > 400)
                break;
        }
        return out.empty() ? std::string("(none recorded)") : out;
    }

    // Lays out `roomCount` rooms of `size` clients each, creators first in the index order.
    // byRoom: client i is in room i / size (a room's members are consecutive); otherwise client i
    // is in room i % roomCount (the rooms fill up evenly as indexes grow).
    void layoutRooms(std::size_t total, bool byRoom, std::size_t size)
    {
        const std::size_t roomCount = rooms.size();
        for (std::size_t i = 0; i < total; ++i) {
            const std::size_t room = byRoom ? i / size : i % roomCount;
            const std::size_t slot = byRoom ? i % size : i / roomCount;
            add(slot == 0 ? Role::Create : Role::Join, static_cast<std::uint32_t>(room),
                static_cast<std::uint16_t>(slot));
        }
    }

    // Connects creators first (the others need their codes), then everyone else.
    bool connectRooms(int concurrency, int timeoutMs, std::string &problem)
    {
        std::vector<std::uint32_t> creators, joiners;
        for (const auto &c : clients)
            (c->role == Role::Create ? creators : joiners).push_back(c->index);
        if (!connect(creators, concurrency, timeoutMs, problem))
            return false;
        return connect(joiners, concurrency, timeoutMs, problem);
    }

    struct Times {
        std::int64_t start, tls, open, hello, joined;
        Role role;
    };

    std::vector<Times> times()
    {
        std::vector<Times> out(clients.size());
        for (auto &w : workers) {
            w->call([&] {
                for (const auto &c : clients) {
                    if (&workerOf(c->index) == w.get())
                        out[c->index] =
                            Times{c->tStart, c->tTls, c->tOpen, c->tHello, c->tJoined, c->role};
                }
            });
        }
        return out;
    }

    std::vector<RoomSlot> rooms;
    std::string latencyLog;
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<std::unique_ptr<Worker>> workers;

private:
    ClientConfig config_;
};

// ------------------------------------------------------------------ the measured chat window

struct Window {
    double rate = 0;
    double seconds = 0;
    std::uint64_t clients = 0;
    std::uint64_t expectedSends = 0;
    std::uint64_t sent = 0, acked = 0, refused = 0, ackErrors = 0, unanswered = 0;
    std::uint64_t delivered = 0, expectedDeliveries = 0;
    std::uint64_t missing = 0, extra = 0, seqGaps = 0, seqDups = 0, orderErrors = 0;
    std::uint64_t foreign = 0, dropped = 0;
    double deliveredPerSecond = 0;
    double drainSeconds = 0;
    Percentiles fanout, ack, sinceStamp;
    double serverCpu = -1; // fraction of one core
    double generatorCpu = 0;
    // Other tasks on the machine, fraction of one core. Includes the kernel threads
    // (ksoftirqd, kworkers) that carry part of our own loopback traffic, hence NoisyCores.
    double otherCpu = -1;
    std::vector<double> serverThreads; // cores used by each busy server thread, busiest first
    double softirqCpu = 0;             // interrupt work, mostly our own loopback traffic
    double stealCpu = 0;               // taken by the hypervisor
    std::string firstError;

    bool lossless() const
    {
        return missing == 0 && extra == 0 && seqGaps == 0 && seqDups == 0 && orderErrors == 0 &&
               foreign == 0 && dropped == 0 && unanswered == 0 && ackErrors == 0;
    }
    bool keptPace() const
    {
        return sent + 2 >= expectedSends ||
               static_cast<double>(sent) >= 0.97 * static_cast<double>(expectedSends);
    }
};

// One line per delivery, to see latency over time (stalls, periodic spikes) in a plot.
void appendLatencyLog(const std::string &path, double rate, std::int64_t t0,
                      const std::vector<std::uint32_t> &latencyUs,
                      const std::vector<std::int64_t> &sentAt)
{
    FILE *f = std::fopen(path.c_str(), "a");
    if (!f)
        return;
    for (std::size_t i = 0; i < latencyUs.size() && i < sentAt.size(); ++i)
        std::fprintf(f, "%.3f,%.3f,%u\n", rate, static_cast<double>(sentAt[i] - t0) / 1e6,
                     latencyUs[i]);
    std::fclose(f);
}

Window runWindow(Session &s, const Target &t, double rate, double seconds)
{
    Window w;
    w.rate = rate;
    w.seconds = seconds;
    for (auto &worker : s.workers)
        worker->call([&] { worker->resetWindow(); });
    for (auto &room : s.rooms)
        room.acked = 0;
    const std::uint64_t droppedBefore = s.sum(&WorkerCounters::dropped);

    const double serverCpu0 = t.pid > 0 ? readCpuSeconds(t.pid) : -1;
    const auto threads0 = t.pid > 0 ? readThreadCpuSeconds(t.pid) : std::map<long, double>();
    const double genCpu0 = processCpuSeconds();
    const MachineTimes machine0 = readMachineTimes();
    const std::int64_t t0 = nowNs() + 100'000'000;
    const auto t1 = t0 + static_cast<std::int64_t>(seconds * 1e9);
    std::uint64_t seed = static_cast<std::uint64_t>(t0);
    for (auto &worker : s.workers) {
        Worker *wp = worker.get();
        wp->post([wp, t0, t1, rate, seed] { wp->startChat(t0, t1, rate, seed); });
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    while (nowNs() < t1)
        sleepMs(20);
    const double serverCpu1 = t.pid > 0 ? readCpuSeconds(t.pid) : -1;
    const auto threads1 = t.pid > 0 ? readThreadCpuSeconds(t.pid) : std::map<long, double>();
    const double genCpu1 = processCpuSeconds();
    const MachineTimes machine1 = readMachineTimes();
    // Per server thread: a single-threaded event loop saturates long before the process does.
    for (const auto &[tid, cpu] : threads1) {
        const auto before = threads0.find(tid);
        const double used = (cpu - (before == threads0.end() ? 0.0 : before->second)) / seconds;
        if (used >= 0.01)
            w.serverThreads.push_back(used);
    }
    std::sort(w.serverThreads.rbegin(), w.serverThreads.rend());

    // Wait for every reply and every delivery; give up after a quiet spell or a hard cap, which
    // then shows up as unanswered or missing messages.
    const std::int64_t drainStart = nowNs();
    const std::int64_t hardCap =
        drainStart + static_cast<std::int64_t>(std::max(10.0, seconds) * 1e9);
    std::uint64_t lastProgress = 0;
    std::int64_t lastChange = drainStart;
    for (;;) {
        bool sending = false;
        for (auto &worker : s.workers)
            sending = sending || worker->counters.sending.load();
        const std::uint64_t answered = s.sum(&WorkerCounters::answered);
        const std::uint64_t sent = s.sum(&WorkerCounters::sent);
        const std::uint64_t delivered = s.sum(&WorkerCounters::delivered);
        std::uint64_t expected = 0;
        for (auto &room : s.rooms)
            expected += room.acked.load() * room.members.size();
        const std::int64_t now = nowNs();
        if (!sending && answered == sent && delivered >= expected)
            break;
        if (answered + delivered != lastProgress) {
            lastProgress = answered + delivered;
            lastChange = now;
        }
        if (now - lastChange > 2'000'000'000 || now > hardCap)
            break;
        sleepMs(5);
    }
    w.drainSeconds = static_cast<double>(nowNs() - drainStart) / 1e9;

    std::vector<std::uint32_t> fanout, ack, sinceStamp;
    std::vector<ClientReport> reports;
    std::int64_t lastDelivery = 0;
    for (auto &worker : s.workers) {
        worker->call([&] {
            auto f = worker->takeFanoutSamples();
            if (!s.latencyLog.empty())
                appendLatencyLog(s.latencyLog, rate, t0, f, worker->takeFanoutSendTimes());
            fanout.insert(fanout.end(), f.begin(), f.end());
            auto a = worker->takeAckSamples();
            ack.insert(ack.end(), a.begin(), a.end());
            auto st = worker->takeSinceStampSamples();
            sinceStamp.insert(sinceStamp.end(), st.begin(), st.end());
            auto r = worker->report();
            std::move(r.begin(), r.end(), std::back_inserter(reports));
        });
        lastDelivery = std::max(lastDelivery, worker->counters.lastDelivery.load());
    }
    w.fanout = percentiles(std::move(fanout));
    w.ack = percentiles(std::move(ack));
    w.sinceStamp = percentiles(std::move(sinceStamp));
    w.dropped = s.sum(&WorkerCounters::dropped) - droppedBefore;
    if (serverCpu0 >= 0 && serverCpu1 >= 0)
        w.serverCpu = (serverCpu1 - serverCpu0) / seconds;
    w.generatorCpu = (genCpu1 - genCpu0) / seconds;
    if (machine0.tasks >= 0 && machine1.tasks >= 0 && w.serverCpu >= 0) {
        w.otherCpu = std::max(0.0, (machine1.tasks - machine0.tasks) / seconds - w.serverCpu -
                                       w.generatorCpu);
        w.softirqCpu = (machine1.interrupts - machine0.interrupts) / seconds;
        w.stealCpu = (machine1.steal - machine0.steal) / seconds;
    }

    // Exactly once, per room: every live member must have received every acknowledged chat of
    // every sender of its room (including its own), and nothing refused.
    std::vector<const ClientReport *> byIndex(s.clients.size(), nullptr);
    for (const auto &r : reports)
        byIndex[r.index] = &r;
    for (const auto &r : reports) {
        w.sent += r.sent;
        w.acked += r.acked;
        w.refused += r.refused;
        w.ackErrors += r.ackErrors;
        w.unanswered += r.inflight;
        if (r.alive)
            ++w.clients;
        if (w.firstError.empty() && !r.error.empty())
            w.firstError = r.error;
        if (!r.alive)
            continue;
        w.seqGaps += r.seqGaps;
        w.seqDups += r.seqDups;
        w.orderErrors += r.orderErrors;
        w.foreign += r.foreignEvents;
        const auto &members = s.rooms[r.room].members;
        for (std::size_t slot = 0; slot < members.size() && slot < r.recvFrom.size(); ++slot) {
            const ClientReport *sender =
                members[slot] < byIndex.size() ? byIndex[members[slot]] : nullptr;
            const std::uint64_t want = sender ? sender->acked : 0;
            const std::uint64_t got = r.recvFrom[slot];
            w.delivered += got;
            w.expectedDeliveries += want;
            if (got < want)
                w.missing += want - got;
            else
                w.extra += got - want;
        }
    }
    w.expectedSends =
        static_cast<std::uint64_t>(std::llround(rate * seconds * static_cast<double>(w.clients)));
    const double span = static_cast<double>(std::max(lastDelivery, t1) - t0) / 1e9;
    w.deliveredPerSecond = span > 0 ? static_cast<double>(w.delivered) / span : 0;
    return w;
}

void printWindow(const Window &w)
{
    std::printf("    rate %.2f msg/s per client, %.1f s, %" PRIu64 " clients\n", w.rate, w.seconds,
                w.clients);
    std::printf("    chats sent %" PRIu64 " (expected %" PRIu64 "), acknowledged %" PRIu64
                ", rate-limited %" PRIu64 ", errors %" PRIu64 ", unanswered %" PRIu64 "\n",
                w.sent, w.expectedSends, w.acked, w.refused, w.ackErrors, w.unanswered);
    std::printf("    deliveries %" PRIu64 " of %" PRIu64 " expected: missing %" PRIu64
                ", extra %" PRIu64 ", seq gaps %" PRIu64 ", seq repeats %" PRIu64
                ", out of order %" PRIu64 ", other room %" PRIu64 ", dropped connections %" PRIu64
                "\n",
                w.delivered, w.expectedDeliveries, w.missing, w.extra, w.seqGaps, w.seqDups,
                w.orderErrors, w.foreign, w.dropped);
    std::printf("    delivered %s msg/s; fan-out latency p50 %s p90 %s p99 %s max %s\n",
                grouped(w.deliveredPerSecond).c_str(), ms(w.fanout.p50).c_str(),
                ms(w.fanout.p90).c_str(), ms(w.fanout.p99).c_str(), ms(w.fanout.max).c_str());
    if (w.sinceStamp.count > 0)
        std::printf("      of which after the server stamped the event (ts, 1 ms resolution): "
                    "p50 %s p99 %s\n",
                    ms(w.sinceStamp.p50).c_str(), ms(w.sinceStamp.p99).c_str());
    std::printf("    ack latency p50 %s p99 %s max %s; drain %.2f s\n", ms(w.ack.p50).c_str(),
                ms(w.ack.p99).c_str(), ms(w.ack.max).c_str(), w.drainSeconds);
    if (w.serverCpu >= 0)
        std::printf("    CPU (cores): server %.2f, load generator %.2f, network softirq %.2f, "
                    "steal %.2f, other tasks %.2f%s\n",
                    w.serverCpu, w.generatorCpu, w.softirqCpu, w.stealCpu,
                    std::max(0.0, w.otherCpu),
                    w.otherCpu + w.stealCpu > NoisyCores
                        ? " (the machine was not quiet: figures are pessimistic)"
                        : "");
    else
        std::printf("    CPU (cores): load generator %.2f\n", w.generatorCpu);
    if (!w.serverThreads.empty()) {
        std::string list;
        for (const double c : w.serverThreads)
            list += fmt("%s%.2f", list.empty() ? "" : ", ", c);
        std::printf("    server threads (cores, busiest first): %s\n", list.c_str());
    }
    if (!w.firstError.empty())
        std::printf("    first client error: %s\n", w.firstError.c_str());
    std::fflush(stdout);
}

// The goals a figure is held against: the room server's (issue 8) over plain ws://, and those
// issue 11 sets for TLS on the Qt transport over wss://.
struct Goals {
    double joinP99Ms;
    int joinConcurrency; // the join goal holds for this many connects in flight (-1: any)
    double fanoutP99Ms;
    double kneePerSecond;
    double kbPerConnection;
};

Goals goals(const Target &t)
{
    if (t.tls)
        return {50.0, 50, 20.0, 100000.0, 40.0};
    return {25.0, -1, 10.0, 150000.0, 24.0};
}

// A target holds at the issue's sizes only; at others the figure is shown without a verdict.
std::string verdict(bool meets, bool issueSize = true)
{
    if (!issueSize)
        return "(other size)";
    return meets ? "meets" : "misses";
}

} // namespace

// ------------------------------------------------------------------ phases

PhaseResult runJoinPhase(const Options &o, const Target &t, int concurrency)
{
    PhaseResult r;
    r.name = "join";
    r.ran = true;
    const std::string how =
        concurrency > 0 ? fmt("at most %d connecting at a time", concurrency) : "all at once";
    std::printf("\n== join: %d clients into %d rooms (%s)\n", o.joinClients, o.joinRooms,
                how.c_str());
    std::fflush(stdout);
    if (o.joinRooms <= 0 || o.joinClients < o.joinRooms ||
        (o.joinClients + o.joinRooms - 1) / o.joinRooms > 50) {
        r.ok = false;
        r.problems.push_back("the layout needs 1–50 clients per room");
        return r;
    }
    Session s(o, t, static_cast<std::size_t>(o.joinRooms));
    s.layoutRooms(static_cast<std::size_t>(o.joinClients), false, 0);

    // The creators go first: a joiner needs its room's code.
    std::vector<std::uint32_t> creators, joiners;
    for (const auto &c : s.clients)
        (c->role == Role::Create ? creators : joiners).push_back(c->index);
    std::string problem;
    const std::int64_t c0 = nowNs();
    if (!s.connect(creators, concurrency, 60000, problem)) {
        r.ok = false;
        r.problems.push_back("creating rooms: " + problem);
        return r;
    }
    const std::int64_t c1 = nowNs();
    const double cpu0 = t.pid > 0 ? readCpuSeconds(t.pid) : -1;
    const double gen0 = processCpuSeconds();
    const MachineTimes machine0 = readMachineTimes();
    const std::int64_t j0 = nowNs();
    if (!s.connect(joiners, concurrency, 60000, problem)) {
        r.ok = false;
        r.problems.push_back("joining rooms: " + problem);
    }
    const std::int64_t j1 = nowNs();
    const double cpu1 = t.pid > 0 ? readCpuSeconds(t.pid) : -1;
    const double gen1 = processCpuSeconds();
    const MachineTimes machine1 = readMachineTimes();

    const auto times = s.times();
    std::vector<std::uint32_t> all, create, join, tls, open, hello;
    std::int64_t firstStart = INT64_MAX, lastStart = 0, lastJoined = 0;
    for (const auto &tm : times) {
        if (tm.joined == 0)
            continue;
        const auto us = static_cast<std::uint32_t>((tm.joined - tm.start) / 1000);
        all.push_back(us);
        (tm.role == Role::Create ? create : join).push_back(us);
        if (tm.role == Role::Join) {
            if (tm.tls > 0)
                tls.push_back(static_cast<std::uint32_t>((tm.tls - tm.start) / 1000));
            open.push_back(static_cast<std::uint32_t>((tm.open - tm.start) / 1000));
            hello.push_back(static_cast<std::uint32_t>((tm.hello - tm.start) / 1000));
            firstStart = std::min(firstStart, tm.start);
            lastStart = std::max(lastStart, tm.start);
            lastJoined = std::max(lastJoined, tm.joined);
        }
    }
    const Percentiles pc = percentiles(create), pj = percentiles(join), pa = percentiles(all);
    const Percentiles pt = percentiles(tls), po = percentiles(open), ph = percentiles(hello);
    std::printf("    create_room (%zu creators, %.0f ms in all): p50 %s p99 %s max %s\n", pc.count,
                static_cast<double>(c1 - c0) / 1e6, ms(pc.p50).c_str(), ms(pc.p99).c_str(),
                ms(pc.max).c_str());
    std::printf("    join_room burst (%zu joiners, %.0f ms from first connect to last join):\n",
                pj.count,
                lastJoined > 0 ? static_cast<double>(lastJoined - firstStart) / 1e6 : 0.0);
    std::printf("      (the load generator started the last connect %.1f ms after the first)\n",
                lastStart > 0 ? static_cast<double>(lastStart - firstStart) / 1e6 : 0.0);
    if (pt.count > 0)
        std::printf("      connect → TLS done:   p50 %s p99 %s max %s\n", ms(pt.p50).c_str(),
                    ms(pt.p99).c_str(), ms(pt.max).c_str());
    std::printf("      connect → 101:        p50 %s p99 %s max %s\n", ms(po.p50).c_str(),
                ms(po.p99).c_str(), ms(po.max).c_str());
    std::printf("      connect → hello ok:   p50 %s p99 %s max %s\n", ms(ph.p50).c_str(),
                ms(ph.p99).c_str(), ms(ph.max).c_str());
    std::printf("      connect → join reply: p50 %s p99 %s max %s\n", ms(pj.p50).c_str(),
                ms(pj.p99).c_str(), ms(pj.max).c_str());
    std::printf("    all %zu clients, connect → create/join reply: p50 %s p99 %s max %s\n",
                pa.count, ms(pa.p50).c_str(), ms(pa.p99).c_str(), ms(pa.max).c_str());
    std::string cpuPerJoin;
    if (cpu0 >= 0 && j1 > j0) {
        const double other =
            std::max(0.0, machine1.tasks - machine0.tasks - (cpu1 - cpu0) - (gen1 - gen0));
        std::printf("    CPU time during the join burst (%.0f ms): server %.0f ms, load generator "
                    "%.0f ms, other tasks %.0f ms%s\n",
                    static_cast<double>(j1 - j0) / 1e6, (cpu1 - cpu0) * 1000, (gen1 - gen0) * 1000,
                    other * 1000,
                    other > NoisyCores * static_cast<double>(j1 - j0) / 1e9
                        ? " (the machine was not quiet: figures are pessimistic)"
                        : "");
        cpuPerJoin = fmt("%.0f µs",
                         (cpu1 - cpu0) * 1e6 / std::max<double>(1, static_cast<double>(pj.count)));
    }
    std::fflush(stdout);

    // The figures name how the clients arrived: all at once, or K at a time.
    const std::string tag = concurrency > 0 ? fmt(", %d at a time", concurrency) : ", all at once";
    r.figures.push_back(
        {"join: clients / rooms" + tag, fmt("%d / %d", o.joinClients, o.joinRooms), "", ""});
    r.figures.push_back({"join latency p50 (connect → join reply)" + tag, ms(pa.p50), "", ""});
    const Goals g = goals(t);
    if (g.joinConcurrency < 0 || g.joinConcurrency == concurrency)
        r.figures.push_back(
            {"join latency p99 (connect → join reply)" + tag, ms(pa.p99),
             fmt("< %.0f ms", g.joinP99Ms),
             verdict(pa.p99 < g.joinP99Ms, o.joinClients == 1000 && o.joinRooms == 100)});
    else
        r.figures.push_back({"join latency p99 (connect → join reply)" + tag, ms(pa.p99), "", ""});
    if (pt.count > 0)
        r.figures.push_back(
            {"join: connect → TLS done p50 / p99" + tag, ms(pt.p50) + " / " + ms(pt.p99), "", ""});
    r.figures.push_back({"join latency max" + tag, ms(pa.max), "", ""});
    r.figures.push_back({"join burst total time (joiners)" + tag,
                         fmt("%.0f ms", static_cast<double>(lastJoined - firstStart) / 1e6), "",
                         ""});
    if (!cpuPerJoin.empty())
        r.figures.push_back(
            {"join: server CPU per joining client (hello + join_room)" + tag, cpuPerJoin, "", ""});
    return r;
}

PhaseResult runFanoutPhase(const Options &o, const Target &t)
{
    PhaseResult r;
    r.name = "fanout";
    r.ran = true;
    std::printf("\n== fan-out: %d rooms × %d clients, %.2f msg/s each for %.0f s\n", o.fanRooms,
                o.roomSize, o.rate, o.seconds);
    std::fflush(stdout);
    if (o.roomSize < 1 || o.roomSize > 50 || o.fanRooms < 1) {
        r.ok = false;
        r.problems.push_back("rooms hold 1–50 clients");
        return r;
    }
    Session s(o, t, static_cast<std::size_t>(o.fanRooms));
    s.layoutRooms(static_cast<std::size_t>(o.fanRooms) * static_cast<std::size_t>(o.roomSize), true,
                  static_cast<std::size_t>(o.roomSize));
    std::string problem;
    if (!s.connectRooms(o.joinConcurrency.front(), 60000, problem)) {
        r.ok = false;
        r.problems.push_back(problem);
        return r;
    }
    sleepMs(300); // let the joins' events settle before measuring
    const Window w = runWindow(s, t, o.rate, o.seconds);
    printWindow(w);
    if (!w.lossless()) {
        r.ok = false;
        r.problems.push_back(fmt("loss or duplicates: missing %" PRIu64 ", extra %" PRIu64
                                 ", seq gaps %" PRIu64 ", repeats %" PRIu64
                                 ", out of order %" PRIu64 ", other room %" PRIu64
                                 ", dropped %" PRIu64 ", unanswered %" PRIu64 ", errors %" PRIu64,
                                 w.missing, w.extra, w.seqGaps, w.seqDups, w.orderErrors, w.foreign,
                                 w.dropped, w.unanswered, w.ackErrors));
    }
    if (w.refused > 0) {
        r.ok = false;
        r.problems.push_back(fmt("%" PRIu64 " chats refused as rate_limited: the phase did not run "
                                 "at the rate asked (pass the server's relaxed-limits option)",
                                 w.refused));
    }
    if (!w.keptPace())
        r.problems.push_back(fmt("the load generator sent %" PRIu64 " of %" PRIu64 " chats", w.sent,
                                 w.expectedSends));
    const std::string layout = fmt("%d × %d @ %.3g msg/s", o.fanRooms, o.roomSize, o.rate);
    r.figures.push_back({"fan-out: layout", layout, "", ""});
    r.figures.push_back(
        {"fan-out: chats sent / acknowledged",
         grouped(static_cast<double>(w.sent)) + " / " + grouped(static_cast<double>(w.acked)), "",
         ""});
    r.figures.push_back({"fan-out: delivered messages/s", grouped(w.deliveredPerSecond), "", ""});
    r.figures.push_back({"fan-out latency p50", ms(w.fanout.p50), "", ""});
    r.figures.push_back({"fan-out latency p99", ms(w.fanout.p99),
                         fmt("< %.0f ms", goals(t).fanoutP99Ms),
                         verdict(w.fanout.p99 < goals(t).fanoutP99Ms,
                                 o.fanRooms == 20 && o.roomSize == 50 && o.rate == 1.0)});
    r.figures.push_back({"fan-out latency max", ms(w.fanout.max), "", ""});
    r.figures.push_back(
        {"fan-out: loss / duplicates",
         fmt("%" PRIu64 " / %" PRIu64, w.missing + w.seqGaps, w.extra + w.seqDups + w.orderErrors),
         "0 / 0", verdict(w.lossless())});
    r.figures.push_back({"ack latency p50 / p99", ms(w.ack.p50) + " / " + ms(w.ack.p99), "", ""});
    if (w.serverCpu >= 0) {
        r.figures.push_back(
            {"fan-out: server CPU", fmt("%.0f%% of a core", w.serverCpu * 100), "", ""});
        r.figures.push_back({"fan-out: noise (other tasks + hypervisor steal)",
                             fmt("%.2f + %.2f cores", std::max(0.0, w.otherCpu), w.stealCpu), "",
                             ""});
    }
    return r;
}

PhaseResult runKneePhase(const Options &o, const Target &t)
{
    PhaseResult r;
    r.name = "knee";
    r.ran = true;
    std::printf(
        "\n== knee: %d rooms × %d clients, rising rates, %.0f s each, p99 ≤ %.0f ms and no loss\n",
        o.fanRooms, o.roomSize, o.kneeSeconds, o.kneeP99Ms);
    std::fflush(stdout);
    Session s(o, t, static_cast<std::size_t>(o.fanRooms));
    s.layoutRooms(static_cast<std::size_t>(o.fanRooms) * static_cast<std::size_t>(o.roomSize), true,
                  static_cast<std::size_t>(o.roomSize));
    std::string problem;
    if (!s.connectRooms(o.joinConcurrency.front(), 60000, problem)) {
        r.ok = false;
        r.problems.push_back(problem);
        return r;
    }
    sleepMs(300);

    struct Step {
        Window w;
        bool pass;
        std::string why;
    };
    std::vector<Step> steps;
    bool stopAll = false;
    auto runStep = [&](double rate) {
        std::printf("  -- %.2f msg/s per client (offered %s deliveries/s)\n", rate,
                    grouped(rate * o.fanRooms * o.roomSize * o.roomSize).c_str());
        std::fflush(stdout);
        Step st{runWindow(s, t, rate, o.kneeSeconds), false, {}};
        printWindow(st.w);
        if (st.w.refused > 0) {
            st.why = "rate limited by the server";
            stopAll = true;
        } else if (!st.w.lossless()) {
            st.why = "loss, duplicates or dropped connections";
            stopAll = true;
            // Duplicates, reordering or leaks are bugs at any load; a live member missing an
            // acknowledged message too. A connection the server dropped as a slow reader under
            // overload is not, but it ends the search.
            if (st.w.extra + st.w.seqDups + st.w.orderErrors + st.w.foreign > 0 ||
                (st.w.dropped == 0 && st.w.missing + st.w.seqGaps > 0)) {
                r.ok = false;
                r.problems.push_back(fmt("at %.2f msg/s: missing %" PRIu64 ", extra %" PRIu64
                                         ", seq gaps %" PRIu64 ", repeats %" PRIu64
                                         ", out of order %" PRIu64 ", other room %" PRIu64,
                                         rate, st.w.missing, st.w.extra, st.w.seqGaps, st.w.seqDups,
                                         st.w.orderErrors, st.w.foreign));
            }
        } else if (!st.w.keptPace()) {
            st.why = "the load generator could not keep the rate";
        } else if (st.w.fanout.p99 > o.kneeP99Ms) {
            st.why = fmt("p99 %s > %.0f ms", ms(st.w.fanout.p99).c_str(), o.kneeP99Ms);
        } else {
            st.pass = true;
        }
        std::printf("    => %s%s\n", st.pass ? "pass" : "fail: ", st.why.c_str());
        std::fflush(stdout);
        steps.push_back(st);
        return st.pass;
    };

    double lastPass = 0, firstFail = 0;
    for (const double rate : o.kneeRates) {
        if (runStep(rate)) {
            lastPass = rate;
        } else {
            firstFail = rate;
            break;
        }
        if (stopAll)
            break;
    }
    // Even the lowest rate failed on latency: halve it until one passes, so that the knee is
    // a figure rather than "below the first step".
    for (int i = 0; i < 4 && !stopAll && lastPass == 0 && firstFail > 0; ++i) {
        const double lower = firstFail / 2;
        if (runStep(lower))
            lastPass = lower;
        else
            firstFail = lower;
    }
    // Narrow the gap between the last passing and the first failing rate.
    for (int i = 0; i < o.kneeRefine && !stopAll && firstFail > 0 && lastPass > 0; ++i) {
        const double mid = (lastPass + firstFail) / 2;
        if (firstFail - lastPass < 0.1 * lastPass)
            break;
        if (runStep(mid))
            lastPass = mid;
        else
            firstFail = mid;
    }

    const Step *best = nullptr;
    for (const auto &st : steps) {
        if (st.pass && (!best || st.w.deliveredPerSecond > best->w.deliveredPerSecond))
            best = &st;
    }
    std::printf("  knee steps:\n    | msg/s/client | delivered/s | p50 | p99 | max | ack p99 | "
                "server CPU (busiest thread) | noise CPU | result |\n");
    for (const auto &st : steps)
        std::printf("    | %.2f | %s | %s | %s | %s | %s | %s | %.0f%% | %s |\n", st.w.rate,
                    grouped(st.w.deliveredPerSecond).c_str(), ms(st.w.fanout.p50).c_str(),
                    ms(st.w.fanout.p99).c_str(), ms(st.w.fanout.max).c_str(),
                    ms(st.w.ack.p99).c_str(),
                    st.w.serverCpu >= 0
                        ? fmt("%.0f%% (%.0f%%)", st.w.serverCpu * 100,
                              st.w.serverThreads.empty() ? 0.0 : st.w.serverThreads[0] * 100)
                              .c_str()
                        : "?",
                    (std::max(0.0, st.w.otherCpu) + st.w.stealCpu) * 100,
                    st.pass ? "pass" : st.why.c_str());
    if (best) {
        std::printf("  knee: %s delivered msg/s at %.2f msg/s per client (p99 %s)\n",
                    grouped(best->w.deliveredPerSecond).c_str(), best->w.rate,
                    ms(best->w.fanout.p99).c_str());
        r.figures.push_back({"knee: delivered msg/s (p99 ≤ 100 ms, no loss)",
                             grouped(best->w.deliveredPerSecond) +
                                 fmt(" (%.3g msg/s per client, p99 %s)", best->w.rate,
                                     ms(best->w.fanout.p99).c_str()),
                             "≥ " + grouped(goals(t).kneePerSecond),
                             verdict(best->w.deliveredPerSecond >= goals(t).kneePerSecond,
                                     o.fanRooms == 20 && o.roomSize == 50)});
    } else {
        std::printf("  knee: no rate passed\n");
        r.figures.push_back({"knee: delivered msg/s (p99 ≤ 100 ms, no loss)", "no rate passed",
                             "≥ " + grouped(goals(t).kneePerSecond),
                             verdict(false, o.fanRooms == 20 && o.roomSize == 50)});
    }
    if (!steps.empty() && !steps.back().pass && steps.back().why == "rate limited by the server") {
        r.problems.push_back("the server rate-limited chats: the knee search stopped (start "
                             "hearth serve with its relaxed-limits option)");
        if (!best)
            r.ok = false; // not a single rate could be measured
    }
    std::fflush(stdout);
    return r;
}

PhaseResult runMemoryPhase(const Options &o, const Target &t, int clients, bool joinRooms)
{
    PhaseResult r;
    r.name = fmt("memory %d%s", clients, joinRooms ? " in rooms" : "");
    r.ran = true;
    std::printf("\n== memory: %d idle connections%s\n", clients,
                joinRooms ? " in rooms of 50" : " (hello only)");
    std::fflush(stdout);
    if (t.pid <= 0) {
        r.ok = false;
        r.problems.push_back("no server process to measure (give --server-pid with --url)");
        return r;
    }
    const long serverLimit = readNofileSoft(t.pid);
    rlimit ours{};
    getrlimit(RLIMIT_NOFILE, &ours);
    std::printf("    open-file limits: server soft %ld, load generator soft %llu\n", serverLimit,
                static_cast<unsigned long long>(ours.rlim_cur));
    const long need = clients + 128;
    if ((serverLimit > 0 && serverLimit < need) || static_cast<long>(ours.rlim_cur) < need) {
        r.ran = false;
        r.problems.push_back(fmt("skipped: %d connections need about %ld open files; the server "
                                 "may open %ld, this program %llu",
                                 clients, need, serverLimit,
                                 static_cast<unsigned long long>(ours.rlim_cur)));
        return r;
    }

    const std::size_t warm = 20;
    const std::size_t perRoom = 50;
    const std::size_t roomCount =
        joinRooms ? (static_cast<std::size_t>(clients) + perRoom - 1) / perRoom + 1 : 1;
    Session s(o, t, roomCount);
    // A few connections first, so that one-time costs (first query, buffers, thread pools) are in
    // the baseline, not spread over the measured ones.
    std::vector<std::uint32_t> warmup;
    for (std::size_t i = 0; i < warm; ++i)
        warmup.push_back(s.add(joinRooms ? (i == 0 ? Role::Create : Role::Join) : Role::HelloOnly,
                               joinRooms ? 0 : UINT32_MAX, static_cast<std::uint16_t>(i))
                             .index);
    std::string problem;
    if (!(joinRooms ? s.connect({warmup[0]}, 0, 30000, problem) &&
                          s.connect(std::vector<std::uint32_t>(warmup.begin() + 1, warmup.end()), 0,
                                    30000, problem)
                    : s.connect(warmup, 0, 30000, problem))) {
        r.ok = false;
        r.problems.push_back("warm-up: " + problem);
        return r;
    }
    sleepMs(o.memorySettleMs / 2);
    const long rss0 = readRssKb(t.pid);

    std::vector<std::uint32_t> creators, rest;
    for (std::size_t i = 0; i < static_cast<std::size_t>(clients); ++i) {
        if (joinRooms) {
            const std::size_t room = 1 + i / perRoom;
            const std::size_t slot = i % perRoom;
            const Client &c =
                s.add(slot == 0 ? Role::Create : Role::Join, static_cast<std::uint32_t>(room),
                      static_cast<std::uint16_t>(slot));
            (slot == 0 ? creators : rest).push_back(c.index);
        } else {
            rest.push_back(s.add(Role::HelloOnly, UINT32_MAX, 0).index);
        }
    }
    const std::int64_t c0 = nowNs();
    // Paced: a burst of 10,000 SYNs overflows the listen queue and turns into 1 s retransmits,
    // which this phase does not measure anyway.
    const bool connected = (creators.empty() || s.connect(creators, 256, 120000, problem)) &&
                           s.connect(rest, 256, 120000, problem);
    if (!connected) {
        r.ok = false;
        r.problems.push_back(problem);
        return r;
    }
    const double connectSeconds = static_cast<double>(nowNs() - c0) / 1e9;
    sleepMs(o.memorySettleMs);
    const long rss1 = readRssKb(t.pid);
    const std::uint64_t dropped = s.sum(&WorkerCounters::dropped);
    if (dropped > 0) {
        r.ok = false;
        std::vector<std::uint32_t> everyone(s.clients.size());
        for (std::size_t i = 0; i < everyone.size(); ++i)
            everyone[i] = static_cast<std::uint32_t>(i);
        r.problems.push_back(fmt("%" PRIu64 " idle connections were closed by the server: %s",
                                 dropped, s.firstError(everyone).c_str()));
    }
    const double perConn = static_cast<double>(rss1 - rss0) / clients;
    std::printf("    connected in %.2f s; server RSS %ld KB -> %ld KB (%ld threads): %.1f KB per "
                "connection\n",
                connectSeconds, rss0, rss1, readThreads(t.pid), perConn);
    std::fflush(stdout);
    r.figures.push_back({fmt("server memory per idle connection (%d, %s)", clients,
                             joinRooms ? "in rooms" : "hello only"),
                         fmt("%.1f KB", perConn), fmt("≤ %.0f KB", goals(t).kbPerConnection),
                         verdict(perConn <= goals(t).kbPerConnection, clients >= 1000)});
    r.figures.push_back({fmt("server RSS with %d idle connections", clients),
                         fmt("%.1f MB (from %.1f MB)", static_cast<double>(rss1) / 1024,
                             static_cast<double>(rss0) / 1024),
                         "", ""});
    return r;
}

} // namespace bench
