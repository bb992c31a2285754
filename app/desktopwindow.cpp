#include "desktopwindow.h"

#include "appcontroller.h"
#include "screenshotdemo.h"

#include <QtCore/QCoreApplication>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>

// The `Hearth` QML module is a static library; its plugin must be pulled in explicitly.
Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Qt::StringLiterals;

DesktopWindow::DesktopWindow(AppController *app, Options options, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_options(std::move(options))
{}

DesktopWindow::~DesktopWindow() = default;

bool DesktopWindow::load()
{
    // Fusion follows the palette Main.qml sets (light and dark) on every platform.
    QQuickStyle::setStyle(u"Fusion"_s);
    QString theme = m_options.theme;
    if (theme.isEmpty())
        theme = qEnvironmentVariable("HEARTH_THEME", u"auto"_s);
    m_engine.setInitialProperties(
        {{u"app"_s, QVariant::fromValue(m_app)}, {u"themeMode"_s, theme}});
    m_engine.load(QUrl(u"qrc:/Hearth/Main.qml"_s));
    if (m_engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "hearth: the window could not be loaded\n");
        return false;
    }
    m_window = qobject_cast<QQuickWindow *>(m_engine.rootObjects().constFirst());
    if (!m_window)
        return false;
    connect(m_window, &QQuickWindow::frameSwapped, this, &DesktopWindow::onFirstFrame);

    if (!m_options.joinHost.isEmpty() || !m_options.joinCode.isEmpty()) { // a link, or a code
        // Without a saved name the lobby keeps the code and asks for the name first.
        auto join = [this] { m_app->openJoin(m_options.joinHost, m_options.joinCode); };
        if (m_app->isIdentityReady())
            join();
        else
            connect(m_app, &AppController::identityChanged, this, join, Qt::SingleShotConnection);
    }
    if (!m_options.screenshotDir.isEmpty()) {
        auto *demo = new ScreenshotDemo(m_app, m_window, m_options.screenshotDir, this);
        connect(demo, &ScreenshotDemo::finished, this, [this](bool ok) {
            if (!ok)
                QCoreApplication::exit(1);
            else
                m_app->shutdown(); // quits once the demo room is closed
        });
        demo->start();
    }
    return true;
}

void DesktopWindow::onFirstFrame()
{
    if (m_shown)
        return;
    m_shown = true;
    disconnect(m_window, &QQuickWindow::frameSwapped, this, &DesktopWindow::onFirstFrame);
    if (m_options.printStartup) {
        // Read by bench/desktop: the first frame of the lobby is on screen.
        std::printf("hearth: lobby shown after %lld ms\n",
                    static_cast<long long>(m_options.sinceStart.elapsed()));
        std::fflush(stdout);
    }
    if (m_options.quitAfterStartup)
        QCoreApplication::exit(0);
}
