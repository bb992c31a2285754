#pragma once

#include <QtCore/QString>

class Attention;

// What the desktop remembers between runs, in Hearth's settings file, under a prefix of its
// own for each profile (so that two identities on one machine keep apart).
class DesktopSettings
{
public:
    // The lobby's fields as they were last used.
    struct Lobby {
        QString displayName;
        QString lastHost;
        QString lastRoomName;
        int lastCapacity = 10;
    };

    explicit DesktopSettings(const QString &profile);

    Lobby loadLobby() const;
    void saveLobby(const Lobby &lobby) const;
    // The attention settings (each on unless turned off).
    void loadAttention(Attention *attention) const;
    void saveAttention(const Attention *attention) const;
    // The identity note last shown to the person (the file fallback's warning).
    QString identityNoteShown() const;
    void setIdentityNoteShown(const QString &note) const;

private:
    QString m_prefix;
};
