#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtQml/QQmlApplicationEngine>

class AppController;
class QQuickWindow;

// The Qt Quick window: loads the `Hearth` QML module's Main.qml with the AppController, and
// handles what the command line asked of the window (join on start, startup figures for the
// benchmark, the screenshot demo).
class DesktopWindow : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QString joinHost; // join on start (from `hearth join ADDRESS CODE`)
        QString joinCode;
        QString theme; // "auto", "light", "dark"
        bool printStartup = false;
        bool quitAfterStartup = false;
        QString screenshotDir;
        QElapsedTimer sinceStart;
    };

    DesktopWindow(AppController *app, Options options, QObject *parent = nullptr);
    ~DesktopWindow() override;

    // False when the QML could not be loaded (the reason is logged).
    bool load();
    QQuickWindow *window() const { return m_window; }

private:
    void onFirstFrame();

    AppController *m_app;
    Options m_options;
    QQmlApplicationEngine m_engine;
    QQuickWindow *m_window = nullptr;
    bool m_shown = false;
};
