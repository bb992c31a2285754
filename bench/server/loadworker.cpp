#include "loadworker.h"

#include "jsonscan.h"
#include "protocol/protocol.h"
#include "protocol/replies.h"
#include "protocol/requests.h"
#include "tlsclient.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

using jsonscan::Span;

std::int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {

constexpr std::size_t ScratchBytes = 256 * 1024;
constexpr std::size_t MaxMessageBytes = 16 * 1024 * 1024;

std::string base64(const unsigned char *data, std::size_t size)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < size; i += 3) {
        const std::uint32_t b0 = data[i];
        const std::uint32_t b1 = i + 1 < size ? data[i + 1] : 0;
        const std::uint32_t b2 = i + 2 < size ? data[i + 2] : 0;
        const std::uint32_t n = (b0 << 16) | (b1 << 8) | b2;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < size ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < size ? alphabet[n & 63] : '=';
    }
    return out;
}

std::string str(Span s)
{
    return s.isNull() ? std::string() : std::string(s.b, s.size());
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// A reply off the per-message path (hello, create_room, join_room, a refused chat), read with
// the protocol codec; the error says what was wrong with the frame.
Decoded<Reply> readReply(const char *p, std::size_t n)
{
    Decoded<ServerMessage> message = readServerMessage(QByteArray(p, static_cast<qsizetype>(n)));
    if (!message.value)
        return Decoded<Reply>::fail(message.error);
    if (auto *reply = std::get_if<Reply>(&*message.value))
        return {std::move(*reply), {}};
    return Decoded<Reply>::fail(QStringLiteral("not a reply"));
}

// Why a reply is not the success wanted: its error code, or what was wrong with the frame.
std::string whyNot(const Decoded<Reply> &reply)
{
    if (!reply.value)
        return "an unreadable reply (" + reply.error.toStdString() + ")";
    return std::string(errorCodeName(reply.value->error.code).data());
}

std::uint32_t toMicros(std::int64_t ns)
{
    if (ns < 0)
        return 0;
    const std::int64_t us = ns / 1000;
    return us > static_cast<std::int64_t>(UINT32_MAX) ? UINT32_MAX : static_cast<std::uint32_t>(us);
}

// Reads a decimal number at p, advancing p; false when there is none.
bool readNumber(const char *&p, const char *e, std::int64_t &out)
{
    const auto r = std::from_chars(p, e, out);
    if (r.ec != std::errc())
        return false;
    p = r.ptr;
    return true;
}

} // namespace

Worker::Worker(int id, const ClientConfig &config, std::vector<RoomSlot> &rooms)
    : config_(config)
    , rooms_(rooms)
    , scratch_(ScratchBytes)
    , rng_(0x9E3779B97F4A7C15ULL ^
           (static_cast<std::uint64_t>(nowNs()) + static_cast<std::uint64_t>(id)))
{
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr; // the wake-up fd; clients carry their Client*
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    thread_ = std::thread([this] { run(); });
}

Worker::~Worker()
{
    post([this] {
        closeAll();
        stop_ = true;
    });
    thread_.join();
    close(wake_);
    close(epoll_);
}

void Worker::post(std::function<void()> task)
{
    {
        std::lock_guard<std::mutex> lock(tasksMutex_);
        tasks_.push_back(std::move(task));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = write(wake_, &one, sizeof one);
}

void Worker::drainTasks()
{
    std::uint64_t value = 0;
    [[maybe_unused]] const auto n = read(wake_, &value, sizeof value);
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard<std::mutex> lock(tasksMutex_);
        tasks.swap(tasks_);
    }
    for (auto &task : tasks)
        task();
}

std::uint64_t Worker::random()
{
    // xorshift64*: masks and phases only need to be unpredictable enough, not secure.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545F4914F6CDD1DULL;
}

