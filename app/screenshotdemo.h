#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>

#include <functional>

class AppController;
class QQuickWindow;
class QTimer;
class RoomClient;

// `hearth --screenshot-demo DIR`: drives the real window through the lobby and a hosted room
// with a few guests (in-process protocol clients of the embedded server) chatting and setting
// their status, and saves lobby.png, room.png and room-dark.png in DIR. This is how the
// screenshots in docs/screenshots/ are made; run it under Xvfb or QT_QPA_PLATFORM=offscreen.
class ScreenshotDemo : public QObject
{
    Q_OBJECT
public:
    ScreenshotDemo(AppController *app, QQuickWindow *window, QString dir,
                   QObject *parent = nullptr);
    ~ScreenshotDemo() override;

    void start();

Q_SIGNALS:
    void finished(bool ok);

private:
    // A step runs on every tick until it returns true; then the next one starts.
    void add(const char *what, std::function<bool()> step);
    void wait(int ms);
    void tick();
    bool grab(const QString &fileName);
    RoomClient *guest(const QString &name) const;
    int messageCount() const;

    AppController *m_app;
    QQuickWindow *m_window;
    QString m_dir;
    QTimer *m_timer;
    QElapsedTimer m_total;
    QElapsedTimer m_stepClock;
    QList<std::pair<const char *, std::function<bool()>>> m_steps;
    int m_current = 0;
    QList<std::pair<QString, RoomClient *>> m_guests;
    QString m_code;
};
