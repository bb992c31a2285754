#pragma once

#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>

Q_DECLARE_LOGGING_CATEGORY(lcNotify)

// Shows desktop notifications. On Linux (desktopnotifier_dbus.cpp) it speaks the freedesktop
// protocol, org.freedesktop.Notifications on the session bus, directly through QtDBus: that
// works with every notification daemon (GNOME, KDE, dunst, mako, …) whether or not a tray
// exists, and a test can stand in for the daemon. Elsewhere (desktopnotifier_none.cpp) it
// declines, and the tray icon shows the message instead (AttentionTray.qml).
//
// Texts are plain text: where the daemon understands markup in bodies, they are escaped.
// A new notification replaces the previous one of this app rather than piling up.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(QObject *parent = nullptr);
    ~DesktopNotifier() override;

    // Sends the notification; false when this platform or session has no way to (the caller
    // may fall back to the tray). Failures of the daemon itself are logged.
    bool notify(const QString &summary, const QString &body);

    // The desktop shows tray icons for an app without QtWidgets: always on Windows and macOS;
    // on Linux when a StatusNotifierItem host is registered on the session bus (KDE, or
    // GNOME's AppIndicator extension) — the same test Qt's own tray support makes, so that
    // Qt.labs.platform's SystemTrayIcon is only made where it works.
    static bool trayAvailable();

Q_SIGNALS:
    // The daemon answered a notification with its id (for tests and diagnostics).
    void delivered(uint id);
    // The person clicked one of this app's notifications: bring the window up.
    void activated();

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);

private:
    struct Private;
    Private *d;
};
