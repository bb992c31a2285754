// Desktop notifications where there is no freedesktop notification service (Windows, macOS):
// DesktopNotifier declines, and the tray icon shows the message (AttentionTray.qml).

#include "desktopnotifier.h"

Q_LOGGING_CATEGORY(lcNotify, "hearth.app.notify")

struct DesktopNotifier::Private {};

DesktopNotifier::DesktopNotifier(QObject *parent)
    : QObject(parent)
    , d(nullptr)
{}

DesktopNotifier::~DesktopNotifier() = default;

bool DesktopNotifier::notify(const QString &, const QString &)
{
    return false;
}

void DesktopNotifier::onActionInvoked(uint, const QString &) {}

bool DesktopNotifier::trayAvailable()
{
    return true;
}
