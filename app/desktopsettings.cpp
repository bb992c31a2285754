#include "desktopsettings.h"

#include "models/attention.h"
#include "settingspath.h"

#include <QtCore/QSettings>

#include <utility>

using namespace Qt::StringLiterals;

namespace {

// The attention properties and their keys under <prefix>attention/.
constexpr std::pair<const char *, QLatin1StringView> AttentionSettings[] = {
    {"titleCountEnabled", "attention/titleCount"_L1},
    {"alertEnabled", "attention/alert"_L1},
    {"notificationsEnabled", "attention/notifications"_L1},
    {"soundEnabled", "attention/sound"_L1},
    {"trayEnabled", "attention/tray"_L1},
};

} // namespace

DesktopSettings::DesktopSettings(const QString &profile)
    : m_prefix(profile.isEmpty() ? u"desktop/"_s : u"profile-"_s + profile + u'/')
{}

DesktopSettings::Lobby DesktopSettings::loadLobby() const
{
    const QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    Lobby lobby;
    lobby.displayName = settings.value(m_prefix + u"displayName"_s).toString();
    lobby.lastHost = settings.value(m_prefix + u"lastHost"_s).toString();
    lobby.lastRoomName = settings.value(m_prefix + u"lastRoomName"_s).toString();
    lobby.lastCapacity = qBound(1, settings.value(m_prefix + u"lastCapacity"_s, 10).toInt(), 50);
    return lobby;
}

void DesktopSettings::saveLobby(const Lobby &lobby) const
{
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    settings.setValue(m_prefix + u"displayName"_s, lobby.displayName);
    settings.setValue(m_prefix + u"lastHost"_s, lobby.lastHost);
    settings.setValue(m_prefix + u"lastRoomName"_s, lobby.lastRoomName);
    settings.setValue(m_prefix + u"lastCapacity"_s, lobby.lastCapacity);
}

void DesktopSettings::loadAttention(Attention *attention) const
{
    const QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    for (const auto &[property, key] : AttentionSettings)
        attention->setProperty(property, settings.value(m_prefix + key, true).toBool());
}

void DesktopSettings::saveAttention(const Attention *attention) const
{
    QSettings settings(hearthSettingsPath(), QSettings::IniFormat);
    for (const auto &[property, key] : AttentionSettings)
        settings.setValue(m_prefix + key, attention->property(property).toBool());
}

QString DesktopSettings::identityNoteShown() const
{
    return QSettings(hearthSettingsPath(), QSettings::IniFormat)
        .value(m_prefix + u"identityNoteShown"_s)
        .toString();
}

void DesktopSettings::setIdentityNoteShown(const QString &note) const
{
    QSettings(hearthSettingsPath(), QSettings::IniFormat)
        .setValue(m_prefix + u"identityNoteShown"_s, note);
}
