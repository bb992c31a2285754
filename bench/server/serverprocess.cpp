#include "serverprocess.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

namespace {

std::int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The port in "... ws://127.0.0.1:PORT/ ..." or "... wss://…", 0 if the line has none; `tls`
// says which scheme it was.
int portFromLine(const std::string &line, bool &tls)
{
    std::size_t scheme = line.find("wss://");
    tls = scheme != std::string::npos;
    if (!tls)
        scheme = line.find("ws://");
    if (scheme == std::string::npos)
        return 0;
    std::size_t p = scheme + (tls ? 6 : 5);
    // Skip the host, which may be a bracketed IPv6 address.
    if (p < line.size() && line[p] == '[')
        p = line.find(']', p);
    if (p == std::string::npos)
        return 0;
    p = line.find(':', p);
    if (p == std::string::npos)
        return 0;
    int port = 0;
    for (++p; p < line.size() && line[p] >= '0' && line[p] <= '9'; ++p)
        port = port * 10 + (line[p] - '0');
    return port > 0 && port < 65536 ? port : 0;
}

} // namespace

ServerProcess::~ServerProcess()
{
    if (pid_ > 0)
        stop();
}

bool ServerProcess::start(const std::string &hearth, const std::string &db,
                          const std::vector<std::string> &extraArgs, const std::string &logPath,
                          long nofileSoft, int timeoutMs, std::string &error)
{
    stop(); // a previous run of this object: reap it and its drain thread
    ended_.clear();
    logPath_ = logPath;
    port_ = 0;
    tls_ = false;
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    const int logFd = open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) {
        error = "cannot open " + logPath + ": " + std::strerror(errno);
        close(out[0]);
        close(out[1]);
        return false;
    }

    std::vector<std::string> args = {hearth,   "serve",     "--port", "0",
                                     "--bind", "127.0.0.1", "--db",   db};
    // The load generator speaks ws://: TLS off unless the caller names a certificate.
    if (std::find(extraArgs.begin(), extraArgs.end(), "--tls-cert") == extraArgs.end() &&
        std::find(extraArgs.begin(), extraArgs.end(), "--no-tls") == extraArgs.end())
        args.push_back("--no-tls");
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        close(out[0]);
        close(out[1]);
        close(logFd);
        return false;
    }
    if (pid == 0) {
        // The server must not outlive a benchmark that crashed or was killed by its timeout.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        dup2(out[1], STDOUT_FILENO);
        dup2(logFd, STDERR_FILENO);
        if (nofileSoft > 0) {
            rlimit rl{};
            getrlimit(RLIMIT_NOFILE, &rl);
            rl.rlim_cur = static_cast<rlim_t>(nofileSoft);
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        execv(argv[0], argv.data());
        const std::string msg =
            "hearth-bench-server: cannot run " + args[0] + ": " + std::strerror(errno) + "\n";
        [[maybe_unused]] const auto n = write(STDERR_FILENO, msg.data(), msg.size());
        _exit(127);
    }
    close(out[1]);
    pid_ = pid;
    stdoutFd_ = out[0];

    // Read stdout line by line until the listening line shows up.
    std::string buffer;
    const std::int64_t deadline = steadyMs() + timeoutMs;
    for (;;) {
        std::size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
            const std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            [[maybe_unused]] const auto n = write(logFd, (line + "\n").data(), line.size() + 1);
            if (line.find("listening") != std::string::npos)
                port_ = portFromLine(line, tls_);
        }
        if (port_ > 0)
            break;
        const std::int64_t left = deadline - steadyMs();
        if (left <= 0) {
            error = "hearth serve did not print its listening line within " +
                    std::to_string(timeoutMs) + " ms";
            break;
        }
        pollfd pfd{stdoutFd_, POLLIN, 0};
        if (poll(&pfd, 1, static_cast<int>(left)) <= 0)
            continue;
        char chunk[4096];
        const ssize_t n = read(stdoutFd_, chunk, sizeof chunk);
        if (n <= 0) {
            error = "hearth serve exited before listening";
            break;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (!buffer.empty()) {
        [[maybe_unused]] const auto n = write(logFd, buffer.data(), buffer.size());
    }

    // Keep draining stdout so that a chatty server never blocks on a full pipe.
    const int fd = stdoutFd_;
    drain_ = std::thread([fd, logFd] {
        char chunk[4096];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof chunk)) > 0) {
            [[maybe_unused]] const auto w = write(logFd, chunk, static_cast<std::size_t>(n));
        }
        close(logFd);
    });

    if (port_ == 0) {
        stop(2000);
        error += "; its log:\n" + tailFile(logPath_, 30);
        return false;
    }
    return true;
}

