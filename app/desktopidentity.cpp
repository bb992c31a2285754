#include "desktopidentity.h"

DesktopIdentity::DesktopIdentity(const Options &options, const DesktopSettings &settings,
                                 QObject *parent)
    : QObject(parent)
    , m_deferred(options.deferred && !options.reset)
    , m_reset(options.reset)
    , m_settings(settings)
    , m_store(new IdentityStore(IdentityStore::optionsForProfile(
                                    options.profile, options.identityFile, options.ephemeral),
                                this))
{
    connect(m_store, &IdentityStore::loaded, this, &DesktopIdentity::onLoaded);
    // Nothing is read yet, but the lobby is usable at once: load() comes with the first host
    // or join.
    m_ready = m_deferred;
}

void DesktopIdentity::start()
{
    if (m_reset) {
        connect(m_store, &IdentityStore::forgotten, m_store, &IdentityStore::load);
        m_loading = true;
        m_store->forget();
    } else if (!m_deferred) {
        load();
    }
}

void DesktopIdentity::load()
{
    if (m_loading)
        return;
    m_loading = true;
    m_store->load();
}

void DesktopIdentity::onLoaded()
{
    m_loaded = true;
    if (m_store->storage() == IdentityStore::Storage::File)
        m_noteSeen = m_settings.identityNoteShown() == m_store->warning();
    m_ready = true;
    Q_EMIT loaded();
}

QString DesktopIdentity::warning() const
{
    // The file fallback is a lasting arrangement, not a fault: its note is shown on the first
    // launch that uses it (and again only if it changes). A temporary identity is a fault and
    // is shown every time.
    if (m_store->storage() == IdentityStore::Storage::File && m_noteSeen)
        return {};
    return m_store->warning();
}

void DesktopIdentity::noteShown()
{
    if (m_noteRemembered || !m_loaded || m_store->storage() != IdentityStore::Storage::File)
        return;
    m_noteRemembered = true;
    m_settings.setIdentityNoteShown(m_store->warning());
}
