#pragma once

// The benchmark's phases (join, fan-out, knee, memory) and what they share: a session of
// clients spread over worker threads, and a measured chat window.

#include "loadworker.h"
#include "tlsclient.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bench {

struct Options {
    // Server
    std::string hearth;                  // binary to start; empty with --url
    std::string url;                     // an existing server instead
    int port = 0;                        // from --url
    pid_t serverPid = -1;                // --server-pid, for memory figures with --url
    std::vector<std::string> serverArgs; // passed through to `hearth serve`
    long serverNofile = 0;               // child's soft RLIMIT_NOFILE (0: what we had at start)
    bool relaxedLimits = true;           // pass --relaxed-limits to the server we start
    bool freshServer = true;             // a new server (and database) for each phase
    // Transport and TLS (issue 11). Only what is asked for is passed on to `hearth serve`; the
    // scheme of its listening line (ws:// or wss://) says whether the clients use TLS.
    std::string transport;        // --transport qt|native, passed on when given
    int tls = -1;                 // --tls: 1, --no-tls: 0, neither: -1 (the server's default)
    std::string tlsCert, tlsKey;  // the server's certificate and key (default: made per run)
    std::string fingerprint;      // --fingerprint: the pin for --url wss://…
    bool urlTls = false;          // --url is wss://
    bool skipUnsupported = false; // exit 77 (ctest: skipped) when an asked option is missing
    std::string tempDir;
    bool keepTemp = false;

    // Phases
    bool join = true, fanout = true, knee = true, memory = true;
    int threads = 2;

    int joinClients = 1000;
    int joinRooms = 100;
    // The join phase runs once per entry: at most K connects in flight, 0: all at once. The
    // other phases connect with the first entry.
    std::vector<int> joinConcurrency = {0, 50};

    int fanRooms = 20;
    int roomSize = 50;
    double rate = 1.0;
    double seconds = 10.0;
    int chatBytes = 64;
    bool clientMsgId = true;

    std::vector<double> kneeRates = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16};
    double kneeSeconds = 5.0;
    int kneeRefine = 2;
    double kneeP99Ms = 100.0;

    std::vector<int> memoryClients = {1000, 10000};
    bool memoryJoin = false;
    int memorySettleMs = 2000;

    std::string latencyLog; // append "rate,send ms,latency µs" per delivery (fan-out, knee)
    int timeoutSeconds = 1800;
    bool realtime = false;
    bool tiny = false;
};

// One line of the final summary: a figure, and the target it is held against (if any).
struct Figure {
    std::string name;
    std::string value;
    std::string target;
    std::string verdict; // "meets", "misses" or empty
};

struct PhaseResult {
    std::string name;
    bool ran = false;
    bool ok = true; // false: loss, duplicates, failures, or the phase could not run
    std::vector<std::string> problems;
    std::vector<Figure> figures;
};

// Connection details of the server a phase runs against.
struct Target {
    int port = 0;
    pid_t pid = -1;                  // -1 when unknown (--url without --server-pid)
    const TlsContext *tls = nullptr; // wss://: the clients' TLS, pinning the server's certificate
};

PhaseResult runJoinPhase(const Options &o, const Target &t, int concurrency);
PhaseResult runFanoutPhase(const Options &o, const Target &t);
PhaseResult runKneePhase(const Options &o, const Target &t);
PhaseResult runMemoryPhase(const Options &o, const Target &t, int clients, bool joinRooms);

} // namespace bench
