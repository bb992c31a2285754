#include "identitystore.h"

#include "settingspath.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSaveFile>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTimer>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcIdentity, "hearth.app.identity")

namespace {

// Pause before the second read: long enough for a keyring that was being unlocked (a login
// prompt, a session starting up) to answer properly.
constexpr int RereadDelayMs = 300;

QString encode(const Identity &identity)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{"id"_L1, identity.id}, {"secret"_L1, identity.secret}})
            .toJson(QJsonDocument::Compact));
}

std::optional<Identity> decode(const QByteArray &bytes)
{
    const QJsonObject object = QJsonDocument::fromJson(bytes).object();
    Identity identity{object.value("id"_L1).toString(), object.value("secret"_L1).toString()};
    if (!identity.isWellFormed())
        return std::nullopt;
    return identity;
}

} // namespace

IdentityStore::IdentityStore(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (m_options.filePath.isEmpty()) {
        const QString suffix = m_options.key == "identity"_L1
                                   ? QString()
                                   : u'-' + QString(m_options.key).replace(u':', u'-');
        m_options.filePath = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                             u"/identity"_s + suffix + u".json"_s;
    }
}

IdentityStore::~IdentityStore() = default;

IdentityStore::Options IdentityStore::optionsForProfile(const QString &profile)
{
    Options options;
    if (!profile.isEmpty())
        options.key = u"identity:"_s + profile;
    options.forceFile = qEnvironmentVariable("HEARTH_IDENTITY_STORE") == "file"_L1;
    return options;
}

bool IdentityStore::markerSet() const
{
    return QSettings(hearthSettingsPath(), QSettings::IniFormat)
        .value(u"identity/"_s + m_options.key + u"/inKeychain"_s)
        .toBool();
}

void IdentityStore::setMarker(bool on)
{
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    const QString key = u"identity/"_s + m_options.key + u"/inKeychain"_s;
    if (on)
        settings.setValue(key, true);
    else
        settings.remove(key);
}

void IdentityStore::load()
{
    if (m_options.ephemeral) {
        qCInfo(lcIdentity) << "using a throwaway identity (demo or benchmark)";
        finish(Identity::generate(), Storage::Temporary);
        return;
    }
    if (m_options.forceFile) {
        qCWarning(lcIdentity) << "identity kept in a plain file as asked:" << m_options.filePath;
        const QString why = fileNote(tr("You chose to keep your identity in a file."));
        if (loadFile()) {
            m_warning = why; // loaded() is emitted from the event loop, after this
            return;
        }
        const Identity fresh = Identity::generate();
        if (writeFile(fresh))
            finish(fresh, Storage::File, why);
        else
            useTemporary(
                tr("The file for your identity, %1, cannot be written.").arg(m_options.filePath));
        return;
    }
    readKeychain(0);
}

void IdentityStore::readKeychain(int attempt)
{
    auto *job = new QKeychain::ReadPasswordJob(m_options.service, this);
    job->setAutoDelete(true);
    job->setKey(m_options.key);
    connect(job, &QKeychain::Job::finished, this, [this, job, attempt] {
        ReadOutcome outcome = ReadOutcome::Unavailable;
        switch (job->error()) {
        case QKeychain::NoError:
            outcome = ReadOutcome::Found;
            break;
        case QKeychain::EntryNotFound:
            outcome = ReadOutcome::NotFound;
            break;
        case QKeychain::AccessDenied:
        case QKeychain::AccessDeniedByUser:
            outcome = ReadOutcome::Denied;
            break;
        case QKeychain::CouldNotDeleteEntry:
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError:
            outcome = ReadOutcome::Unavailable;
            break;
        }
        onKeychainRead(outcome, job->textData(), job->errorString(), attempt);
    });
    job->start();
}

