#pragma once

// The load generator's engine: many protocol clients multiplexed on one epoll loop per thread,
// each a compact RFC 6455 client over a non-blocking socket. One thread can drive thousands of
// connections at a fraction of the CPU that a QWebSocket per client costs, which matters because
// the generator shares a 2-core machine with the server it measures.

#include "protocol/requests.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

struct ssl_st;

namespace bench {

class TlsContext;

// CLOCK_MONOTONIC in nanoseconds; one clock for every thread of the process, so a receiver can
// subtract a sender's timestamp.
std::int64_t nowNs();

struct ClientConfig {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string runId;          // makes identities unique across runs against one server
    int chatBytes = 64;         // length of each chat text
    bool clientMsgId = true;    // send a clientMsgId with each chat, as the desktop app does
    int capacity = 50;          // create_room capacity
    bool keepSendTimes = false; // keep each delivery's send time too (--latency-log)
    // wss://: every client runs TLS over its socket (shared context, pinned certificate);
    // null for plain ws://. Owned by the caller, alive as long as the workers.
    const TlsContext *tls = nullptr;
};

// One room of the layout. The creator's worker writes `code` before it counts the creator as
// ready; the controller reads it only after seeing that count, which orders the two.
struct RoomSlot {
    std::string code;
    std::vector<std::uint32_t> members;  // client indexes, by slot (slot 0 creates the room)
    std::atomic<std::uint64_t> acked{0}; // chats of this room acknowledged in the window
};

enum class Role : std::uint8_t {
    HelloOnly, // connect and say hello, nothing else (idle connections)
    Create,    // hello, then create_room
    Join,      // hello, then join_room with the room's code
};

struct Client {
    enum class State : std::uint8_t {
        New,
        Connecting,
        TlsHandshake,
        Upgrading,
        Hello,
        Joining,
        Ready,
        Closed
    };

    std::uint32_t index = 0;
    std::uint32_t room = UINT32_MAX; // index into the room table
    std::uint16_t slot = 0;          // position in the room
    Role role = Role::HelloOnly;
    State state = State::New;
    bool pollingOut = false;
    bool inFragment = false;
    bool failedBeforeReady = false;
    // OpenSSL asked for the other direction: a read that must wait for writability (TLS 1.3
    // key update), or a write that must wait for readability.
    bool tlsReadWantsWrite = false;
    bool tlsWriteWantsRead = false;
    int fd = -1;
    ssl_st *ssl = nullptr; // the TLS session over fd (wss://); null on plain ws://

    std::string in;  // received bytes not yet parsed
    std::string out; // bytes the kernel did not take yet
    std::size_t outOff = 0;
    std::string fragment; // a fragmented text message being assembled

    std::int64_t tStart = 0;  // before socket()/connect()
    std::int64_t tTls = 0;    // TLS handshake done and the certificate checked (wss://)
    std::int64_t tOpen = 0;   // 101 received
    std::int64_t tHello = 0;  // hello reply
    std::int64_t tJoined = 0; // create/join reply (or hello reply for HelloOnly)

    std::uint64_t nextId = 1;
    std::int64_t lastSeq = -1;       // last room event seq seen in order; -1 until the join reply
    std::vector<std::int64_t> early; // event seqs that arrived before the join reply

    // Chat accounting, reset at the start of each measured window.
    std::deque<std::pair<std::uint64_t, std::int64_t>> inflight; // request id, send time
    std::uint32_t nextK = 0; // per-sender message counter, never reset (also the clientMsgId)
    std::uint64_t sent = 0, acked = 0, refused = 0, ackErrors = 0;
    std::vector<std::uint32_t> recvFrom; // chats received in the window, by sender slot
    std::vector<std::int64_t> lastK;     // last k received from each sender slot
    std::uint64_t seqGaps = 0, seqDups = 0, orderErrors = 0, foreignEvents = 0;
    std::uint64_t chatOutsideWindow = 0;
    std::int64_t nextSend = 0;

    int closeCode = 0;
    std::string error; // the first thing that went wrong
};

// What the controller learns about one client after a window.
struct ClientReport {
    std::uint32_t index = 0;
    std::uint32_t room = 0;
    std::uint16_t slot = 0;
    bool alive = false;
    std::uint64_t sent = 0, acked = 0, refused = 0, ackErrors = 0;
    std::uint64_t seqGaps = 0, seqDups = 0, orderErrors = 0, foreignEvents = 0;
    std::uint64_t inflight = 0;
    std::vector<std::uint32_t> recvFrom;
    std::string error;
};

// Counters the controller polls while a worker runs. Each worker writes only its own.
struct alignas(64) WorkerCounters {
    std::atomic<std::uint64_t> ready{0};    // clients that reached their goal
    std::atomic<std::uint64_t> failed{0};   // clients that failed before it
    std::atomic<std::uint64_t> dropped{0};  // ready clients whose connection ended later
    std::atomic<std::uint64_t> sent{0};     // chats sent in the window
    std::atomic<std::uint64_t> answered{0}; // chat replies (acked, refused or error)
    std::atomic<std::uint64_t> acked{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> delivered{0}; // chat events received in the window
    std::atomic<std::int64_t> lastDelivery{0};
    std::atomic<bool> sending{false};
};

class Worker
{
public:
    Worker(int id, const ClientConfig &config, std::vector<RoomSlot> &rooms);
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    void post(std::function<void()> task);

