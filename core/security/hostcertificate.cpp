#include "hostcertificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <memory>

namespace {
template <typename T, void (*Free)(T *)> struct OpenSslDeleter {
    void operator()(T *p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;

constexpr long secondsPerDay = 24L * 3600L;
constexpr long validityDays = 20L * 365L;

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, qsizetype(size)) : QByteArray();
}

HostCertificate fail(QString *error, const char *what)
{
    if (error)
        *error =
            QStringLiteral("cannot make the host certificate: %1 failed").arg(QLatin1String(what));
    return {};
}

bool setRandomSerial(X509 *certificate)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return false;
    bytes[0] &= 0x7f; // a positive INTEGER
    std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>> serial(
        BN_bin2bn(bytes, sizeof bytes, nullptr));
    return serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate));
}
} // namespace

HostCertificate HostCertificate::generate(const QString &commonName, QString *error)
{
    PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return fail(error, "EVP_PKEY_Q_keygen");
    Certificate certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), 2) != 1 ||
        !setRandomSerial(certificate.get()))
        return fail(error, "X509_new");
    // Valid from yesterday, so that a joiner whose clock is a little behind accepts it.
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -secondsPerDay);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validityDays * secondsPerDay);
    const QByteArray cn = commonName.left(64).toUtf8();
    X509_NAME *name = X509_get_subject_name(certificate.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(cn.constData()),
                                   int(cn.size()), -1, 0) != 1 ||
        X509_set_issuer_name(certificate.get(), name) != 1 ||
        X509_set_pubkey(certificate.get(), key.get()) != 1)
        return fail(error, "X509 subject");
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return fail(error, "X509_sign");

    Bio certificateOut(BIO_new(BIO_s_mem()));
    Bio keyOut(BIO_new(BIO_s_mem()));
    if (!certificateOut || !keyOut ||
        PEM_write_bio_X509(certificateOut.get(), certificate.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1)
        return fail(error, "PEM_write");
    return HostCertificate{bioContents(certificateOut.get()), bioContents(keyOut.get())};
}

bool HostCertificate::isValid() const
{
    return !certificate().isNull() && !privateKey().isNull();
}

QSslCertificate HostCertificate::certificate() const
{
    return QSslCertificate(certificatePem, QSsl::Pem);
}

QSslKey HostCertificate::privateKey() const
{
    return QSslKey(privateKeyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
}
