#pragma once

#include "desktopsettings.h"
#include "identitystore.h"

#include <QtCore/QObject>

// The person's identity as the desktop app reads it: at startup, or — deferred — when the
// person first hosts or joins (reading the keychain may make the desktop ask for the keyring's
// password, which should follow something the person did). Also decides when the file
// fallback's note is worth showing.
class DesktopIdentity : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QString profile;
        QString identityFile; // non-empty: kept in this file (no keychain)
        bool reset = false;
        bool ephemeral = false;
        bool deferred = false;
    };

    // `settings` remembers which note was shown.
    DesktopIdentity(const Options &options, const DesktopSettings &settings,
                    QObject *parent = nullptr);

    // Begins reading unless deferred; loaded() follows (perhaps at once).
    void start();
    // Reads it now, unless it is being read already; loaded() follows.
    void load();

    // Hosting and joining may be asked for: read, or to be read when asked (deferred).
    bool isReady() const { return m_ready; }
    bool isLoaded() const { return m_loaded; }
    const Identity &identity() const { return m_store->identity(); }
    // What the person should know about where the identity is kept; empty if nothing new.
    QString warning() const;
    // The lobby shows warning() now: later launches need not show it again.
    void noteShown();

Q_SIGNALS:
    void loaded();

private:
    void onLoaded();

    bool m_deferred;
    bool m_reset;
    // A copy: the keychain may answer while the app is being torn down.
    DesktopSettings m_settings;
    IdentityStore *m_store;
    bool m_ready = false;
    bool m_loading = false;
    bool m_loaded = false;
    bool m_noteSeen = false; // the file fallback's note was shown on an earlier launch
    bool m_noteRemembered = false;
};
