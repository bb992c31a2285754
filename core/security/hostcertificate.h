#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>

// A host's TLS credentials: a private key and a self-signed certificate for it, both PEM. Each
// installation makes its own the first time it hosts (generate()), keeps them as safely as its
// identity (app/hostcredentialstore.h) and serves wss:// with them. Nobody vouches for the
// certificate: joiners trust it because the room code vouched for its fingerprint (LAN
// discovery), because a hearth:// link carried it, or on first use (docs/protocol.md, "Trust").
struct HostCertificate {
    QByteArray certificatePem;
    QByteArray privateKeyPem;

    // A fresh P-256 key and a certificate for it, valid from yesterday for 20 years, made with
    // OpenSSL's libcrypto. Empty (isValid() false) only if libcrypto fails, with *error set.
    static HostCertificate generate(const QString &commonName, QString *error = nullptr);

    bool isValid() const;
    QSslCertificate certificate() const;
    QSslKey privateKey() const;
};
