// hearth-bench-server: a load generator for `hearth serve` (docs/benchmarks.md).
//
// It starts the server as a child process on a loopback port with a fresh SQLite database for each
// phase (or uses one given with --url), drives it with thousands of protocol clients from one or
// two threads, and prints join latency, fan-out throughput and latency, the saturation knee and
// memory per idle connection. It exits non-zero when a message is lost or duplicated or a phase
// cannot run, never because a figure misses its target.

#include "phases.h"
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "serverprocess.h"
#include "tlsclient.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>

#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef HEARTH_BENCH_HEARTH_BINARY
#define HEARTH_BENCH_HEARTH_BINARY ""
#endif

using namespace bench;

namespace {

const char usage[] = R"(Usage: hearth-bench-server [options]

Measures `hearth serve` over loopback: join latency, chat fan-out, the saturation knee and memory
per idle connection. Exits 1 if any message is lost or duplicated or a phase cannot run.

Server:
  --hearth PATH            the hearth binary to start (default: the one built with this program)
  --url ws://127.0.0.1:PORT/   use a running server instead (loopback only; wss:// for TLS,
                           with --fingerprint or --tls-cert to pin its certificate)
  --server-pid PID         its process id, for CPU and memory figures (with --url)
  --server-arg ARG         pass ARG to `hearth serve` (repeatable)
  --strict-limits          start the server without --relaxed-limits (which is passed by
                           default: the knee goes beyond the per-connection chat limit)
  --server-nofile N        soft open-file limit to start the server with (default: this
                           program's own limit at start, as a shell would give it)
  --same-server            one server for all phases (default: a fresh server and database each)

Transport and TLS (only what is given is passed to `hearth serve`; its listening line, ws:// or
wss://, says whether the clients speak TLS):
  --transport qt|native    passed on as `--transport qt|native`
  --tls                    insist on wss:// (fails if the server cannot serve it)
  --no-tls                 passed on as `--no-tls`: plain ws://
  --tls-cert FILE, --tls-key FILE
                           the server's certificate and key (PEM), passed on; the clients pin
                           the certificate's SHA-256. Default: a fresh self-signed pair made
                           for the run (core/security), passed on when the server takes
                           --tls-cert and is to serve TLS (not with --transport native or --no-tls)
  --fingerprint HEX        with --url wss://: the server certificate's SHA-256 to pin
  --skip-unsupported       exit 77 (a skipped ctest) instead of 2 when hearth serve lacks an
                           option that was asked for
  --keep-temp              keep the temporary directory (databases, server logs)

Phases (default: all):
  --phases LIST            comma-separated: join,fanout,knee,memory
  --threads N              load generator threads (default 2)
  --tiny                   a CI-sized run of every phase, a few seconds in all

  --clients N              join: clients (default 1000)
  --rooms M                join: rooms (default 100)
  --concurrency LIST       join: one run per entry, each at most K connects in flight at a
                           time, 0 = all at once (default 0,50); other phases use the first

  --fanout-rooms R         fan-out and knee: rooms (default 20)
  --room-size C            fan-out and knee: clients per room, at most 50 (default 50)
  --rate R                 fan-out: chats per second per client (default 1)
  --seconds D              fan-out: duration (default 10)
  --chat-bytes B           length of each chat text (default 64)
  --no-client-msg-id       send chats without a clientMsgId

  --knee-rates LIST        per-client rates to try in order (default 1,2,3,4,5,6,8,10,12,16)
  --knee-seconds S         duration of each rate (default 5)
  --knee-refine N          extra steps between the last pass and the first fail (default 2)
  --knee-p99 MS            latency bound of the knee (default 100)

  --memory-clients LIST    idle connections to measure, each on a fresh server (default
                           1000,10000; sizes the open-file limits do not allow are skipped)
  --memory-join            the idle clients also join rooms of 50 (default: hello only)
  --memory-settle MS       wait before reading the server's RSS (default 2000)

  --timeout S              give up (exit 3) after S seconds in all (default 1800; --tiny 110)
  --latency-log FILE       append "rate,send ms,latency µs" for every chat delivery measured
                           (fan-out and knee), to look for stalls over time
  --realtime               run this program and the server it starts under SCHED_RR (needs
                           root or CAP_SYS_NICE): on a machine shared with other work, it keeps
                           their CPU use out of the figures
)";

// The temporary directory once made; what a setup error leaves in it is removed by die().
std::string madeTempDir;

[[noreturn]] void die(const std::string &message)
{
    std::fprintf(stderr, "hearth-bench-server: %s\n", message.c_str());
    if (!madeTempDir.empty()) {
        for (const char *name : {"/server-cert.pem", "/server-key.pem"})
            std::remove((madeTempDir + name).c_str());
        rmdir(madeTempDir.c_str());
    }
    std::exit(2);
}

std::vector<std::string> split(const std::string &s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

double number(const std::string &option, const std::string &value)
{
    char *end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || v < 0)
        die(option + " wants a non-negative number, not '" + value + "'");
    return v;
}

int integer(const std::string &option, const std::string &value)
{
    const double v = number(option, value);
    if (v != static_cast<double>(static_cast<int>(v)))
        die(option + " wants a whole number, not '" + value + "'");
    return static_cast<int>(v);
}

// Only loopback: this program floods whatever it is pointed at.
int portFromUrl(const std::string &url)
{
    const std::string prefixes[] = {
        "ws://127.0.0.1:", "ws://localhost:", "wss://127.0.0.1:", "wss://localhost:"};
    for (const auto &prefix : prefixes) {
        if (url.compare(0, prefix.size(), prefix) == 0) {
            const int port = std::atoi(url.c_str() + prefix.size());
            if (port > 0 && port < 65536)
                return port;
        }
    }
    die("--url must be ws://127.0.0.1:PORT/ or wss://127.0.0.1:PORT/ (loopback only), not '" + url +
        "'");
}

Options parse(int argc, char **argv)
{
    Options o;
    o.hearth = HEARTH_BENCH_HEARTH_BINARY;
    std::vector<std::string> args(argv + 1, argv + argc);
    // --tiny first, so that explicit sizes given with it still win.
    if (std::find(args.begin(), args.end(), "--tiny") != args.end()) {
        o.tiny = true;
        o.joinClients = 40;
        o.joinRooms = 4;
        o.fanRooms = 2;
        o.roomSize = 5;
        o.rate = 2;
        o.seconds = 2;
        o.kneeRates = {1, 2, 4};
        o.kneeSeconds = 1;
        o.kneeRefine = 0;
        o.memoryClients = {200};
        o.memorySettleMs = 500;
        o.timeoutSeconds = 110;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size())
                die(a + " needs a value");
            return args[++i];
        };
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (a == "--tiny") {
        } else if (a == "--hearth") {
            o.hearth = value();
        } else if (a == "--url") {
            o.url = value();
            o.port = portFromUrl(o.url);
            o.urlTls = o.url.compare(0, 6, "wss://") == 0;
        } else if (a == "--server-pid") {
            o.serverPid = integer(a, value());
        } else if (a == "--server-arg") {
            o.serverArgs.push_back(value());
        } else if (a == "--server-nofile") {
            o.serverNofile = integer(a, value());
        } else if (a == "--strict-limits") {
            o.relaxedLimits = false;
        } else if (a == "--transport") {
            o.transport = value();
            if (o.transport != "qt" && o.transport != "native")
                die("--transport takes qt or native, not '" + o.transport + "'");
        } else if (a == "--tls") {
            o.tls = 1;
        } else if (a == "--no-tls") {
            o.tls = 0;
        } else if (a == "--tls-cert") {
            o.tlsCert = value();
        } else if (a == "--tls-key") {
            o.tlsKey = value();
        } else if (a == "--fingerprint") {
            o.fingerprint = value();
        } else if (a == "--skip-unsupported") {
            o.skipUnsupported = true;
        } else if (a == "--same-server") {
            o.freshServer = false;
        } else if (a == "--keep-temp") {
            o.keepTemp = true;
        } else if (a == "--phases") {
            o.join = o.fanout = o.knee = o.memory = false;
            for (const auto &p : split(value())) {
                if (p == "join")
                    o.join = true;
                else if (p == "fanout" || p == "fan-out")
                    o.fanout = true;
                else if (p == "knee")
                    o.knee = true;
                else if (p == "memory")
                    o.memory = true;
                else
                    die("unknown phase '" + p + "'");
            }
        } else if (a == "--threads") {
            o.threads = std::max(1, integer(a, value()));
        } else if (a == "--clients") {
            o.joinClients = integer(a, value());
        } else if (a == "--rooms") {
            o.joinRooms = integer(a, value());
        } else if (a == "--concurrency") {
            o.joinConcurrency.clear();
            for (const auto &k : split(value()))
                o.joinConcurrency.push_back(std::max(0, integer(a, k)));
            if (o.joinConcurrency.empty())
                die("--concurrency needs at least one value");
        } else if (a == "--fanout-rooms") {
            o.fanRooms = integer(a, value());
        } else if (a == "--room-size") {
            o.roomSize = integer(a, value());
        } else if (a == "--rate") {
            o.rate = number(a, value());
        } else if (a == "--seconds") {
            o.seconds = number(a, value());
        } else if (a == "--chat-bytes") {
            o.chatBytes = std::clamp(integer(a, value()), 1, 2000);
        } else if (a == "--no-client-msg-id") {
            o.clientMsgId = false;
        } else if (a == "--knee-rates") {
            o.kneeRates.clear();
            for (const auto &r : split(value()))
                o.kneeRates.push_back(number(a, r));
        } else if (a == "--knee-seconds") {
            o.kneeSeconds = number(a, value());
        } else if (a == "--knee-refine") {
            o.kneeRefine = integer(a, value());
        } else if (a == "--knee-p99") {
            o.kneeP99Ms = number(a, value());
        } else if (a == "--memory-clients") {
            o.memoryClients.clear();
            for (const auto &n : split(value()))
                o.memoryClients.push_back(integer(a, n));
        } else if (a == "--memory-join") {
            o.memoryJoin = true;
        } else if (a == "--memory-settle") {
            o.memorySettleMs = integer(a, value());
        } else if (a == "--latency-log") {
            o.latencyLog = value();
        } else if (a == "--realtime") {
            o.realtime = true;
        } else if (a == "--timeout") {
            o.timeoutSeconds = integer(a, value());
        } else {
            die("unknown option '" + a + "' (see --help)");
        }
    }
    if (o.rate <= 0 || o.seconds <= 0 || o.kneeSeconds <= 0 || o.kneeRates.empty())
        die("rates and durations must be positive");
    if (std::any_of(o.kneeRates.begin(), o.kneeRates.end(), [](double r) { return r <= 0; }))
        die("--knee-rates must be positive");
    if (o.url.empty() && o.hearth.empty())
        die("no hearth binary: give --hearth PATH or --url");
    if (o.tlsCert.empty() != o.tlsKey.empty() && o.url.empty())
        die("--tls-cert and --tls-key go together");
    if (!o.url.empty()) {
        if (!o.transport.empty() || o.tls >= 0)
            die("--transport, --tls and --no-tls choose how the server this program starts "
                "serves; with --url the scheme (ws:// or wss://) says it");
        if (o.urlTls && o.fingerprint.empty() && o.tlsCert.empty())
            die("--url wss://… needs the server's certificate: --fingerprint HEX or "
                "--tls-cert FILE");
    }
    if (o.tls == 0 && !o.tlsCert.empty())
        die("--no-tls and --tls-cert contradict each other");
    if (o.relaxedLimits && o.url.empty())
        o.serverArgs.insert(o.serverArgs.begin(), "--relaxed-limits");
    return o;
}

