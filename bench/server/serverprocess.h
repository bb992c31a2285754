#pragma once

// `hearth serve` as a child process of the benchmark, and what /proc says about a server process
// (ours or one given by --server-pid).

#include <sys/types.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

namespace bench {

class ServerProcess
{
public:
    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // Starts `hearth serve --port 0 --bind 127.0.0.1 --db <db> <extra...>`, its stdout and stderr
    // going to logPath, and waits (at most timeoutMs) for its "listening on ws://…:PORT/" (or
    // wss://) line.
    // nofileSoft > 0 sets the child's soft RLIMIT_NOFILE before exec (to see whether the
    // server raises it by itself, as it must for thousands of clients).
    bool start(const std::string &hearth, const std::string &db,
               const std::vector<std::string> &extraArgs, const std::string &logPath,
               long nofileSoft, int timeoutMs, std::string &error);

    // SIGTERM, then SIGKILL after timeoutMs. Returns the exit status description.
    std::string stop(int timeoutMs = 10000);

    pid_t pid() const { return pid_; }
    int port() const { return port_; }
    // Whether its listening line said wss:// (TLS) rather than ws://.
    bool tls() const { return tls_; }
    // Whether it is still running; reaps it (and remembers how it ended) if not.
    bool running();
    const std::string &logPath() const { return logPath_; }

private:
    pid_t pid_ = -1;
    int port_ = 0;
    bool tls_ = false;
    int stdoutFd_ = -1;
    std::string ended_; // how it ended, once reaped
    std::string logPath_;
    std::thread drain_;
};

// What a program prints (stdout and stderr) when run with `args` (args[0] is its path), waited
// for at most timeoutMs; empty if it could not run. For `hearth serve --help`.
std::string commandOutput(const std::vector<std::string> &args, int timeoutMs);

// From /proc/<pid>: resident set size in KiB (VmRSS), -1 if unknown.
long readRssKb(pid_t pid);
// CPU seconds (user + system) the process has used so far, -1 if unknown.
double readCpuSeconds(pid_t pid);
// CPU seconds (user + system) of each thread of the process, by thread id.
std::map<long, double> readThreadCpuSeconds(pid_t pid);
// The process's soft "Max open files" limit, -1 if unknown or unlimited.
long readNofileSoft(pid_t pid);
// CPU seconds all processors spent since boot (from /proc/stat), -1 if unknown. Over a window,
// `tasks` minus the server's and our own use is what other programs took (a benchmark on a
// shared machine has to say when it was not alone); `interrupts` is mostly the loopback TCP
// traffic of the benchmark itself (softirq), which no process is charged for.
struct MachineTimes {
    double tasks = -1;
    double interrupts = -1;
    double steal = -1; // taken by the hypervisor
};
MachineTimes readMachineTimes();
// Number of threads of the process.
long readThreads(pid_t pid);

// The last `lines` lines of a text file, for error reports.
std::string tailFile(const std::string &path, int lines);

} // namespace bench