void Worker::run()
{
    epoll_event events[512];
    while (!stop_) {
        // Sleep until the next scheduled chat, with sub-millisecond precision where available:
        // a millisecond timer would bunch sends into bursts.
        int timeoutMs = 1000;
        timespec timeout{1, 0};
        if (sending_ && !schedule_.empty()) {
            const std::int64_t wait =
                std::max<std::int64_t>(0, schedule_[cursor_]->nextSend - nowNs());
            timeout.tv_sec = static_cast<time_t>(wait / 1000000000);
            timeout.tv_nsec = static_cast<long>(wait % 1000000000);
            timeoutMs = static_cast<int>((wait + 999999) / 1000000);
        }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
        int n = epoll_pwait2(epoll_, events, 512, &timeout, nullptr);
        if (n < 0 && errno == ENOSYS)
            n = epoll_wait(epoll_, events, 512, timeoutMs);
#else
        int n = epoll_wait(epoll_, events, 512, timeoutMs);
#endif
        if (n < 0 && errno != EINTR)
            break;
        const std::int64_t now = nowNs();
        for (int i = 0; i < n; ++i) {
            Client *c = static_cast<Client *>(events[i].data.ptr);
            if (!c) {
                drainTasks();
                continue;
            }
            if (c->state == Client::State::Closed)
                continue;
            const auto ev = events[i].events;
            if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                onWritable(c);
            if (c->state != Client::State::Closed && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                onReadable(c, now);
        }
        if (sending_)
            runSendSchedule();
    }
}

// ---------------------------------------------------------------- connecting

void Worker::connect(std::vector<Client *> clients, int maxInFlight)
{
    maxInFlight_ = maxInFlight;
    for (Client *c : clients) {
        clients_.push_back(c);
        pendingConnects_.push_back(c);
    }
    pumpConnects();
}

void Worker::pumpConnects()
{
    while (!pendingConnects_.empty() && (maxInFlight_ <= 0 || inFlight_ < maxInFlight_)) {
        Client *c = pendingConnects_.front();
        pendingConnects_.pop_front();
        ++inFlight_;
        startConnect(c);
    }
}

void Worker::startConnect(Client *c)
{
    c->tStart = nowNs();
    c->state = Client::State::Connecting;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail(c, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(config_.port));
    inet_pton(AF_INET, config_.host.c_str(), &addr.sin_addr);
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.ptr = c;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &ev);
    c->pollingOut = true;
    if (::connect(c->fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) < 0 &&
        errno != EINPROGRESS) {
        fail(c, std::string("connect: ") + std::strerror(errno));
        return;
    }
    // Writability (or an error) is reported by epoll either way.
}

void Worker::onWritable(Client *c)
{
    if (c->state == Client::State::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            fail(c, std::string("connect: ") + std::strerror(err));
            return;
        }
        if (config_.tls) {
            std::string error;
            c->ssl = config_.tls->open(c->fd, error);
            if (!c->ssl) {
                fail(c, error);
                return;
            }
            c->state = Client::State::TlsHandshake;
            continueTls(c);
            return;
        }
        startUpgrade(c);
        return;
    }
    if (c->state == Client::State::TlsHandshake) {
        continueTls(c);
        return;
    }
    if (c->tlsReadWantsWrite) {
        c->tlsReadWantsWrite = false;
        readTls(c, nowNs());
        if (c->state == Client::State::Closed)
            return;
    }
    flushOut(c);
}

void Worker::continueTls(Client *c)
{
    ERR_clear_error();
    const int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        std::string error;
        if (!config_.tls->checkPeer(c->ssl, error)) {
            fail(c, error);
            return;
        }
        c->tTls = nowNs();
        startUpgrade(c);
        return;
    }
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        setPollOut(c, false);
        return;
    case SSL_ERROR_WANT_WRITE:
        setPollOut(c, true);
        return;
    case SSL_ERROR_SYSCALL:
        fail(c, std::string("TLS handshake: ") +
                    (errno != 0 ? std::strerror(errno) : "the server closed the connection"));
        return;
    default:
        fail(c, "TLS handshake: " + takeTlsErrors());
        return;
    }
}

void Worker::setPollOut(Client *c, bool want)
{
    if (want == c->pollingOut)
        return;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &ev);
    c->pollingOut = want;
}