namespace {

std::string describe(int status)
{
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
    return "ended";
}

} // namespace

bool ServerProcess::running()
{
    if (pid_ <= 0)
        return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        ended_ = describe(status);
        pid_ = -1;
        return false;
    }
    return true;
}

std::string ServerProcess::stop(int timeoutMs)
{
    std::string result = ended_.empty() ? std::string("was not running") : ended_;
    ended_.clear();
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        const std::int64_t deadline = steadyMs() + timeoutMs;
        int status = 0;
        pid_t done = 0;
        while ((done = waitpid(pid_, &status, WNOHANG)) == 0 && steadyMs() < deadline)
            usleep(10000);
        if (done == 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            result = "did not stop within " + std::to_string(timeoutMs) + " ms of SIGTERM; killed";
        } else {
            result = describe(status);
        }
        pid_ = -1;
    }
    if (drain_.joinable())
        drain_.join();
    if (stdoutFd_ >= 0)
        close(stdoutFd_);
    stdoutFd_ = -1;
    return result;
}

std::string commandOutput(const std::vector<std::string> &args, int timeoutMs)
{
    int out[2];
    if (args.empty() || pipe2(out, O_CLOEXEC) != 0)
        return {};
    std::vector<std::string> copy = args;
    std::vector<char *> argv;
    for (auto &a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        return {};
    }
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    std::string text;
    const std::int64_t deadline = steadyMs() + timeoutMs;
    for (;;) {
        const std::int64_t left = deadline - steadyMs();
        pollfd pfd{out[0], POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0)
            break;
        char chunk[4096];
        const ssize_t n = read(out[0], chunk, sizeof chunk);
        if (n <= 0)
            break;
        text.append(chunk, static_cast<std::size_t>(n));
    }
    close(out[0]);
    kill(pid, SIGKILL); // (already gone, normally)
    waitpid(pid, nullptr, 0);
    return text;
}

long readRssKb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, 6, "VmRSS:") == 0)
            return std::stol(line.substr(6));
    }
    return -1;
}

long readThreads(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, 8, "Threads:") == 0)
            return std::stol(line.substr(8));
    }
    return -1;
}

namespace {

double cpuSecondsFromStat(const std::string &path)
{
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the parenthesised command name (which may hold spaces): state is field 3,
    // utime 14 and stime 15.
    const std::size_t close = all.rfind(')');
    if (close == std::string::npos)
        return -1;
    std::istringstream fields(all.substr(close + 2));
    std::string f;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && (fields >> f); ++i) {
        if (i == 14)
            utime = std::stoull(f);
        else if (i == 15)
            stime = std::stoull(f);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace

double readCpuSeconds(pid_t pid)
{
    return cpuSecondsFromStat("/proc/" + std::to_string(pid) + "/stat");
}

std::map<long, double> readThreadCpuSeconds(pid_t pid)
{
    std::map<long, double> out;
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    if (DIR *d = opendir(dir.c_str())) {
        while (const dirent *e = readdir(d)) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9')
                continue;
            const double s = cpuSecondsFromStat(dir + "/" + e->d_name + "/stat");
            if (s >= 0)
                out[std::atol(e->d_name)] = s;
        }
        closedir(d);
    }
    return out;
}

MachineTimes readMachineTimes()
{
    std::ifstream in("/proc/stat");
    std::string cpu;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                       steal = 0;
    MachineTimes t;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        cpu != "cpu")
        return t;
    const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    t.tasks = static_cast<double>(user + nice + system) / tick;
    t.interrupts = static_cast<double>(irq + softirq) / tick;
    t.steal = static_cast<double>(steal) / tick;
    return t;
}

long readNofileSoft(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, 14, "Max open files") == 0) {
            std::istringstream fields(line.substr(14));
            std::string soft;
            fields >> soft;
            if (soft == "unlimited")
                return -1;
            return std::stol(soft);
        }
    }
    return -1;
}

std::string tailFile(const std::string &path, int lines)
{
    std::ifstream in(path);
    std::vector<std::string> all;
    std::string line;
    while (std::getline(in, line))
        all.push_back(line);
    std::string out;
    const std::size_t from = all.size() > static_cast<std::size_t>(lines)
                                 ? all.size() - static_cast<std::size_t>(lines)
                                 : 0;
    for (std::size_t i = from; i < all.size(); ++i)
        out += "    | " + all[i] + "\n";
    return out;
}

} // namespace bench
