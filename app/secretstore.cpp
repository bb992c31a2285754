#include "secretstore.h"

#include "settingspath.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QSaveFile>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTimer>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace {

// Pause before the second read: long enough for a keyring that was being unlocked (a login
// prompt, a session starting up) to answer properly.
constexpr int RereadDelayMs = 300;
// A secret is a few hundred bytes (a certificate and its key about 1.5 KB); more is not ours.
constexpr qint64 MaxFileSize = 16384;

QString encode(const QJsonObject &value)
{
    return QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact));
}

} // namespace

SecretStore::SecretStore(Options options, const QString &kind, const QString &noun,
                         Category category, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_kind(kind)
    , m_noun(noun)
    , m_log(category)
{
    if (m_options.key.isEmpty())
        m_options.key = kind;
    if (m_options.filePath.isEmpty()) {
        const QString suffix =
            m_options.key == kind ? QString() : u'-' + QString(m_options.key).replace(u':', u'-');
        m_options.filePath = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                             u'/' + kind + suffix + u".json"_s;
    }
}

SecretStore::~SecretStore() = default;

SecretStore::Options SecretStore::optionsFor(const QString &kind, const QString &profile,
                                             const QString &file, bool ephemeral)
{
    Options options;
    options.key = profile.isEmpty() ? kind : kind + u':' + profile;
    options.forceFile =
        !file.isEmpty() || qEnvironmentVariable("HEARTH_IDENTITY_STORE") == "file"_L1;
    options.filePath = file;
    options.ephemeral = ephemeral;
    return options;
}

bool SecretStore::markerSet() const
{
    return QSettings(hearthSettingsPath(), QSettings::IniFormat)
        .value(m_kind + u'/' + m_options.key + u"/inKeychain"_s)
        .toBool();
}

void SecretStore::setMarker(bool on)
{
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    const QString key = m_kind + u'/' + m_options.key + u"/inKeychain"_s;
    if (on)
        settings.setValue(key, true);
    else
        settings.remove(key);
}

void SecretStore::load()
{
    if (m_options.ephemeral) {
        qCInfo(m_log) << "using a throwaway" << qUtf8Printable(m_noun) << "(demo or benchmark)";
        finish(generate(), Storage::Temporary);
        return;
    }
    if (m_options.forceFile) {
        qCWarning(m_log) << qUtf8Printable(m_noun)
                         << "kept in a plain file as asked:" << m_options.filePath;
        const QString why = fileNote(texts().chosenFile);
        if (loadFile()) {
            m_warning = why; // loaded() is emitted from the event loop, after this
            return;
        }
        const QJsonObject fresh = generate();
        if (writeFile(fresh))
            finish(fresh, Storage::File, why);
        else
            useTemporary(texts().cannotWriteFile.arg(m_options.filePath));
        return;
    }
    readKeychain(0);
}

void SecretStore::readKeychain(int attempt)
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

void SecretStore::onKeychainRead(ReadOutcome outcome, const QString &text, const QString &error,
                                 int attempt)
{
    switch (outcome) {
    case ReadOutcome::Found:
        if (take(text.toUtf8())) {
            qCInfo(m_log) << qUtf8Printable(m_noun) << "read from the keychain";
            setMarker(true);
            finish(QJsonObject(), Storage::Keychain);
        } else {
            // Something else wrote there; do not touch it.
            qCWarning(m_log).noquote()
                << u"the keychain entry %1 does not hold a Hearth %2; leaving it alone"_s.arg(
                       m_options.key, m_noun);
            useTemporary(texts().foreignEntry);
        }
        return;
    case ReadOutcome::Denied:
        qCWarning(m_log) << "keychain access denied:" << error;
        useTemporary(texts().denied);
        return;
    case ReadOutcome::Unavailable:
        onUnavailable(error);
        return;
    case ReadOutcome::NotFound:
        onNotFound(attempt);
        return;
    }
    useTemporary(texts().cannotRead);
}

void SecretStore::onUnavailable(const QString &error)
{
    qCWarning(m_log) << "no usable keychain:" << error;
    if (loadFile()) {
        qCWarning(m_log) << "using the file" << m_options.filePath;
        m_warning = fileNote(texts().noKeyring);
        return; // loadFile() finished
    }
    if (markerSet()) {
        // The secret lives in a keychain that is not reachable now: a new one would split this
        // installation in two.
        useTemporary(texts().keyringAway);
        return;
    }
    const QJsonObject fresh = generate();
    if (!writeFile(fresh)) {
        useTemporary(texts().noKeyringNoFile);
        return;
    }
    qCWarning(m_log).noquote() << "No Secret Service keychain available: the"
                               << qUtf8Printable(m_noun) << "is kept in" << m_options.filePath
                               << "(readable by this user only). Set"
                               << "HEARTH_IDENTITY_STORE=file to choose this explicitly.";
    finish(fresh, Storage::File, fileNote(texts().noKeyring));
}

void SecretStore::onNotFound(int attempt)
{
    if (loadFile()) {
        qCWarning(m_log) << qUtf8Printable(m_noun) << "read from the fallback file"
                         << m_options.filePath << "(not in the keychain)";
        m_warning = fileNote(texts().savedInFile);
        return;
    }
    if (attempt == 0) {
        // Read once more before concluding this is a first run (see the class comment).
        QTimer::singleShot(RereadDelayMs, this, [this] { readKeychain(1); });
        return;
    }
    if (markerSet()) {
        qCWarning(m_log) << "the keychain should hold the" << qUtf8Printable(m_noun)
                         << "but says it does not (locked?); not creating a new one";
        useTemporary(texts().locked);
        return;
    }
    qCInfo(m_log) << "first run: creating the" << qUtf8Printable(m_noun);
    writeKeychain(generate());
}

void SecretStore::writeKeychain(const QJsonObject &value)
{
    if (value.isEmpty()) { // generate() failed (and said why)
        useTemporary(texts().cannotStoreAtAll);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_options.service, this);
    job->setAutoDelete(true);
    job->setKey(m_options.key);
    job->setTextData(encode(value));
    connect(job, &QKeychain::Job::finished, this, [this, job, value] {
        if (job->error() == QKeychain::NoError) {
            qCInfo(m_log) << qUtf8Printable(m_noun) << "stored in the keychain";
            setMarker(true);
            finish(value, Storage::Keychain);
            return;
        }
        qCWarning(m_log) << "could not store the" << qUtf8Printable(m_noun)
                         << "in the keychain:" << job->errorString();
        if (writeFile(value)) {
            qCWarning(m_log) << qUtf8Printable(m_noun) << "kept in the file" << m_options.filePath;
            finish(value, Storage::File, fileNote(texts().cannotStore));
        } else {
            useTemporary(texts().cannotStoreAtAll);
        }
    });
    job->start();
}

bool SecretStore::take(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    return error.error == QJsonParseError::NoError && document.isObject() &&
           accept(document.object());
}

bool SecretStore::loadFile()
{
    QFile file(m_options.filePath);
    if (!file.exists())
        return false;
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(m_log) << "cannot read" << m_options.filePath << file.errorString();
        return false;
    }
    if (!take(file.read(MaxFileSize))) {
        qCWarning(m_log) << m_options.filePath << "does not hold a" << qUtf8Printable(m_noun);
        return false;
    }
    finish(QJsonObject(), Storage::File);
    return true;
}