    // Runs `f` on the worker's thread and returns its result.
    template <class F> auto call(F f) -> decltype(f())
    {
        using R = decltype(f());
        std::promise<R> done;
        auto result = done.get_future();
        post([&] {
            if constexpr (std::is_void_v<R>) {
                f();
                done.set_value();
            } else {
                done.set_value(f());
            }
        });
        return result.get();
    }

    WorkerCounters counters;

    // --- The rest runs on the worker's thread (through post/call). ---

    // Starts connecting `clients` (owned by the caller, alive until closeAll), at most
    // `maxInFlight` not yet ready at a time (0: all at once).
    void connect(std::vector<Client *> clients, int maxInFlight);

    // Clears the window's counters and samples.
    void resetWindow();

    // Every ready client of this worker sends `rate` chats a second from t0 to t1, at phases
    // spread over the interval (an open loop: sends never wait for replies, so a slow server
    // shows up as latency instead of being hidden by a slower offered load).
    void startChat(std::int64_t t0, std::int64_t t1, double rate, std::uint64_t seed);

    std::vector<ClientReport> report() const;
    std::vector<std::uint32_t> takeFanoutSamples(); // microseconds
    // The send time (nowNs) of each fan-out sample, in the same order; empty unless
    // ClientConfig::keepSendTimes.
    std::vector<std::int64_t> takeFanoutSendTimes();
    std::vector<std::uint32_t> takeAckSamples(); // microseconds
    // Server event ts (wall clock, ms) to receipt, in microseconds.
    std::vector<std::uint32_t> takeSinceStampSamples();

    // Closes every connection of this worker (not counted as failures).
    void closeAll();

private:
    void run();
    void drainTasks();
    void pumpConnects();
    void startConnect(Client *c);
    void onWritable(Client *c);
    void startUpgrade(Client *c);
    void continueTls(Client *c);
    void onReadable(Client *c, std::int64_t now);
    void readTls(Client *c, std::int64_t now);
    void processBytes(Client *c, const char *data, std::size_t size, std::int64_t now);
    std::size_t parseFrames(Client *c, const char *data, std::size_t size, std::int64_t now);
    void onMessage(Client *c, const char *p, std::size_t n, std::int64_t now);
    void onEvent(Client *c, const char *p, std::size_t n, std::int64_t now);
    void onReply(Client *c, const char *p, std::size_t n, std::int64_t now);
    void trackSeq(Client *c, std::int64_t seq);
    void becomeReady(Client *c, std::int64_t now);
    void fail(Client *c, const std::string &why);
    void closeFd(Client *c);
    void sendFrame(Client *c, int opcode, const char *payload, std::size_t size);
    void sendFrame(Client *c, int opcode, const QByteArray &payload);
    // The request as protocol/requests.h encodes it, with the client's next id.
    void sendRequest(Client *c, const Request &request);
    void writeRaw(Client *c, const char *data, std::size_t size);
    // Hands bytes to the socket (or to TLS over it): how many it took, 0 when it would block,
    // -1 after failing the client.
    long transmit(Client *c, const char *data, std::size_t size);
    void setPollOut(Client *c, bool want);
    void flushOut(Client *c);
    void updatePoll(Client *c);
    void sendChat(Client *c);
    void runSendSchedule();
    std::uint64_t random();

    const ClientConfig config_;
    std::vector<RoomSlot> &rooms_;
    int epoll_ = -1;
    int wake_ = -1;
    std::thread thread_;
    std::atomic<bool> stop_{false};

    std::mutex tasksMutex_;
    std::vector<std::function<void()>> tasks_;

    std::vector<Client *> clients_;
    std::deque<Client *> pendingConnects_;
    int maxInFlight_ = 0;
    int inFlight_ = 0;

    bool measuring_ = false;
    bool sending_ = false;
    std::int64_t interval_ = 0;
    std::int64_t sendEnd_ = 0;
    std::vector<Client *> schedule_; // sorted by next send time; a fixed interval keeps it so
    std::size_t cursor_ = 0;

    std::vector<std::uint32_t> fanoutUs_;
    std::vector<std::uint32_t> ackUs_;
    std::vector<std::uint32_t> sinceStampUs_;
    std::vector<std::int64_t> fanoutSentAt_;
    std::vector<char> scratch_;
    std::string frameBuf_;
    std::string textBuf_;
    std::uint64_t rng_;
};

} // namespace bench
