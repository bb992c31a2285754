#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>

// One secret of this installation, a small JSON object, kept in the OS keychain through
// QtKeychain (the Secret Service on Linux) or — only where no keychain exists, or when asked
// to — in a file readable by the user alone, with a warning. The identity (IdentityStore) and
// the host's TLS certificate and key (HostCredentialStore) are two such secrets: they differ
// in what they hold and in the words of their warnings, not in how they are kept.
//
// The rule that matters most: a stored secret is never replaced by accident. A locked keyring
// can answer a read with "entry not found", which looks like a first run. So a new secret is
// written only when the keychain says "not found", no fallback file exists, and this
// installation has never stored one before (a marker in QSettings); and the read is repeated
// once right before writing. When a secret should exist but cannot be read, a temporary one is
// used for this run only and warning() says so; `--reset-identity` is the deliberate way to
// start over.
class SecretStore : public QObject
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
        QString key;
        // The fallback file; empty: <kind>[-<key>].json in the app's data directory.
        QString filePath;
        // Use the file even when a keychain exists (HEARTH_IDENTITY_STORE=file or
        // --identity-file).
        bool forceFile = false;
        // Keep a fresh secret in memory only, without a warning (demos, benchmarks).
        bool ephemeral = false;
    };

    // What a kind of secret says to people, in plain words: why it is not safely in the
    // keychain (one sentence each), then what that means.
    struct Texts {
        QString chosenFile;           // the file was asked for
        QString cannotWriteFile;      // the file asked for cannot be written; %1 is its path
        QString foreignEntry;         // the keychain entry holds something else
        QString denied;               // the keychain refused the read
        QString noKeyring;            // no keychain on this computer
        QString keyringAway;          // the keychain that holds it cannot be reached now
        QString noKeyringNoFile;      // no keychain, and the file cannot be written either
        QString savedInFile;          // kept in the file since an earlier run
        QString locked;               // should be in the keychain but is not (locked?)
        QString cannotStore;          // the keychain refused the write
        QString cannotStoreAtAll;     // ... and the file cannot be written either
        QString cannotRead;           // anything else
        QString fileConsequence;      // what keeping it in the file means; %1 is its path
        QString temporaryConsequence; // what a temporary one means
    };

    ~SecretStore() override;

    // Reads (or, on a first run, creates and stores) the secret; loaded() follows, always.
    void load();
    // Deletes the stored secret (keychain entry, file and marker); forgotten() follows.
    void forget();

    bool isLoaded() const { return m_storage != Storage::None; }
    Storage storage() const { return m_storage; }
    // Why the secret is not safely in the keychain and what that means, in plain words; empty
    // when it is.
    QString warning() const { return m_warning; }
    QString filePath() const { return m_options.filePath; }

    // The options for a profile name ("" is the default), honouring HEARTH_IDENTITY_STORE=file:
    // the keychain entry `kind` or `kind:profile`; a non-empty `file` is used instead of the
    // keychain (--identity-file); `ephemeral` keeps a throwaway one.
    static Options optionsFor(const QString &kind, const QString &profile, const QString &file = {},
                              bool ephemeral = false);

Q_SIGNALS:
    void loaded();
    void forgotten();

protected:
    using Category = const QLoggingCategory &(*)();
    // `kind` names the default keychain entry, the fallback file and the QSettings marker
    // ("identity", "host-certificate"); `noun` is what log lines call it.
    SecretStore(Options options, const QString &kind, const QString &noun, Category category,
                QObject *parent);

    // A fresh secret, and whether a stored one is one of ours.
    virtual QJsonObject generate() const = 0;
    virtual bool accept(const QJsonObject &value) = 0;
    virtual Texts texts() const = 0;

private:
    enum class ReadOutcome { Found, NotFound, Unavailable, Denied };

    void readKeychain(int attempt);
    void onKeychainRead(ReadOutcome outcome, const QString &text, const QString &error,
                        int attempt);
    void onNotFound(int attempt);
    void onUnavailable(const QString &error);
    void writeKeychain(const QJsonObject &value);
    bool loadFile();
    bool writeFile(const QJsonObject &value);
    bool take(const QByteArray &json);
    void finish(const QJsonObject &value, Storage storage, const QString &warning = {});
    void useTemporary(const QString &why);
    // The note for a secret kept in the fallback file: `why`, then what that means.
    QString fileNote(const QString &why) const;
    bool markerSet() const;
    void setMarker(bool on);

    Options m_options;
    QString m_kind;
    QString m_noun;
    Category m_log;
    Storage m_storage = Storage::None;
    QString m_warning;
};
