#include "hostcredentialstore.h"

#include <QtCore/QSysInfo>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHostCertificate, "hearth.app.certificate")

namespace {
constexpr auto Kind = "host-certificate"_L1;
} // namespace

HostCredentialStore::HostCredentialStore(Options options, QObject *parent)
    : SecretStore(std::move(options), Kind, u"host certificate"_s, &lcHostCertificate, parent)
{}

HostCredentialStore::Options
HostCredentialStore::optionsForProfile(const QString &profile, const QString &file, bool ephemeral)
{
    return optionsFor(Kind, profile, file, ephemeral);
}

QJsonObject HostCredentialStore::generate() const
{
    // Nobody checks the name (joiners go by the fingerprint); it only tells people looking at
    // the certificate whose it is.
    QString error;
    const HostCertificate made =
        HostCertificate::generate(u"Hearth host "_s + QSysInfo::machineHostName(), &error);
    if (!made.isValid()) {
        qCCritical(lcHostCertificate).noquote() << error;
        return {};
    }
    return {{"certificate"_L1, QString::fromLatin1(made.certificatePem)},
            {"privateKey"_L1, QString::fromLatin1(made.privateKeyPem)}};
}

bool HostCredentialStore::accept(const QJsonObject &value)
{
    const HostCertificate stored{value.value("certificate"_L1).toString().toLatin1(),
                                 value.value("privateKey"_L1).toString().toLatin1()};
    if (!stored.isValid())
        return false;
    m_certificate = stored;
    return true;
}

SecretStore::Texts HostCredentialStore::texts() const
{
    return {
        .chosenFile = tr("You chose to keep Hearth's secrets in files."),
        .cannotWriteFile = tr("The file for this computer's host certificate, %1, cannot be "
                              "written."),
        .foreignEntry = tr("Hearth's host certificate entry in your password keyring holds "
                           "something it cannot read."),
        .denied = tr("Your password keyring refused to let Hearth read this computer's host "
                     "certificate."),
        .noKeyring = tr("This computer has no password keyring (such as GNOME Keyring or "
                        "KWallet)."),
        .keyringAway = tr("The password keyring that holds this computer's host certificate "
                          "cannot be reached right now."),
        .noKeyringNoFile = tr("This computer has no password keyring, and the file Hearth would "
                              "use instead cannot be written."),
        .savedInFile = tr("This computer's host certificate was saved in a file earlier, when no "
                          "password keyring could take it."),
        .locked = tr("Hearth could not read this computer's host certificate from your password "
                     "keyring (is it locked?). Start Hearth with --reset-identity to make a new "
                     "one."),
        .cannotStore = tr("Your password keyring refused to store this computer's host "
                          "certificate."),
        .cannotStoreAtAll = tr("Hearth could not store this computer's host certificate."),
        .cannotRead = tr("Hearth could not read this computer's host certificate."),
        .fileConsequence = tr("So Hearth keeps the key of the certificate your rooms are served "
                              "with in a file only your user account can read: %1. Keep it "
                              "private: anyone with a copy could pose as your rooms."),
        .temporaryConsequence =
            tr("Until Hearth quits your rooms use a temporary certificate: people joining see "
               "other words than usual for it, and those who joined you before are warned "
               "that it changed."),
    };
}