void IdentityStore::onKeychainRead(ReadOutcome outcome, const QString &text, const QString &error,
                                   int attempt)
{
    switch (outcome) {
    case ReadOutcome::Found:
        if (const auto identity = decode(text.toUtf8())) {
            qCInfo(lcIdentity) << "identity read from the keychain";
            setMarker(true);
            finish(*identity, Storage::Keychain);
        } else {
            // Something else wrote there; do not touch it.
            qCWarning(lcIdentity) << "the keychain entry" << m_options.key
                                  << "does not hold a Hearth identity; leaving it alone";
            useTemporary(
                tr("Hearth's entry in your password keyring holds something it cannot read."));
        }
        return;

    case ReadOutcome::Denied:
        qCWarning(lcIdentity) << "keychain access denied:" << error;
        useTemporary(tr("Your password keyring refused to let Hearth read your identity."));
        return;

    case ReadOutcome::Unavailable:
        qCWarning(lcIdentity) << "no usable keychain:" << error;
        if (loadFile()) {
            qCWarning(lcIdentity) << "using the identity file" << m_options.filePath;
            m_warning = fileNote(tr("This computer has no password keyring (such as GNOME "
                                    "Keyring or KWallet)."));
            return; // loadFile() finished
        }
        if (markerSet()) {
            // The identity lives in a keychain that is not reachable now: a new one would
            // split this installation in two.
            useTemporary(tr("The password keyring that holds your identity cannot be reached right "
                            "now."));
            return;
        }
        {
            const Identity fresh = Identity::generate();
            if (writeFile(fresh)) {
                qCWarning(lcIdentity).noquote()
                    << "No Secret Service keychain available: the identity is kept in"
                    << m_options.filePath << "(readable by this user only). Set"
                    << "HEARTH_IDENTITY_STORE=file to choose this explicitly.";
                finish(fresh, Storage::File,
                       fileNote(tr("This computer has no password keyring (such as GNOME "
                                   "Keyring or KWallet).")));
            } else {
                useTemporary(tr("This computer has no password keyring, and the file Hearth would "
                                "use instead cannot be written."));
            }
        }
        return;

    case ReadOutcome::NotFound:
        if (loadFile()) {
            qCWarning(lcIdentity) << "identity read from the fallback file" << m_options.filePath
                                  << "(not in the keychain)";
            m_warning = fileNote(tr("Your identity was saved in a file earlier, when no password "
                                    "keyring could take it."));
            return;
        }
        if (attempt == 0) {
            // Read once more before concluding this is a first run (see the class comment).
            QTimer::singleShot(RereadDelayMs, this, [this] { readKeychain(1); });
            return;
        }
        if (markerSet()) {
            qCWarning(lcIdentity) << "the keychain should hold an identity but says it does not"
                                  << "(locked?); not creating a new one";
            useTemporary(tr("Hearth could not read your identity from your password keyring (is it "
                            "locked?). Start Hearth with --reset-identity to make a new one."));
            return;
        }
        qCInfo(lcIdentity) << "first run: creating an identity";
        writeKeychain(Identity::generate());
        return;

    case ReadOutcome::Corrupt:
        break;
    }
    useTemporary(tr("Hearth could not read your identity."));
}

void IdentityStore::writeKeychain(const Identity &identity)
{
    auto *job = new QKeychain::WritePasswordJob(m_options.service, this);
    job->setAutoDelete(true);
    job->setKey(m_options.key);
    job->setTextData(encode(identity));
    connect(job, &QKeychain::Job::finished, this, [this, job, identity] {
        if (job->error() == QKeychain::NoError) {
            qCInfo(lcIdentity) << "identity stored in the keychain";
            setMarker(true);
            finish(identity, Storage::Keychain);
            return;
        }
        qCWarning(lcIdentity) << "could not store the identity in the keychain:"
                              << job->errorString();
        if (writeFile(identity)) {
            qCWarning(lcIdentity) << "identity kept in the file" << m_options.filePath;
            finish(identity, Storage::File,
                   fileNote(tr("Your password keyring refused to store your identity.")));
        } else {
            useTemporary(tr("Hearth could not store your identity."));
        }
    });
    job->start();
}

bool IdentityStore::loadFile()
{
    QFile file(m_options.filePath);
    if (!file.exists())
        return false;
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcIdentity) << "cannot read" << m_options.filePath << file.errorString();
        return false;
    }
    const auto identity = decode(file.read(4096));
    if (!identity) {
        qCWarning(lcIdentity) << m_options.filePath << "does not hold an identity";
        return false;
    }
    finish(*identity, Storage::File);
    return true;
}

bool IdentityStore::writeFile(const Identity &identity)
{
    if (QFile::exists(m_options.filePath)) {
        qCWarning(lcIdentity) << "not overwriting" << m_options.filePath;
        return false;
    }
    QDir().mkpath(QFileInfo(m_options.filePath).absolutePath());
    QSaveFile file(m_options.filePath);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcIdentity) << "cannot write" << m_options.filePath << file.errorString();
        return false;
    }
    // Owner-only before the secret goes in.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(encode(identity).toUtf8());
    if (!file.commit()) {
        qCWarning(lcIdentity) << "cannot write" << m_options.filePath << file.errorString();
        return false;
    }
    QFile::setPermissions(m_options.filePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

QString IdentityStore::fileNote(const QString &why) const
{
    return why + u' ' +
           tr("So Hearth keeps the key that lets rooms recognise you in a file only your user "
              "account can read: %1. That works just as well. Keep the file private: anyone "
              "with a copy could take your place in rooms.")
               .arg(m_options.filePath);
}

void IdentityStore::useTemporary(const QString &why)
{
    qCWarning(lcIdentity).noquote() << "using a temporary identity for this run:" << why;
    finish(Identity::generate(), Storage::Temporary,
           why + u' ' +
               tr("Until Hearth quits you have a temporary identity: rooms see you as someone "
                  "new, and after quitting you cannot take back your seat."));
}

void IdentityStore::finish(const Identity &identity, Storage storage, const QString &warning)
{
    m_identity = identity;
    m_storage = storage;
    m_warning = warning;
    // loadFile() is also called on paths that set the warning right after: emit later so that
    // listeners read the final warning.
    QTimer::singleShot(0, this, &IdentityStore::loaded);
}

void IdentityStore::forget()
{
    QFile::remove(m_options.filePath);
    setMarker(false);
    m_identity = {};
    m_storage = Storage::None;
    if (m_options.forceFile) {
        QTimer::singleShot(0, this, &IdentityStore::forgotten);
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(m_options.service, this);
    job->setAutoDelete(true);
    job->setKey(m_options.key);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            qCWarning(lcIdentity) << "could not delete the keychain entry:" << job->errorString();
        Q_EMIT forgotten();
    });
    job->start();
}
