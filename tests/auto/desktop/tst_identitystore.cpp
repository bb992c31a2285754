// IdentityStore and HostCredentialStore (both SecretStores) with the real OS keychain (the
// Secret Service; scripts/test.sh runs the tests in a D-Bus session with an unlocked
// gnome-keyring). Each test uses its own keychain entry and deletes it afterwards. Without a
// Secret Service the keychain cases skip, saying why.

#include "desktoptest.h"
#include "hostcredentialstore.h"
#include "identitystore.h"
#include "security/fingerprint.h"
#include "settingspath.h"

#include <QtCore/QFile>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSettings>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace {

IdentityStore::Options uniqueOptions()
{
    IdentityStore::Options options;
    options.key = u"identity:test-%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 16);
    return options;
}

HostCredentialStore::Options uniqueCertificateOptions()
{
    HostCredentialStore::Options options;
    options.key =
        u"host-certificate:test-%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 16);
    return options;
}

bool load(SecretStore &store)
{
    QSignalSpy loaded(&store, &SecretStore::loaded);
    store.load();
    return loaded.wait(10000);
}

bool isOwnerOnly(const QString &path)
{
    return QFile::exists(path) &&
           (QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                        QFileDevice::WriteGroup | QFileDevice::WriteOther)) == 0;
}

QByteArray fingerprintOf(const HostCredentialStore &store)
{
    return Fingerprint::of(store.certificate().certificate());
}

// Whether a Secret Service answers at all (a read of an absent entry says "not found").
bool keychainAvailable(QString *why)
{
    QKeychain::ReadPasswordJob job(u"hearth"_s);
    job.setAutoDelete(false);
    job.setKey(u"hearth-test-probe"_s);
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    if (!finished.wait(10000)) {
        *why = u"the keychain did not answer"_s;
        return false;
    }
    if (job.error() == QKeychain::NoError || job.error() == QKeychain::EntryNotFound)
        return true;
    *why = u"no Secret Service (%1); run the tests in a D-Bus session with gnome-keyring "
           "unlocked, as scripts/test.sh does"_s.arg(job.errorString());
    return false;
}

void deleteEntry(const QString &key)
{
    QKeychain::DeletePasswordJob job(u"hearth"_s);
    job.setAutoDelete(false);
    job.setKey(key);
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    finished.wait(10000);
}

} // namespace

class tst_IdentityStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<IsolatedHome> m_home;
    QStringList m_keys; // to delete after each test