void Worker::startUpgrade(Client *c)
{
    unsigned char key[16];
    for (auto &b : key)
        b = static_cast<unsigned char>(random());
    std::string request = "GET / HTTP/1.1\r\nHost: " + config_.host + ":" +
                          std::to_string(config_.port) +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: " +
                          base64(key, sizeof key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    c->state = Client::State::Upgrading;
    // From now on the socket is watched for reading, and for writing only while bytes wait.
    setPollOut(c, false);
    writeRaw(c, request.data(), request.size());
}

// ---------------------------------------------------------------- reading

void Worker::onReadable(Client *c, std::int64_t now)
{
    if (c->ssl) {
        readTls(c, now);
        return;
    }
    const ssize_t n = read(c->fd, scratch_.data(), scratch_.size());
    if (n == 0) {
        fail(c, "the server closed the TCP connection");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fail(c, std::string("read: ") + std::strerror(errno));
        return;
    }
    processBytes(c, scratch_.data(), static_cast<std::size_t>(n), now);
}

void Worker::readTls(Client *c, std::int64_t now)
{
    if (c->state == Client::State::TlsHandshake) {
        continueTls(c);
        return;
    }
    if (c->tlsWriteWantsRead) {
        c->tlsWriteWantsRead = false;
        flushOut(c);
        if (c->state == Client::State::Closed)
            return;
    }
    // Decrypted bytes are gathered from as many records as the scratch buffer holds, then
    // parsed at once (as one read() does on the plain path). Read until OpenSSL wants more from
    // the socket: a record it has already taken in would not wake epoll again.
    for (;;) {
        std::size_t got = 0;
        int error = SSL_ERROR_NONE;
        ERR_clear_error();
        while (got < scratch_.size()) {
            const int n =
                SSL_read(c->ssl, scratch_.data() + got,
                         static_cast<int>(std::min<std::size_t>(scratch_.size() - got, INT_MAX)));
            if (n <= 0) {
                error = SSL_get_error(c->ssl, n);
                break;
            }
            got += static_cast<std::size_t>(n);
        }
        const int savedErrno = errno;
        if (got > 0) {
            processBytes(c, scratch_.data(), got, now);
            if (c->state == Client::State::Closed)
                return;
        }
        switch (error) {
        case SSL_ERROR_NONE: // the buffer is full: more may be waiting
            continue;
        case SSL_ERROR_WANT_READ:
            return;
        case SSL_ERROR_WANT_WRITE:
            c->tlsReadWantsWrite = true;
            updatePoll(c);
            return;
        case SSL_ERROR_ZERO_RETURN:
            fail(c, "the server closed the TLS session");
            return;
        case SSL_ERROR_SYSCALL:
            fail(c, savedErrno != 0 ? std::string("read: ") + std::strerror(savedErrno)
                                    : std::string("the server closed the TCP connection"));
            return;
        default:
            if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                ERR_clear_error();
                fail(c, "the server closed the TCP connection (no TLS close_notify)");
            } else {
                fail(c, "TLS: " + takeTlsErrors());
            }
            return;
        }
    }
}

void Worker::processBytes(Client *c, const char *data, std::size_t size, std::int64_t now)
{
    if (c->state == Client::State::Upgrading) {
        c->in.append(data, size);
        const std::size_t end = c->in.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (c->in.size() > 16384)
                fail(c, "no end to the HTTP response headers");
            return;
        }
        // The 101 status is what matters here (no frame may go out before it); the
        // Sec-WebSocket-Accept value is not checked, the peer being the server under test.
        if (c->in.compare(0, 13, "HTTP/1.1 101 ") != 0) {
            fail(c, "upgrade refused: " + c->in.substr(0, c->in.find("\r\n")));
            return;
        }
        c->tOpen = now;
        std::string rest = c->in.substr(end + 4);
        c->in.clear();
        c->state = Client::State::Hello;
        // Only now, after the 101, may the first frame go out.
        Requests::Hello hello;
        hello.version = Protocol::Version;
        hello.client = QStringLiteral("hearth-bench/1");
        hello.identityId = qs("bench-" + config_.runId + '-' + std::to_string(c->index));
        hello.identitySecret =
            qs("s3cr3t-" + config_.runId + "-0123456789abcdefghijklmnopqrstuvwxyz");
        sendRequest(c, hello);
        if (!rest.empty())
            processBytes(c, rest.data(), rest.size(), now);
        return;
    }

    std::size_t used = 0;
    if (c->in.empty()) {
        // The common case: parse straight from the read buffer, keep only a partial tail.
        used = parseFrames(c, data, size, now);
        if (c->state != Client::State::Closed && used < size)
            c->in.assign(data + used, size - used);
    } else {
        c->in.append(data, size);
        used = parseFrames(c, c->in.data(), c->in.size(), now);
        if (c->state != Client::State::Closed)
            c->in.erase(0, used);
    }
    if (c->state == Client::State::Closed)
        c->in.clear();
}

