#pragma once

#include "secretstore.h"
#include "security/hostcertificate.h"

Q_DECLARE_LOGGING_CATEGORY(lcHostCertificate)

// Keeps the certificate and private key this installation serves wss:// with as a SecretStore,
// exactly as safely as the identity: in the OS keychain (entry "host-certificate", per profile
// "host-certificate:<profile>"), or the owner-only fallback file. Made the first time this
// installation hosts, then the same for every room, so joiners who pinned it (or compare its
// words) recognise the host. If the stored one cannot be read (a locked keyring), it is not
// replaced: a temporary one serves this run, and warning() says joiners will see a changed
// certificate.
class HostCredentialStore : public SecretStore
{
    Q_OBJECT
public:
    explicit HostCredentialStore(Options options, QObject *parent = nullptr);

    // Valid once loaded().
    const HostCertificate &certificate() const { return m_certificate; }

    // SecretStore::optionsFor() for this kind of secret.
    static Options optionsForProfile(const QString &profile, const QString &file = {},
                                     bool ephemeral = false);

protected:
    QJsonObject generate() const override;
    bool accept(const QJsonObject &value) override;
    Texts texts() const override;

private:
    HostCertificate m_certificate;
};
