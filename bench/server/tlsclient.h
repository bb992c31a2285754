#pragma once

// TLS for the load generator's clients (wss://): one OpenSSL context shared by every client of a
// run, the server's certificate pinned by its SHA-256 fingerprint as Hearth's joiners pin a host.
// The certificate is self-signed, so nothing is checked against a CA; the pin is the whole check.
// Each client's session lives on its own non-blocking socket (loadworker.cpp drives it on the
// worker's epoll loop).

#include <array>
#include <memory>
#include <string>

struct ssl_st;
struct ssl_ctx_st;

namespace bench {

using Sha256 = std::array<unsigned char, 32>;

class TlsContext
{
public:
    // TLS 1.2 or later; every session must present a certificate whose DER hashes to `pin`.
    static std::unique_ptr<TlsContext> create(const Sha256 &pin, std::string &error);
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    // A client session on a connected socket, not yet shaken hands; null (with error) on failure.
    // The caller frees it with SSL_free.
    ssl_st *open(int fd, std::string &error) const;

    // After the handshake: whether the server showed the pinned certificate; why not in `error`.
    bool checkPeer(ssl_st *ssl, std::string &error) const;

    const Sha256 &pin() const { return pin_; }

private:
    TlsContext() = default;
    ssl_ctx_st *ctx_ = nullptr;
    Sha256 pin_{};
};

// The thread's queued OpenSSL errors as one line (and the queue cleared), or `fallback`.
std::string takeTlsErrors(const char *fallback = "no detail from OpenSSL");

// The SHA-256 fingerprint of a PEM certificate.
bool fingerprintOfPem(const std::string &pem, Sha256 &out, std::string &error);
// The same, of a certificate file.
bool fingerprintOfPemFile(const std::string &path, Sha256 &out, std::string &error);
// Lower-case hex, as Hearth writes fingerprints (Fingerprint::toHex, without Qt).
std::string toHex(const Sha256 &fingerprint);

} // namespace bench
