#include "identitystore.h"

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcIdentity, "hearth.app.identity")

namespace {
constexpr auto Kind = "identity"_L1;
} // namespace

IdentityStore::IdentityStore(Options options, QObject *parent)
    : SecretStore(std::move(options), Kind, u"identity"_s, &lcIdentity, parent)
{}

IdentityStore::Options IdentityStore::optionsForProfile(const QString &profile, const QString &file,
                                                        bool ephemeral)
{
    return optionsFor(Kind, profile, file, ephemeral);
}

QJsonObject IdentityStore::generate() const
{
    const Identity identity = Identity::generate();
    return {{"id"_L1, identity.id}, {"secret"_L1, identity.secret}};
}

bool IdentityStore::accept(const QJsonObject &value)
{
    Identity identity{value.value("id"_L1).toString(), value.value("secret"_L1).toString()};
    if (!identity.isWellFormed())
        return false;
    m_identity = identity;
    return true;
}

SecretStore::Texts IdentityStore::texts() const
{
    return {
        .chosenFile = tr("You chose to keep your identity in a file."),
        .cannotWriteFile = tr("The file for your identity, %1, cannot be written."),
        .foreignEntry =
            tr("Hearth's entry in your password keyring holds something it cannot read."),
        .denied = tr("Your password keyring refused to let Hearth read your identity."),
        .noKeyring = tr("This computer has no password keyring (such as GNOME Keyring or "
                        "KWallet)."),
        .keyringAway = tr("The password keyring that holds your identity cannot be reached "
                          "right now."),
        .noKeyringNoFile = tr("This computer has no password keyring, and the file Hearth would "
                              "use instead cannot be written."),
        .savedInFile = tr("Your identity was saved in a file earlier, when no password keyring "
                          "could take it."),
        .locked = tr("Hearth could not read your identity from your password keyring (is it "
                     "locked?). Start Hearth with --reset-identity to make a new one."),
        .cannotStore = tr("Your password keyring refused to store your identity."),
        .cannotStoreAtAll = tr("Hearth could not store your identity."),
        .cannotRead = tr("Hearth could not read your identity."),
        .fileConsequence =
            tr("So Hearth keeps the key that lets rooms recognise you in a file only your user "
               "account can read: %1. That works just as well. Keep the file private: anyone "
               "with a copy could take your place in rooms."),
        .temporaryConsequence =
            tr("Until Hearth quits you have a temporary identity: rooms see you as someone "
               "new, and after quitting you cannot take back your seat."),
    };
}
