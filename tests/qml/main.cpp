// Qt Quick Test runner for the views (tst_*.qml in this directory), with the real `Hearth`
// QML module and a ViewFixture exposed as `fixture`: real controllers, an embedded server,
// protocol clients as the other people.

#include "viewfixture.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

class Setup : public QObject
{
    Q_OBJECT
public:
    Setup()
    {
        // Settings and data of these tests go to a throwaway place.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toLocal8Bit());
        qputenv("HEARTH_EXPORT_DIR", m_home.filePath(QStringLiteral("exports")).toLocal8Bit());
    }

public Q_SLOTS:
    void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Fusion")); }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        // The module's qmldir is at qrc:/Hearth/ (Qt 6.4's qt_add_qml_module default), which is
        // not on the engine's import path by default.
        engine->addImportPath(QStringLiteral("qrc:/"));
        // One fixture per test file (each file gets its own engine).
        auto *fixture = new ViewFixture(engine);
        engine->rootContext()->setContextProperty(QStringLiteral("fixture"), fixture);
    }

private:
    QTemporaryDir m_home;
};

QUICK_TEST_MAIN_WITH_SETUP(hearth_views, Setup)

#include "main.moc"