// A configuration that was asked for and that this `hearth serve` cannot run.
[[noreturn]] void unsupported(const Options &o, const std::string &what)
{
    std::fprintf(stderr, "hearth-bench-server: %s%s\n", what.c_str(),
                 o.skipUnsupported ? " (skipped)" : "");
    rmdir(o.tempDir.c_str()); // nothing in it yet
    std::exit(o.skipUnsupported ? 77 : 2);
}

bool writeFile(const std::string &path, const QByteArray &data, mode_t mode)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.constData(), data.size());
    out.close();
    return out.good() && chmod(path.c_str(), mode) == 0;
}

// Decides what to tell `hearth serve` about transport and TLS, and makes the clients' TLS
// context: its pin is the certificate the server is given (made here unless --tls-cert), so
// nothing has to be trusted on first use. Returns null when no certificate is involved.
std::unique_ptr<TlsContext> setUpTransport(Options &o)
{
    Sha256 pin{};
    std::string error;
    if (!o.url.empty()) {
        if (!o.urlTls)
            return nullptr;
        if (!o.fingerprint.empty()) {
            const QByteArray given = Fingerprint::fromHex(QString::fromStdString(o.fingerprint));
            if (given.size() != static_cast<qsizetype>(pin.size()))
                die("--fingerprint wants 64 hex digits (':' separators allowed)");
            std::copy(given.begin(), given.end(), pin.begin());
        } else if (!fingerprintOfPemFile(o.tlsCert, pin, error)) {
            die(error);
        }
    } else {
        const std::string help = commandOutput({o.hearth, "serve", "--help"}, 15000);
        if (help.empty())
            die("cannot run " + o.hearth + " serve --help");
        auto takes = [&](const char *option) {
            return help.find(std::string(option) + ' ') != std::string::npos ||
                   help.find(std::string(option) + '=') != std::string::npos ||
                   help.find(std::string(option) + '\n') != std::string::npos;
        };
        if (!o.transport.empty()) {
            if (!takes("--transport"))
                unsupported(o, "this hearth serve has no --transport option (" + o.hearth + ")");
            o.serverArgs.push_back("--transport");
            o.serverArgs.push_back(o.transport);
        }
        if (o.tls == 0) {
            // A server without TLS options serves plain ws:// anyway.
            if (takes("--no-tls"))
                o.serverArgs.push_back("--no-tls");
            return nullptr;
        }
        // The native transport is plain unless TLS is asked for by name.
        if (o.tls < 0 && o.transport == "native" && o.tlsCert.empty())
            return nullptr;
        if (!takes("--tls-cert")) {
            if (o.tls == 1 || !o.tlsCert.empty())
                unsupported(o, "this hearth serve cannot serve TLS: it has no --tls-cert option (" +
                                   o.hearth + ")");
            std::printf("  TLS: this hearth serve has no TLS options; it serves plain ws://\n");
            return nullptr;
        }
        if (o.tlsCert.empty()) {
            QString why;
            const HostCertificate made =
                HostCertificate::generate(QStringLiteral("hearth-bench"), &why);
            o.tlsCert = o.tempDir + "/server-cert.pem";
            o.tlsKey = o.tempDir + "/server-key.pem";
            if (made.certificatePem.isEmpty() || !writeFile(o.tlsCert, made.certificatePem, 0644) ||
                !writeFile(o.tlsKey, made.privateKeyPem, 0600))
                die("cannot make the server's certificate: " +
                    (why.isEmpty() ? std::string("cannot write ") + o.tempDir : why.toStdString()));
        }
        if (!fingerprintOfPemFile(o.tlsCert, pin, error))
            die(error);
        o.serverArgs.push_back("--tls-cert");
        o.serverArgs.push_back(o.tlsCert);
        o.serverArgs.push_back("--tls-key");
        o.serverArgs.push_back(o.tlsKey);
    }
    std::unique_ptr<TlsContext> tls = TlsContext::create(pin, error);
    if (!tls)
        die(error);
    const QByteArray raw(reinterpret_cast<const char *>(pin.data()),
                         static_cast<qsizetype>(pin.size()));
    std::printf("  TLS: the server's certificate is pinned: sha256 %s (%s)\n", toHex(pin).c_str(),
                qPrintable(Fingerprint::wordsText(raw)));
    return tls;
}