bool SecretStore::writeFile(const QJsonObject &value)
{
    if (value.isEmpty()) // generate() failed (and said why)
        return false;
    if (QFile::exists(m_options.filePath)) {
        qCWarning(m_log) << "not overwriting" << m_options.filePath;
        return false;
    }
    QDir().mkpath(QFileInfo(m_options.filePath).absolutePath());
    QSaveFile file(m_options.filePath);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(m_log) << "cannot write" << m_options.filePath << file.errorString();
        return false;
    }
    // Owner-only before the secret goes in.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(encode(value).toUtf8());
    if (!file.commit()) {
        qCWarning(m_log) << "cannot write" << m_options.filePath << file.errorString();
        return false;
    }
    QFile::setPermissions(m_options.filePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

QString SecretStore::fileNote(const QString &why) const
{
    return why + u' ' + texts().fileConsequence.arg(m_options.filePath);
}

void SecretStore::useTemporary(const QString &why)
{
    qCWarning(m_log).noquote() << "using a temporary" << qUtf8Printable(m_noun)
                               << "for this run:" << why;
    finish(generate(), Storage::Temporary, why + u' ' + texts().temporaryConsequence);
}

void SecretStore::finish(const QJsonObject &value, Storage storage, const QString &warning)
{
    // An empty value: take() has handed the stored one over already.
    if (!value.isEmpty())
        accept(value);
    m_storage = storage;
    m_warning = warning;
    // loadFile() is also called on paths that set the warning right after: emit later so that
    // listeners read the final warning.
    QTimer::singleShot(0, this, &SecretStore::loaded);
}

void SecretStore::forget()
{
    QFile::remove(m_options.filePath);
    setMarker(false);
    m_storage = Storage::None;
    if (m_options.forceFile) {
        QTimer::singleShot(0, this, &SecretStore::forgotten);
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(m_options.service, this);
    job->setAutoDelete(true);
    job->setKey(m_options.key);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            qCWarning(m_log) << "could not delete the keychain entry:" << job->errorString();
        Q_EMIT forgotten();
    });
    job->start();
}
