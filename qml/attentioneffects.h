#pragma once

#include <QtCore/QPointer>
#include <QtGui/QWindow>
#include <QtQml/qqmlregistration.h>

#include "models/attention.h"
class DesktopNotifier;
class QSoundEffect;

// Carries out what Attention decides, for one window: QWindow::alert (the taskbar entry
// flashes, X11's _NET_WM_STATE_DEMANDS_ATTENTION), the desktop notification (DesktopNotifier;
// where it declines, notificationFallback() lets the tray show it) and the short sound
// (resources/sounds/attention.wav through Qt Multimedia). Main.qml makes one:
//     AttentionEffects { attention: app.attention; window: root }
class AttentionEffects : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Attention *attention READ attention WRITE setAttention NOTIFY attentionChanged)
    Q_PROPERTY(QWindow *window READ window WRITE setWindow NOTIFY windowChanged)
    // How many alerts, notifications and sounds were carried out (for tests and diagnostics).
    Q_PROPERTY(int alerts READ alerts NOTIFY carriedOut)
    Q_PROPERTY(int notifications READ notifications NOTIFY carriedOut)
    Q_PROPERTY(int sounds READ sounds NOTIFY carriedOut)
    // The sound is loaded and can be played (false on a system without audio output).
    Q_PROPERTY(bool soundReady READ isSoundReady NOTIFY soundReadyChanged)
    // The desktop can show a tray icon (checked once, when made): the tray is only made then.
    Q_PROPERTY(bool trayAvailable READ isTrayAvailable CONSTANT)

public:
    explicit AttentionEffects(QObject *parent = nullptr);
    ~AttentionEffects() override;

    Attention *attention() const { return m_attention; }
    void setAttention(Attention *attention);
    QWindow *window() const { return m_window; }
    void setWindow(QWindow *window);
    int alerts() const { return m_alerts; }
    int notifications() const { return m_notifications; }
    int sounds() const { return m_sounds; }
    bool isSoundReady() const;
    bool isTrayAvailable() const { return m_trayAvailable; }

Q_SIGNALS:
    void attentionChanged();
    void windowChanged();
    void carriedOut();
    void soundReadyChanged();
    // The platform has no notification service: show it another way (the tray's message).
    void notificationFallback(const QString &summary, const QString &body);

private:
    void alert();
    void notify(const QString &summary, const QString &body);
    void playSound();

    QPointer<Attention> m_attention;
    QPointer<QWindow> m_window;
    QList<QMetaObject::Connection> m_connections;
    DesktopNotifier *m_notifier = nullptr;
    QSoundEffect *m_sound = nullptr; // made on first use: opening audio costs time at startup
    bool m_trayAvailable = false;
    int m_alerts = 0;
    int m_notifications = 0;
    int m_sounds = 0;
};
