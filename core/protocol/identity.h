#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

// A participant's identity: a random id and a random secret, made once per installation and
// kept by the client (the desktop app keeps them in the OS keychain). The server stores only
// secretHash(secret), so an identity can be claimed only by whoever holds the secret.
struct Identity {
    QString id;
    QString secret;

    bool isWellFormed() const;
    static Identity generate();
};

namespace IdentityRules {
bool isWellFormedId(QStringView id);         // 16–64 of [A-Za-z0-9_-]
bool isWellFormedSecret(QStringView secret); // 32–128 of [A-Za-z0-9_-]

// What everybody else sees of an identity: 16 hex characters, first 8 bytes of
// SHA-256("hearth-participant:" + id). Knowing it does not let anyone claim the identity.
QString participantIdFor(QStringView identityId);

// Hex SHA-256 of the secret, as stored by the server.
QByteArray secretHash(QStringView secret);
} // namespace IdentityRules