private Q_SLOTS:
    void init() { m_home = std::make_unique<IsolatedHome>(); }

    void cleanup()
    {
        for (const QString &key : std::as_const(m_keys))
            deleteEntry(key);
        m_keys.clear();
        m_home.reset();
    }

    void firstRunStoresInTheKeychainAndLaterRunsReadIt()
    {
        QString why;
        if (!keychainAvailable(&why))
            QSKIP(qPrintable(why));
        const IdentityStore::Options options = uniqueOptions();
        m_keys << options.key;

        IdentityStore first(options);
        QVERIFY(load(first));
        QCOMPARE(first.storage(), IdentityStore::Storage::Keychain);
        QVERIFY(first.identity().isWellFormed());
        QVERIFY(first.warning().isEmpty());
        QVERIFY(!QFile::exists(first.filePath())); // nothing in plain text

        IdentityStore second(options);
        QVERIFY(load(second));
        QCOMPARE(second.storage(), IdentityStore::Storage::Keychain);
        QCOMPARE(second.identity().id, first.identity().id);
        QCOMPARE(second.identity().secret, first.identity().secret);

        // Forgetting makes the next run a first run again: a different identity.
        QSignalSpy forgotten(&second, &IdentityStore::forgotten);
        second.forget();
        QVERIFY(forgotten.wait(10000));
        IdentityStore third(options);
        QVERIFY(load(third));
        QCOMPARE(third.storage(), IdentityStore::Storage::Keychain);
        QVERIFY(third.identity().id != first.identity().id);
    }

    // A keyring that answers "not found" for an identity this installation stored before
    // (locked, or another session's) must not lead to a new identity overwriting the old one.
    void missingEntryAfterAStoredOneIsNotOverwritten()
    {
        QString why;
        if (!keychainAvailable(&why))
            QSKIP(qPrintable(why));
        const IdentityStore::Options options = uniqueOptions();
        m_keys << options.key;
        QSettings(hearthSettingsPath(), QSettings::IniFormat)
            .setValue(u"identity/"_s + options.key + u"/inKeychain"_s, true);

        IdentityStore store(options);
        QVERIFY(load(store));
        QCOMPARE(store.storage(), IdentityStore::Storage::Temporary);
        QVERIFY(store.identity().isWellFormed());
        QVERIFY(store.warning().contains("--reset-identity"_L1));

        // Nothing was written: the keychain still has no entry, so a second run says the same.
        IdentityStore again(options);
        QVERIFY(load(again));
        QCOMPARE(again.storage(), IdentityStore::Storage::Temporary);
        QVERIFY(again.identity().id != store.identity().id);
    }

    // An entry something else wrote under our key is left alone.
    void foreignEntryIsLeftAlone()
    {
        QString why;
        if (!keychainAvailable(&why))
            QSKIP(qPrintable(why));
        const IdentityStore::Options options = uniqueOptions();
        m_keys << options.key;
        {
            QKeychain::WritePasswordJob job(options.service);
            job.setAutoDelete(false);
            job.setKey(options.key);
            job.setTextData(u"not json"_s);
            QSignalSpy finished(&job, &QKeychain::Job::finished);
            job.start();
            QVERIFY(finished.wait(10000));
            QCOMPARE(job.error(), QKeychain::NoError);
        }
        IdentityStore store(options);
        QVERIFY(load(store));
        QCOMPARE(store.storage(), IdentityStore::Storage::Temporary);

        QKeychain::ReadPasswordJob read(options.service);
        read.setAutoDelete(false);
        read.setKey(options.key);
        QSignalSpy finished(&read, &QKeychain::Job::finished);
        read.start();
        QVERIFY(finished.wait(10000));
        QCOMPARE(read.textData(), u"not json"_s);
    }

    // The documented fallback: a file only its owner can read, with a warning.
    void fileFallbackIsOwnerOnlyAndStable()
    {
        IdentityStore::Options options = uniqueOptions();
        options.forceFile = true;
        options.filePath = m_home->path(u"identity.json"_s);

        IdentityStore first(options);
        QVERIFY(load(first));
        QCOMPARE(first.storage(), IdentityStore::Storage::File);
        QVERIFY(!first.warning().isEmpty());
        QVERIFY(QFile::exists(options.filePath));
        QVERIFY(isOwnerOnly(options.filePath));

        IdentityStore second(options);
        QVERIFY(load(second));
        QCOMPARE(second.identity().id, first.identity().id);
        QCOMPARE(second.identity().secret, first.identity().secret);
    }

    // --- the host's certificate: kept the same way ---------------------------------------------

    void certificateIsMadeOnceAndKeptInTheKeychain()
    {
        QString why;
        if (!keychainAvailable(&why))
            QSKIP(qPrintable(why));
        const HostCredentialStore::Options options = uniqueCertificateOptions();
        m_keys << options.key;

        HostCredentialStore first(options);
        QVERIFY(load(first));
        QCOMPARE(first.storage(), SecretStore::Storage::Keychain);
        QVERIFY(first.certificate().isValid());
        QVERIFY(first.warning().isEmpty());
        QVERIFY(!QFile::exists(first.filePath())); // the private key is nowhere in plain text

        // Every later run serves the same certificate: joiners' pins and words hold.
        HostCredentialStore second(options);
        QVERIFY(load(second));
        QCOMPARE(second.storage(), SecretStore::Storage::Keychain);
        QCOMPARE(fingerprintOf(second), fingerprintOf(first));
        QCOMPARE(second.certificate().privateKeyPem, first.certificate().privateKeyPem);

        // A profile has its own.
        HostCredentialStore::Options profile = uniqueCertificateOptions();
        m_keys << profile.key;
        HostCredentialStore other(profile);
        QVERIFY(load(other));
        QCOMPARE(other.storage(), SecretStore::Storage::Keychain);
        QVERIFY(fingerprintOf(other) != fingerprintOf(first));
    }

    // A locked keyring answering "not found" for a certificate this installation stored
    // before: a temporary one for this run, a warning that says joiners will see a change, and
    // the stored one is not overwritten.
    void lockedKeyringDoesNotReplaceTheCertificate()
    {
        QString why;
        if (!keychainAvailable(&why))
            QSKIP(qPrintable(why));
        const HostCredentialStore::Options options = uniqueCertificateOptions();
        m_keys << options.key;
        QSettings(hearthSettingsPath(), QSettings::IniFormat)
            .setValue(u"host-certificate/"_s + options.key + u"/inKeychain"_s, true);

        HostCredentialStore store(options);
        QVERIFY(load(store));
        QCOMPARE(store.storage(), SecretStore::Storage::Temporary);
        QVERIFY(store.certificate().isValid()); // hosting still works, with a warning
        QVERIFY2(store.warning().contains("temporary certificate"_L1), qPrintable(store.warning()));
        QVERIFY(store.warning().contains("changed"_L1));

        HostCredentialStore again(options);
        QVERIFY(load(again));
        QCOMPARE(again.storage(), SecretStore::Storage::Temporary);
        QVERIFY(fingerprintOf(again) != fingerprintOf(store)); // nothing was written
    }

    void certificateFileFallbackIsOwnerOnlyAndStable()
    {
        HostCredentialStore::Options options = uniqueCertificateOptions();
        options.forceFile = true;
        options.filePath = m_home->path(u"host-certificate.json"_s);

        HostCredentialStore first(options);
        QVERIFY(load(first));
        QCOMPARE(first.storage(), SecretStore::Storage::File);
        QVERIFY(!first.warning().isEmpty());
        QVERIFY(isOwnerOnly(options.filePath));
        HostCredentialStore second(options);
        QVERIFY(load(second));
        QCOMPARE(fingerprintOf(second), fingerprintOf(first));

        // A file that holds something else (here: an identity) is neither used nor replaced.
        IdentityStore::Options identity = uniqueOptions();
        identity.forceFile = true;
        identity.filePath = m_home->path(u"not-a-certificate.json"_s);
        IdentityStore identityStore(identity);
        QVERIFY(load(identityStore));
        options.filePath = identity.filePath;
        HostCredentialStore wrong(options);
        QVERIFY(load(wrong));
        QCOMPARE(wrong.storage(), SecretStore::Storage::Temporary);
        IdentityStore stillThere(identity);
        QVERIFY(load(stillThere));
        QCOMPARE(stillThere.identity().id, identityStore.identity().id);
    }

    void throwawayCertificateIsKeptNowhere()
    {
        HostCredentialStore::Options options = uniqueCertificateOptions();
        options.ephemeral = true;
        HostCredentialStore store(options);
        QVERIFY(load(store));
        QCOMPARE(store.storage(), SecretStore::Storage::Temporary);
        QVERIFY(store.certificate().isValid());
        QVERIFY(store.warning().isEmpty());
        QVERIFY(!QFile::exists(store.filePath()));
    }

    void environmentSwitchSelectsTheFile()
    {
        qputenv("HEARTH_IDENTITY_STORE", "file");
        const IdentityStore::Options options = IdentityStore::optionsForProfile(u"ben"_s);
        qunsetenv("HEARTH_IDENTITY_STORE");
        QVERIFY(options.forceFile);
        QCOMPARE(options.key, u"identity:ben"_s);
        QVERIFY(!IdentityStore::optionsForProfile({}).forceFile);
        QCOMPARE(IdentityStore::optionsForProfile({}).key, u"identity"_s);
        QCOMPARE(HostCredentialStore::optionsForProfile(u"ben"_s).key, u"host-certificate:ben"_s);
        QCOMPARE(HostCredentialStore::optionsForProfile({}).key, u"host-certificate"_s);
        // The default files keep their names (an installation's existing identity file).
        QVERIFY(IdentityStore(IdentityStore::optionsForProfile({}))
                    .filePath()
                    .endsWith(u"/identity.json"_s));
        QVERIFY(HostCredentialStore(HostCredentialStore::optionsForProfile(u"ben"_s))
                    .filePath()
                    .endsWith(u"/host-certificate-host-certificate-ben.json"_s));
    }
};

QTEST_GUILESS_MAIN(tst_IdentityStore)
#include "tst_identitystore.moc"
