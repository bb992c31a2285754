#include "attentioneffects.h"

#include "desktopnotifier.h"
#include "models/attention.h"

#include <QtGui/QGuiApplication>
#include <QtMultimedia/QSoundEffect>

using namespace Qt::StringLiterals;

AttentionEffects::AttentionEffects(QObject *parent)
    : QObject(parent)
    , m_notifier(new DesktopNotifier(this))
    // The offscreen and minimal platforms (tests, the screenshot demo) have no tray at all.
    , m_trayAvailable(qEnvironmentVariableIsEmpty("HEARTH_NO_TRAY") &&
                      QGuiApplication::platformName() != u"offscreen"_s &&
                      QGuiApplication::platformName() != u"minimal"_s &&
                      DesktopNotifier::trayAvailable())
{
    // A click on the notification brings the window to the front.
    connect(m_notifier, &DesktopNotifier::activated, this, [this] {
        if (!m_window)
            return;
        m_window->show();
        m_window->raise();
        m_window->requestActivate();
    });
}

AttentionEffects::~AttentionEffects() = default;

void AttentionEffects::setAttention(Attention *attention)
{
    if (m_attention == attention)
        return;
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_attention = attention;
    if (attention) {
        m_connections << connect(attention, &Attention::alertRequested, this,
                                 &AttentionEffects::alert);
        m_connections << connect(attention, &Attention::notificationRequested, this,
                                 &AttentionEffects::notify);
        m_connections << connect(attention, &Attention::soundRequested, this,
                                 &AttentionEffects::playSound);
    }
    Q_EMIT attentionChanged();
}

void AttentionEffects::setWindow(QWindow *window)
{
    if (m_window == window)
        return;
    m_window = window;
    Q_EMIT windowChanged();
}

bool AttentionEffects::isSoundReady() const
{
    return m_sound && m_sound->status() == QSoundEffect::Ready;
}

void AttentionEffects::alert()
{
    if (!m_window)
        return;
    // 0: until the window is activated (the window system decides how it shows).
    m_window->alert(0);
    ++m_alerts;
    Q_EMIT carriedOut();
}

void AttentionEffects::notify(const QString &summary, const QString &body)
{
    if (!m_notifier->notify(summary, body))
        Q_EMIT notificationFallback(summary, body);
    ++m_notifications;
    Q_EMIT carriedOut();
}

void AttentionEffects::playSound()
{
    if (!m_sound) {
        m_sound = new QSoundEffect(this);
        connect(m_sound, &QSoundEffect::statusChanged, this, &AttentionEffects::soundReadyChanged);
        m_sound->setSource(QUrl(u"qrc:/hearth/sounds/attention.wav"_s));
        m_sound->setVolume(0.6f);
    }
    // A sound still loading plays once it is ready (QSoundEffect queues the play()).
    m_sound->play();
    ++m_sounds;
    Q_EMIT carriedOut();
}
