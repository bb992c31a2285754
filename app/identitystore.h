#pragma once

#include "protocol/identity.h"
#include "secretstore.h"

Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

// Keeps this installation's identity (id and secret, see docs/protocol.md "hello") as a
// SecretStore: in the OS keychain, or the owner-only fallback file, never replaced by accident.
class IdentityStore : public SecretStore
{
    Q_OBJECT
public:
    explicit IdentityStore(Options options, QObject *parent = nullptr);

    const Identity &identity() const { return m_identity; }

    // SecretStore::optionsFor() for this kind of secret.
    static Options optionsForProfile(const QString &profile, const QString &file = {},
                                     bool ephemeral = false);

protected:
    QJsonObject generate() const override;
    bool accept(const QJsonObject &value) override;
    Texts texts() const override;

private:
    Identity m_identity;
};