// Raises this process's soft open-file limit to the hard one: 10,000 clients need 10,000 fds.
// Returns the soft limit it had before, which is what a shell would start the server with.
long raiseOwnFileLimit()
{
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    const long before = static_cast<long>(rl.rlim_cur);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    return before;
}

std::string machine()
{
    std::string cpu;
    if (FILE *f = std::fopen("/proc/cpuinfo", "r")) {
        char line[512];
        while (std::fgets(line, sizeof line, f)) {
            if (std::strncmp(line, "model name", 10) == 0) {
                const char *colon = std::strchr(line, ':');
                cpu = colon ? colon + 2 : line;
                cpu.erase(cpu.find_last_not_of("\n ") + 1);
                break;
            }
        }
        std::fclose(f);
    }
    utsname u{};
    uname(&u);
    return std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " × " + cpu + ", Linux " + u.release;
}

// Where the databases and server logs go: $TMPDIR (or the usual temporary directory).
std::string tempPrefix()
{
    const char *dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : P_tmpdir) + "/hearth-bench-";
}

void removeTree(const std::string &dir)
{
    // Only what this program made there: databases (with WAL files) and server logs.
    if (dir.rfind(tempPrefix(), 0) != 0 || dir.find('\'') != std::string::npos)
        return;
    const std::string cmd = "rm -rf -- '" + dir + "'";
    if (std::system(cmd.c_str()) != 0)
        std::fprintf(stderr, "hearth-bench-server: could not remove %s\n", dir.c_str());
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    Options o = parse(argc, argv);
    if (o.realtime) {
        // Before any thread or child exists: they inherit the policy. The lowest real-time
        // priority is enough to run ahead of every ordinary process; the kernel's RT throttling
        // still leaves others 5% of each CPU.
        sched_param param{};
        param.sched_priority = 1;
        if (sched_setscheduler(0, SCHED_RR, &param) != 0)
            die(std::string("--realtime: sched_setscheduler: ") + std::strerror(errno));
    }
    const long shellNofile = raiseOwnFileLimit();
    if (o.serverNofile <= 0)
        o.serverNofile = shellNofile;

    // Everything is bounded in time: a hung server must not hang CI.
    std::thread([seconds = o.timeoutSeconds] {
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        std::fprintf(stderr, "hearth-bench-server: timed out after %d s\n", seconds);
        std::fflush(stdout);
        std::_Exit(3); // the server child gets SIGTERM through PR_SET_PDEATHSIG
    }).detach();

    std::string tmpl = tempPrefix() + "XXXXXX";
    if (!mkdtemp(tmpl.data()))
        die(std::string("mkdtemp: ") + std::strerror(errno));
    o.tempDir = tmpl;
    madeTempDir = tmpl;

    std::printf("hearth-bench-server: %s\n", machine().c_str());
    if (FILE *f = std::fopen("/proc/loadavg", "r")) {
        double one = 0;
        if (std::fscanf(f, "%lf", &one) == 1)
            std::printf("  load average at start: %.2f%s\n", one,
                        one > 0.5 ? " (other programs are running: expect noisy figures)" : "");
        std::fclose(f);
    }
    std::printf("  load generator: %d thread(s)%s; server: %s\n", o.threads,
                o.realtime ? ", SCHED_RR with the server" : "",
                o.url.empty() ? (o.hearth + " serve").c_str() : o.url.c_str());
    const std::unique_ptr<TlsContext> tls = setUpTransport(o);
    if (!o.serverArgs.empty()) {
        std::string joined;
        for (const auto &a : o.serverArgs)
            joined += " " + a;
        std::printf("  server options:%s\n", joined.c_str());
    }
    std::fflush(stdout);

    std::vector<PhaseResult> results;
    ServerProcess server;
    int serverCount = 0;
    bool nofileWarned = false;

    // Gives the target of the next phase: the --url server, the shared one, or a fresh one.
    auto target = [&](const std::string &phase, Target &t, std::string &error) -> bool {
        if (!o.url.empty()) {
            t.port = o.port;
            t.pid = o.serverPid;
            t.tls = tls.get();
            return true;
        }
        if (server.running() && !o.freshServer) {
            t.port = server.port();
            t.pid = server.pid();
            t.tls = server.tls() ? tls.get() : nullptr;
            return true;
        }
        {
            const std::string how = server.stop();
            if (how != "exited with status 0" && how != "was not running")
                std::printf("  (the previous server %s)\n", how.c_str());
        }
        ++serverCount;
        const std::string base = o.tempDir + "/" + std::to_string(serverCount) + "-" + phase;
        if (!server.start(o.hearth, base + ".sqlite", o.serverArgs, base + ".log", o.serverNofile,
                          15000, error))
            return false;
        t.port = server.port();
        t.pid = server.pid();
        // The listening line's scheme decides; it must agree with what was asked for.
        if (server.tls() && !tls) {
            error = "hearth serve listens on wss:// with a certificate this program does not "
                    "know (it was not given --tls-cert)";
            return false;
        }
        if (!server.tls() && o.tls == 1) {
            error = "--tls was asked for, but hearth serve listens on plain ws://";
            return false;
        }
        t.tls = server.tls() ? tls.get() : nullptr;
        const long limit = readNofileSoft(t.pid);
        std::printf("\n[%s: hearth serve pid %d on port %d (%s), open-file limit %ld]\n",
                    phase.c_str(), static_cast<int>(t.pid), t.port,
                    server.tls() ? "wss://, TLS" : "ws://, plain", limit);
        if (!nofileWarned && limit > 0 && limit < 20000 && limit <= o.serverNofile) {
            nofileWarned = true;
            std::printf("  note: hearth serve keeps the soft open-file limit it was started with "
                        "(%ld); it should raise it to the hard limit for thousands of clients\n",
                        limit);
        }
        std::fflush(stdout);
        return true;
    };

    struct {
        bool plain = false, tls = false;
    } schemesSeen;
    auto run = [&](const std::string &phase, const std::function<PhaseResult(const Target &)> &f) {
        Target t;
        std::string error;
        if (!target(phase, t, error)) {
            PhaseResult r;
            r.name = phase;
            r.ok = false;
            r.problems.push_back("could not start the server: " + error);
            results.push_back(r);
            std::printf("  %s\n", r.problems.back().c_str());
            return;
        }
        (t.tls ? schemesSeen.tls : schemesSeen.plain) = true;
        PhaseResult r = f(t);
        if (o.url.empty() && !server.running()) {
            r.ok = false;
            r.problems.push_back("the server died during the phase; its log:\n" +
                                 tailFile(server.logPath(), 30));
        }
        for (const auto &p : r.problems)
            std::printf("  %s: %s\n", r.ok ? "note" : "PROBLEM", p.c_str());
        std::fflush(stdout);
        results.push_back(std::move(r));
    };

    if (o.join)
        for (const int k : o.joinConcurrency)
            run("join", [&](const Target &t) { return runJoinPhase(o, t, k); });
    if (o.fanout)
        run("fanout", [&](const Target &t) { return runFanoutPhase(o, t); });
    if (o.knee)
        run("knee", [&](const Target &t) { return runKneePhase(o, t); });
    if (o.memory) {
        int measured = 0;
        for (const int k : o.memoryClients) {
            run("memory", [&](const Target &t) { return runMemoryPhase(o, t, k, o.memoryJoin); });
            if (results.back().ran)
                ++measured;
        }
        if (measured == 0 && !results.empty()) {
            results.back().ok = false;
            results.back().problems.push_back("no memory measurement could run");
        }
    }
    {
        const std::string how = server.stop();
        if (how != "exited with status 0" && how != "was not running")
            std::printf("  (the server %s)\n", how.c_str());
    }

    // The summary, as a Markdown table for docs/benchmarks.md.
    bool ok = true;
    std::printf("\n## Summary\n\nhearth serve: transport %s, %s\n\n",
                o.transport.empty() ? "(its default)" : o.transport.c_str(),
                schemesSeen.tls ? (schemesSeen.plain ? "wss:// and ws://" : "wss:// (TLS)")
                                : "ws:// (plain)");
    std::printf("| figure | measured | target | |\n|---|---|---|---|\n");
    for (const auto &r : results) {
        ok = ok && r.ok;
        for (const auto &f : r.figures)
            std::printf("| %s | %s | %s | %s |\n", f.name.c_str(), f.value.c_str(),
                        f.target.c_str(), f.verdict.c_str());
    }
    std::printf("\n");
    for (const auto &r : results) {
        if (!r.ok) {
            std::printf("FAILED: %s:", r.name.c_str());
            for (const auto &p : r.problems)
                std::printf(" %s;", p.c_str());
            std::printf("\n");
        }
    }
    std::printf("%s\n",
                ok ? "result: OK (no loss, no duplicates, every phase ran)" : "result: FAILED");
    std::fflush(stdout);

    if (o.keepTemp || !ok)
        std::printf("temporary files kept in %s\n", o.tempDir.c_str());
    else
        removeTree(o.tempDir);
    return ok ? 0 : 1;
}