std::size_t Worker::parseFrames(Client *c, const char *data, std::size_t size, std::int64_t now)
{
    std::size_t off = 0;
    while (c->state != Client::State::Closed && size - off >= 2) {
        const auto *h = reinterpret_cast<const unsigned char *>(data + off);
        const bool fin = (h[0] & 0x80) != 0;
        const int opcode = h[0] & 0x0f;
        const bool masked = (h[1] & 0x80) != 0;
        std::uint64_t len = h[1] & 0x7f;
        std::size_t header = 2;
        if (len == 126) {
            if (size - off < 4)
                break;
            len = (static_cast<std::uint64_t>(h[2]) << 8) | h[3];
            header = 4;
        } else if (len == 127) {
            if (size - off < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | h[2 + i];
            header = 10;
        }
        if (len > MaxMessageBytes) {
            fail(c, "a frame of " + std::to_string(len) + " bytes");
            break;
        }
        if (masked) {
            // RFC 6455: a server must not mask; say so rather than guess.
            fail(c, "the server sent a masked frame");
            break;
        }
        if (size - off < header + len)
            break;
        const char *payload = data + off + header;
        const auto plen = static_cast<std::size_t>(len);
        off += header + plen;
        switch (opcode) {
        case 0x1: // text
            if (c->inFragment) {
                fail(c, "a new text frame inside a fragmented message");
                break;
            }
            if (fin) {
                onMessage(c, payload, plen, now);
            } else {
                c->inFragment = true;
                c->fragment.assign(payload, plen);
            }
            break;
        case 0x0: // continuation
            if (!c->inFragment) {
                fail(c, "a continuation frame without a message");
                break;
            }
            c->fragment.append(payload, plen);
            if (fin) {
                c->inFragment = false;
                std::string whole;
                whole.swap(c->fragment);
                onMessage(c, whole.data(), whole.size(), now);
            }
            break;
        case 0x8: { // close
            int code = 1005;
            if (plen >= 2)
                code = (static_cast<unsigned char>(payload[0]) << 8) |
                       static_cast<unsigned char>(payload[1]);
            c->closeCode = code;
            sendFrame(c, 0x8, payload, std::min<std::size_t>(plen, 2));
            std::string reason = plen > 2 ? std::string(payload + 2, plen - 2) : std::string();
            fail(c, "the server closed the WebSocket with " + std::to_string(code) +
                        (reason.empty() ? std::string() : " (" + reason + ")"));
            break;
        }
        case 0x9: // ping: the server's heartbeat; an unanswered one gets us dropped
            sendFrame(c, 0xA, payload, plen);
            break;
        case 0xA: // pong
            break;
        default:
            fail(c, "an unexpected frame opcode " + std::to_string(opcode));
            break;
        }
    }
    return off;
}

// ---------------------------------------------------------------- protocol

void Worker::onMessage(Client *c, const char *p, std::size_t n, std::int64_t now)
{
    // Classify by "type" without a full parse; the three kinds need different fields.
    const Span type = jsonscan::stringContent(jsonscan::member(Span{p, p + n}, "type"));
    if (type.is("event"))
        onEvent(c, p, n, now);
    else if (type.is("reply"))
        onReply(c, p, n, now);
    else if (!type.is("notice"))
        fail(c, "a frame that is not a JSON object with a type: " +
                    std::string(p, std::min<std::size_t>(n, 200)));
}

void Worker::trackSeq(Client *c, std::int64_t seq)
{
    if (c->lastSeq < 0) {
        c->early.push_back(seq);
        return;
    }
    if (seq == c->lastSeq + 1) {
        c->lastSeq = seq;
    } else if (seq <= c->lastSeq) {
        ++c->seqDups;
    } else {
        ++c->seqGaps;
        c->lastSeq = seq;
    }
}

void Worker::onEvent(Client *c, const char *p, std::size_t n, std::int64_t now)
{
    Span seqV, roomV, eventV, dataV, tsV;
    const bool wellFormed = jsonscan::forEachMember(Span{p, p + n}, [&](Span key, Span value) {
        if (key.is("seq"))
            seqV = value;
        else if (key.is("ts"))
            tsV = value;
        else if (key.is("room"))
            roomV = value;
        else if (key.is("event"))
            eventV = value;
        else if (key.is("data"))
            dataV = value;
        return true;
    });
    std::int64_t seq = 0;
    if (!wellFormed || !jsonscan::toInt(seqV, seq)) {
        fail(c, "an event without a seq: " + std::string(p, std::min<std::size_t>(n, 200)));
        return;
    }
    if (c->room < rooms_.size() && !rooms_[c->room].code.empty()) {
        // (A creator learns its code from the reply; events before it cannot be checked.)
        const std::string &code = rooms_[c->room].code;
        const Span room = jsonscan::stringContent(roomV);
        if (room.isNull() || room.size() != code.size() ||
            std::memcmp(room.b, code.data(), code.size()) != 0) {
            // Isolation: nothing of one room may reach a member of another.
            ++c->foreignEvents;
            return;
        }
    }
    trackSeq(c, seq);

    if (!jsonscan::stringContent(eventV).is("chat"))
        return;
    const Span text = jsonscan::stringContent(jsonscan::member(dataV, "text"));
    // Our texts are "bench <send ns> <sender slot> <k> <padding>".
    if (text.size() < 6 || std::memcmp(text.b, "bench ", 6) != 0)
        return;
    const char *q = text.b + 6;
    std::int64_t sentAt = 0, slot = 0, k = 0;
    if (!readNumber(q, text.e, sentAt) || q >= text.e || *q++ != ' ' ||
        !readNumber(q, text.e, slot) || q >= text.e || *q++ != ' ' || !readNumber(q, text.e, k)) {
        fail(c, "a chat text that is not ours: " + str(text));
        return;
    }
    if (!measuring_) {
        ++c->chatOutsideWindow;
        return;
    }
    fanoutUs_.push_back(toMicros(now - sentAt));
    if (config_.keepSendTimes)
        fanoutSentAt_.push_back(sentAt);
    // The event's ts is the server's wall clock when it took the message in (before storing
    // it): the time after it is the server's store-and-forward part of the latency.
    std::int64_t serverTs = 0;
    if (jsonscan::toInt(tsV, serverTs)) {
        timespec wall{};
        clock_gettime(CLOCK_REALTIME, &wall);
        const std::int64_t wallUs =
            static_cast<std::int64_t>(wall.tv_sec) * 1000000 + wall.tv_nsec / 1000;
        sinceStampUs_.push_back(toMicros((wallUs - serverTs * 1000) * 1000));
    }
    if (slot >= 0 && static_cast<std::size_t>(slot) < c->recvFrom.size()) {
        const auto s = static_cast<std::size_t>(slot);
        ++c->recvFrom[s];
        if (k <= c->lastK[s])
            ++c->orderErrors; // a repeat or a reordering of one sender's messages
        c->lastK[s] = k;
    }
    counters.delivered.fetch_add(1, std::memory_order_relaxed);
    counters.lastDelivery.store(now, std::memory_order_relaxed);
}

void Worker::onReply(Client *c, const char *p, std::size_t n, std::int64_t now)
{
    switch (c->state) {
    case Client::State::Hello: {
        const Decoded<Reply> reply = readReply(p, n);
        if (!reply.value || !reply.value->ok) {
            fail(c, "hello refused: " + whyNot(reply));
            return;
        }
        const Decoded<HelloResult> hello = HelloResult::fromJson(reply.value->result);
        if (!hello.value) {
            fail(c, "a hello reply that is not one: " + hello.error.toStdString());
            return;
        }
        c->tHello = now;
        if (c->role == Role::HelloOnly) {
            becomeReady(c, now);
            return;
        }
        const QString displayName = qs('b' + std::to_string(c->index));
        c->state = Client::State::Joining;
        if (c->role == Role::Create) {
            Requests::CreateRoom create;
            create.name = qs("bench room " + std::to_string(c->room));
            create.displayName = displayName;
            create.capacity = config_.capacity;
            sendRequest(c, create);
        } else {
            Requests::JoinRoom join;
            join.code = qs(rooms_[c->room].code);
            join.displayName = displayName;
            join.role = ::Role::Member;
            sendRequest(c, join);
        }
        return;
    }
    case Client::State::Joining: {
        const Decoded<Reply> reply = readReply(p, n);
        if (!reply.value || !reply.value->ok) {
            fail(c, std::string(c->role == Role::Create ? "create_room" : "join_room") +
                        " refused: " + whyNot(reply));
            return;
        }
        const Decoded<RoomSnapshot> snapshot = RoomSnapshot::fromJson(reply.value->result);
        if (!snapshot.value) {
            fail(c, "a join reply that is not a room snapshot: " + snapshot.error.toStdString());
            return;
        }
        const std::int64_t lastSeq = snapshot.value->room.lastSeq;
        if (c->role == Role::Create)
            rooms_[c->room].code = snapshot.value->room.code.toStdString();
        // Events pushed before the reply: those up to the snapshot are in it, later ones must
        // follow on without a gap.
        c->lastSeq = lastSeq;
        std::sort(c->early.begin(), c->early.end());
        for (const std::int64_t s : c->early) {
            if (s > lastSeq)
                trackSeq(c, s);
        }
        c->early.clear();
        c->early.shrink_to_fit();
        becomeReady(c, now);
        return;
    }
    case Client::State::Ready: {
        // A chat's acknowledgement: one per message sent, so only "id" and "ok" are scanned
        // (jsonscan.h); a refusal is rare and read with the codec.
        Span idV, okV;
        jsonscan::forEachMember(Span{p, p + n}, [&](Span key, Span value) {
            if (key.is("id"))
                idV = value;
            else if (key.is("ok"))
                okV = value;
            return true;
        });
        std::int64_t id = -1;
        jsonscan::toInt(idV, id);
        const bool ok = okV.is("true");
        auto it = std::find_if(c->inflight.begin(), c->inflight.end(), [id](const auto &e) {
            return static_cast<std::int64_t>(e.first) == id;
        });
        if (it == c->inflight.end()) {
            ++c->ackErrors;
            if (c->error.empty())
                c->error = "a reply to no request of ours (id " + std::to_string(id) + ")";
            return;
        }
        const std::int64_t sentAt = it->second;
        c->inflight.erase(it);
        counters.answered.fetch_add(1, std::memory_order_relaxed);
        if (ok) {
            ++c->acked;
            counters.acked.fetch_add(1, std::memory_order_relaxed);
            rooms_[c->room].acked.fetch_add(1, std::memory_order_relaxed);
            if (measuring_)
                ackUs_.push_back(toMicros(now - sentAt));
        } else {
            const std::string code = whyNot(readReply(p, n));
            if (code == "rate_limited") {
                ++c->refused;
                counters.refused.fetch_add(1, std::memory_order_relaxed);
            } else {
                ++c->ackErrors;
                if (c->error.empty())
                    c->error = "send_chat refused: " + code;
            }
        }
        return;
    }
    default:
        return;
    }
}

void Worker::becomeReady(Client *c, std::int64_t now)
{
    c->tJoined = now;
    c->state = Client::State::Ready;
    --inFlight_;
    counters.ready.fetch_add(1); // releases rooms_[].code to the controller
    pumpConnects();
}

void Worker::fail(Client *c, const std::string &why)
{
    if (c->state == Client::State::Closed)
        return;
    if (c->error.empty())
        c->error = why;
    const bool wasReady = c->state == Client::State::Ready;
    closeFd(c);
    if (wasReady) {
        counters.dropped.fetch_add(1);
    } else {
        c->failedBeforeReady = true;
        --inFlight_;
        counters.failed.fetch_add(1);
        pumpConnects();
    }
}

void Worker::closeFd(Client *c)
{
    // No close_notify: like the plain path, which sends no WebSocket close either.
    if (c->ssl)
        SSL_free(c->ssl);
    c->ssl = nullptr;
    c->tlsReadWantsWrite = c->tlsWriteWantsRead = false;
    if (c->fd >= 0)
        close(c->fd); // also leaves the epoll set
    c->fd = -1;
    c->state = Client::State::Closed;
    c->out.clear();
    c->outOff = 0;
    c->fragment.clear();
}

// ---------------------------------------------------------------- writing

void Worker::sendFrame(Client *c, int opcode, const char *payload, std::size_t size)
{
    std::string &f = frameBuf_;
    f.clear();
    f += static_cast<char>(0x80 | opcode);
    if (size < 126) {
        f += static_cast<char>(0x80 | size);
    } else if (size < 65536) {
        f += static_cast<char>(0x80 | 126);
        f += static_cast<char>((size >> 8) & 0xff);
        f += static_cast<char>(size & 0xff);
    } else {
        f += static_cast<char>(0x80 | 127);
        for (int i = 7; i >= 0; --i)
            f += static_cast<char>((static_cast<std::uint64_t>(size) >> (8 * i)) & 0xff);
    }
    // Clients must mask (RFC 6455 5.3); a fresh key per frame as the RFC asks.
    const std::uint64_t r = random();
    char mask[4];
    for (int i = 0; i < 4; ++i)
        mask[i] = static_cast<char>((r >> (8 * i)) & 0xff);
    f.append(mask, 4);
    const std::size_t start = f.size();
    f.append(payload, size);
    for (std::size_t i = 0; i < size; ++i)
        f[start + i] = static_cast<char>(f[start + i] ^ mask[i & 3]);
    writeRaw(c, f.data(), f.size());
}

void Worker::writeRaw(Client *c, const char *data, std::size_t size)
{
    if (c->state == Client::State::Closed)
        return;
    if (c->out.size() == c->outOff) {
        c->out.clear();
        c->outOff = 0;
        const long n = transmit(c, data, size);
        if (n == static_cast<long>(size) || n < 0)
            return;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    // With TLS, bytes OpenSSL could not send yet stay here too: it wants the same bytes again
    // (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER lets them move), which an append-only buffer keeps.
    c->out.append(data, size);
    updatePoll(c);
}

long Worker::transmit(Client *c, const char *data, std::size_t size)
{
    if (!c->ssl) {
        const ssize_t n = send(c->fd, data, size, MSG_NOSIGNAL);
        if (n >= 0)
            return static_cast<long>(n);
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        fail(c, std::string("write: ") + std::strerror(errno));
        return -1;
    }
    ERR_clear_error();
    const int n = SSL_write(c->ssl, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
    if (n > 0)
        return n;
    switch (SSL_get_error(c->ssl, n)) {
    case SSL_ERROR_WANT_WRITE:
        return 0;
    case SSL_ERROR_WANT_READ:
        c->tlsWriteWantsRead = true;
        return 0;
    case SSL_ERROR_SYSCALL:
        fail(c, std::string("write: ") +
                    (errno != 0 ? std::strerror(errno) : "the connection is gone"));
        return -1;
    default:
        fail(c, "TLS write: " + takeTlsErrors());
        return -1;
    }
}

void Worker::flushOut(Client *c)
{
    while (c->outOff < c->out.size()) {
        const long n = transmit(c, c->out.data() + c->outOff, c->out.size() - c->outOff);
        if (n < 0)
            return;
        if (n == 0)
            break;
        c->outOff += static_cast<std::size_t>(n);
    }
    if (c->outOff == c->out.size()) {
        c->out.clear();
        c->outOff = 0;
    }
    updatePoll(c);
}

void Worker::updatePoll(Client *c)
{
    if (c->state == Client::State::Closed || c->state == Client::State::Connecting ||
        c->state == Client::State::TlsHandshake)
        return;
    // Writability also wakes a TLS read that must write first; a TLS write that must read
    // first waits for readability, which is always watched.
    setPollOut(c, (c->outOff < c->out.size() && !c->tlsWriteWantsRead) || c->tlsReadWantsWrite);
}

// ---------------------------------------------------------------- chat load

void Worker::resetWindow()
{
    measuring_ = false;
    sending_ = false;
    counters.sending = false;
    for (Client *c : clients_) {
        c->sent = c->acked = c->refused = c->ackErrors = 0;
        c->seqGaps = c->seqDups = c->orderErrors = c->foreignEvents = 0;
        c->chatOutsideWindow = 0;
        if (c->room < rooms_.size()) {
            const std::size_t size = rooms_[c->room].members.size();
            c->recvFrom.assign(size, 0);
            if (c->lastK.size() != size)
                c->lastK.assign(size, -1);
        }
    }
    fanoutUs_.clear();
    ackUs_.clear();
    sinceStampUs_.clear();
    fanoutSentAt_.clear();
    counters.sent = 0;
    counters.answered = 0;
    counters.acked = 0;
    counters.refused = 0;
    counters.delivered = 0;
    counters.lastDelivery = 0;
}

void Worker::startChat(std::int64_t t0, std::int64_t t1, double rate, std::uint64_t seed)
{
    rng_ ^= seed;
    measuring_ = true;
    interval_ = static_cast<std::int64_t>(1e9 / rate);
    sendEnd_ = t1;
    schedule_.clear();
    for (Client *c : clients_) {
        if (c->state == Client::State::Ready && c->room < rooms_.size())
            schedule_.push_back(c);
    }
    // Phases spread evenly over one interval and dealt out at random: the offered load is
    // smooth and exact (a window of D seconds holds rate × D × clients sends, give or take
    // one per client), yet which client sends when, and in which room, is random.
    for (std::size_t i = schedule_.size(); i > 1; --i)
        std::swap(schedule_[i - 1], schedule_[static_cast<std::size_t>(random() % i)]);
    if (!schedule_.empty()) {
        const auto n = static_cast<std::int64_t>(schedule_.size());
        const std::int64_t step = std::max<std::int64_t>(1, interval_ / n);
        const auto offset = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(step));
        for (std::int64_t i = 0; i < n; ++i)
            schedule_[static_cast<std::size_t>(i)]->nextSend = t0 + offset + i * interval_ / n;
    }
    std::sort(schedule_.begin(), schedule_.end(),
              [](const Client *a, const Client *b) { return a->nextSend < b->nextSend; });
    cursor_ = 0;
    sending_ = !schedule_.empty();
    counters.sending = sending_;
}

void Worker::runSendSchedule()
{
    // Every client has the same interval, so the one at the cursor is always the next due and
    // the order never changes: a ring instead of a priority queue.
    const std::int64_t now = nowNs();
    while (sending_) {
        Client *c = schedule_[cursor_];
        if (c->nextSend > now)
            break;
        if (c->nextSend >= sendEnd_) {
            sending_ = false;
            counters.sending = false;
            break;
        }
        if (c->state == Client::State::Ready)
            sendChat(c);
        c->nextSend += interval_;
        cursor_ = (cursor_ + 1) % schedule_.size();
    }
}

void Worker::sendChat(Client *c)
{
    const std::uint32_t k = c->nextK++;
    const std::uint64_t id = c->nextId++;
    const std::int64_t sentAt = nowNs();
    // Our texts are "bench <send ns> <sender slot> <k> <padding>" (onEvent reads them back),
    // padded to the configured size like a typical line of chat.
    std::string &t = textBuf_;
    t = "bench " + std::to_string(sentAt) + ' ' + std::to_string(c->slot) + ' ' +
        std::to_string(k) + ' ';
    if (t.size() < static_cast<std::size_t>(config_.chatBytes))
        t.append(static_cast<std::size_t>(config_.chatBytes) - t.size(), 'x');
    Requests::SendChat chat;
    chat.room = qs(rooms_[c->room].code);
    chat.text = QString::fromLatin1(t.data(), static_cast<qsizetype>(t.size()));
    if (config_.clientMsgId)
        chat.clientMsgId = qs('k' + std::to_string(k));
    c->inflight.emplace_back(id, sentAt);
    ++c->sent;
    counters.sent.fetch_add(1, std::memory_order_relaxed);
    sendFrame(c, 1, encodeRequest(static_cast<qint64>(id), chat));
}

void Worker::sendRequest(Client *c, const Request &request)
{
    sendFrame(c, 1, encodeRequest(static_cast<qint64>(c->nextId++), request));
}

void Worker::sendFrame(Client *c, int opcode, const QByteArray &payload)
{
    sendFrame(c, opcode, payload.constData(), static_cast<std::size_t>(payload.size()));
}

// ---------------------------------------------------------------- reports

std::vector<ClientReport> Worker::report() const
{
    std::vector<ClientReport> out;
    out.reserve(clients_.size());
    for (const Client *c : clients_) {
        ClientReport r;
        r.index = c->index;
        r.room = c->room;
        r.slot = c->slot;
        r.alive = c->state == Client::State::Ready;
        r.sent = c->sent;
        r.acked = c->acked;
        r.refused = c->refused;
        r.ackErrors = c->ackErrors;
        r.seqGaps = c->seqGaps;
        r.seqDups = c->seqDups;
        r.orderErrors = c->orderErrors;
        r.foreignEvents = c->foreignEvents;
        r.inflight = c->inflight.size();
        r.recvFrom = c->recvFrom;
        r.error = c->error;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::int64_t> Worker::takeFanoutSendTimes()
{
    std::vector<std::int64_t> v;
    v.swap(fanoutSentAt_);
    return v;
}

std::vector<std::uint32_t> Worker::takeFanoutSamples()
{
    std::vector<std::uint32_t> v;
    v.swap(fanoutUs_);
    return v;
}

std::vector<std::uint32_t> Worker::takeSinceStampSamples()
{
    std::vector<std::uint32_t> v;
    v.swap(sinceStampUs_);
    return v;
}

std::vector<std::uint32_t> Worker::takeAckSamples()
{
    std::vector<std::uint32_t> v;
    v.swap(ackUs_);
    return v;
}

void Worker::closeAll()
{
    sending_ = false;
    measuring_ = false;
    counters.sending = false;
    for (Client *c : clients_) {
        if (c->state != Client::State::Closed)
            closeFd(c);
    }
    clients_.clear();
    pendingConnects_.clear();
    schedule_.clear();
    inFlight_ = 0;
}

} // namespace bench
