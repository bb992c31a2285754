#include "tlsclient.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>

namespace bench {

namespace {

struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

bool fingerprintOf(X509 *certificate, Sha256 &out)
{
    unsigned int size = 0;
    return X509_digest(certificate, EVP_sha256(), out.data(), &size) == 1 && size == out.size();
}

} // namespace

std::string takeTlsErrors(const char *fallback)
{
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        if (!out.empty())
            out += "; ";
        out += text;
    }
    return out.empty() ? std::string(fallback) : out;
}

std::unique_ptr<TlsContext> TlsContext::create(const Sha256 &pin, std::string &error)
{
    std::unique_ptr<TlsContext> context(new TlsContext);
    context->pin_ = pin;
    context->ctx_ = SSL_CTX_new(TLS_client_method());
    if (!context->ctx_ || SSL_CTX_set_min_proto_version(context->ctx_, TLS1_2_VERSION) != 1) {
        error = "cannot make a TLS context: " + takeTlsErrors();
        return nullptr;
    }
    // A self-signed certificate fails chain verification by design; checkPeer compares the
    // pin instead, before anything is sent over the session.
    SSL_CTX_set_verify(context->ctx_, SSL_VERIFY_NONE, nullptr);
    // Writes of the frames that did not fit are retried from the client's own output buffer,
    // which may move and grow in between (it only ever appends).
    SSL_CTX_set_mode(context->ctx_,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // Every connect is a new joiner: a full handshake each time, never a resumed session.
    SSL_CTX_set_session_cache_mode(context->ctx_, SSL_SESS_CACHE_OFF);
    return context;
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(ctx_);
}

ssl_st *TlsContext::open(int fd, std::string &error) const
{
    SSL *ssl = SSL_new(ctx_);
    if (!ssl || SSL_set_fd(ssl, fd) != 1) {
        error = "cannot start TLS: " + takeTlsErrors();
        SSL_free(ssl);
        return nullptr;
    }
    SSL_set_connect_state(ssl);
    return ssl;
}

bool TlsContext::checkPeer(ssl_st *ssl, std::string &error) const
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    X509Ptr certificate(SSL_get1_peer_certificate(ssl));
#else
    X509Ptr certificate(SSL_get_peer_certificate(ssl));
#endif
    if (!certificate) {
        error = "the server showed no certificate";
        return false;
    }
    Sha256 seen{};
    if (!fingerprintOf(certificate.get(), seen)) {
        error = "cannot hash the server's certificate: " + takeTlsErrors();
        return false;
    }
    if (seen != pin_) {
        error = "the server's certificate is not the pinned one (sha256 " + toHex(seen) +
                ", expected " + toHex(pin_) + ")";
        return false;
    }
    return true;
}

bool fingerprintOfPem(const std::string &pem, Sha256 &out, std::string &error)
{
    BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509Ptr certificate(bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr);
    BIO_free(bio);
    if (!certificate) {
        error = "not a PEM certificate: " + takeTlsErrors();
        return false;
    }
    if (!fingerprintOf(certificate.get(), out)) {
        error = "cannot hash the certificate: " + takeTlsErrors();
        return false;
    }
    return true;
}

bool fingerprintOfPemFile(const std::string &path, Sha256 &out, std::string &error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path;
        return false;
    }
    const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!fingerprintOfPem(pem, out, error)) {
        error = path + ": " + error;
        return false;
    }
    return true;
}

std::string toHex(const Sha256 &fingerprint)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : fingerprint) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

} // namespace bench
