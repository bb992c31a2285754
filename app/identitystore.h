#pragma once

#include "protocol/identity.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>

Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

// Keeps this installation's identity (id and secret, see docs/protocol.md "hello"): in the OS
// keychain through QtKeychain (the Secret Service on Linux), or — only where no keychain
// exists, or when asked to — in a file readable by the user alone, with a warning.
//
// The rule that matters most: a stored identity is never replaced by accident. A locked
// keyring can answer a read with "entry not found", which looks like a first run. So a new
// identity is written only when the keychain says "not found", no identity file exists, and
// this installation has never stored one before (a marker in QSettings); and the read is
// repeated once right before writing. When an identity should exist but cannot be read, a
// temporary one is used for this run only and warning() says so; `--reset-identity` is the
// deliberate way to start over.
class IdentityStore : public QObject
{
    Q_OBJECT
public:
    enum class Storage {
        None,      // not loaded yet
        Keychain,  // the OS keychain
        File,      // the fallback file (no keychain, or asked for)
        Temporary, // only in memory, for this run: the stored one could not be read
    };
    Q_ENUM(Storage)

    struct Options {
        QString service = QStringLiteral("hearth");
        // The keychain entry; profiles (several identities on one machine) use their own.
        QString key = QStringLiteral("identity");
        // The fallback file; empty: identity[-<profile>].json in the app's data directory.
        QString filePath;
        // Use the file even when a keychain exists (HEARTH_IDENTITY_STORE=file or
        // --identity-file).
        bool forceFile = false;
        // Keep a fresh identity in memory only, without a warning (demos, benchmarks).
        bool ephemeral = false;
    };

    explicit IdentityStore(Options options, QObject *parent = nullptr);
    ~IdentityStore() override;

    // Reads (or, on a first run, creates and stores) the identity; loaded() follows, always.
    void load();
    // Deletes the stored identity (keychain entry, file and marker); forgotten() follows.
    void forget();

    bool isLoaded() const { return m_storage != Storage::None; }
    const Identity &identity() const { return m_identity; }
    Storage storage() const { return m_storage; }
    // Why the identity is not safely in the keychain and what that means, in plain words;
    // empty when it is.
    QString warning() const { return m_warning; }
    QString filePath() const { return m_options.filePath; }

    // The options for a profile name ("" is the default identity), honouring
    // HEARTH_IDENTITY_STORE=file.
    static Options optionsForProfile(const QString &profile);

Q_SIGNALS:
    void loaded();
    void forgotten();

private:
    enum class ReadOutcome { Found, NotFound, Unavailable, Denied, Corrupt };

    void readKeychain(int attempt);
    void onKeychainRead(ReadOutcome outcome, const QString &text, const QString &error,
                        int attempt);
    void writeKeychain(const Identity &identity);
    bool loadFile();
    bool writeFile(const Identity &identity);
    void finish(const Identity &identity, Storage storage, const QString &warning = {});
    void useTemporary(const QString &why);
    // The note for an identity kept in the fallback file: `why`, then what that means.
    QString fileNote(const QString &why) const;
    bool markerSet() const;
    void setMarker(bool on);

    Options m_options;
    Identity m_identity;
    Storage m_storage = Storage::None;
    QString m_warning;
};
