// The tray icon as a desktop's tray sees it: a stand-in StatusNotifierWatcher (the service a
// KDE panel or GNOME's AppIndicator extension runs) on the session bus makes a tray available;
// the real window (Main.qml with a hosting AppController) then registers its
// StatusNotifierItem, whose tooltip carries the unread count (and its icon a dot) and whose
// menu (com.canonical.dbusmenu) offers Show, Copy code, Quit. Turning the tray off in the
// settings takes the item away. Read back with dbus-send, as another process would.
//
// Runs under xvfb-run (Qt's tray support is in the xcb platform's theme) and needs a session
// bus (scripts/test.sh runs ctest inside dbus-run-session); without either it skips.

#include "appcontroller.h"
#include "desktoptest.h"
#include "embeddedserver.h"

#include <QtCore/QMutex>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QThread>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusMessage>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Qt::StringLiterals;

// Stands in for a tray: says a host is there and records the items that register. It lives on
// a thread of its own: Qt asks it with blocking calls from the main thread.
class FakeStatusNotifierWatcher : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ isHostRegistered)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ registeredItems)
public:
    bool isHostRegistered() const { return true; }
    int protocolVersion() const { return 0; }
    QStringList registeredItems() const
    {
        QMutexLocker lock(&m_mutex);
        return m_items;
    }

public Q_SLOTS:
    void RegisterStatusNotifierItem(const QString &service)
    {
        QMutexLocker lock(&m_mutex);
        m_items.append(service);
    }
    void RegisterStatusNotifierHost(const QString &) {}

Q_SIGNALS:
    void StatusNotifierItemRegistered(const QString &service);
    void StatusNotifierItemUnregistered(const QString &service);
    void StatusNotifierHostRegistered();

private:
    mutable QMutex m_mutex;
    QStringList m_items;
};

class tst_Tray : public QObject
{
    Q_OBJECT

    // dbus-send's printed reply; the event loop runs meanwhile (the item answers from it).
    QString ask(const QStringList &args)
    {
        QProcess p;
        p.start(u"dbus-send"_s, QStringList{u"--session"_s, u"--print-reply"_s} + args);
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 10000))
            return {};
        return QString::fromUtf8(p.readAllStandardOutput());
    }

    QString itemProperty(const QString &service, const QString &name)
    {
        return ask({u"--dest="_s + service, u"/StatusNotifierItem"_s,
                    u"org.freedesktop.DBus.Properties.Get"_s,
                    u"string:org.kde.StatusNotifierItem"_s, u"string:"_s + name});
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QGuiApplication::platformName() != u"xcb"_s)
            QSKIP("needs X11 (Qt's tray is in the xcb platform's theme): run under xvfb-run");
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no D-Bus session bus (run inside dbus-run-session, as scripts/test.sh does)");
        if (QStandardPaths::findExecutable(u"dbus-send"_s).isEmpty())
            QSKIP("dbus-send is not installed");
        // The watcher must be there before Qt first asks whether a tray exists.
        m_bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, u"fake-watcher"_s);
        QVERIFY(m_bus.registerObject(u"/StatusNotifierWatcher"_s, &m_watcher,
                                     QDBusConnection::ExportAllSlots |
                                         QDBusConnection::ExportAllProperties |
                                         QDBusConnection::ExportAllSignals));
        m_watcherThread.start();
        m_watcher.moveToThread(&m_watcherThread);
        if (!m_bus.registerService(u"org.kde.StatusNotifierWatcher"_s))
            QSKIP("another tray owns org.kde.StatusNotifierWatcher on this bus");
        QQuickStyle::setStyle(u"Fusion"_s);
    }

    void trayShowsTheCountAndOffersItsMenu()
    {
        IsolatedHome home;
        AppController::Options options;
        options.profile = u"tray"_s;
        options.hostPort = 0;
        options.identityFile = home.path(u"tray.identity"_s);
        AppController app(options, new EmbeddedServer);
        app.setDisplayName(u"Ana"_s);
        QTRY_COMPARE(app.phase(), AppController::Phase::Lobby);

        QQmlApplicationEngine engine;
        engine.setInitialProperties({{u"app"_s, QVariant::fromValue(&app)}});
        engine.load(QUrl(u"qrc:/Hearth/Main.qml"_s));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        // Ours: other programs on this bus may register too.
        auto ours = [&] {
            const QStringList items = m_watcher.registeredItems();
            for (const QString &i : items) {
                if (QDBusConnection::sessionBus().interface()->servicePid(i).value() ==
                    uint(QCoreApplication::applicationPid()))
                    return i;
            }
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!ours().isEmpty(), 5000);
        const QString item = ours();
        QTRY_VERIFY(itemProperty(item, u"ToolTip"_s).contains(u"\"Hearth\""_s));

        app.hostRoom(u"Game night"_s, 10, {});
        QTRY_COMPARE_WITH_TIMEOUT(app.phase(), AppController::Phase::Room, 10000);
        QTRY_VERIFY(itemProperty(item, u"ToolTip"_s).contains(u"Hearth — Game night"_s));

        const QString plainIcon = itemProperty(item, u"IconPixmap"_s);
        QVERIFY(plainIcon.contains(u"array of bytes"_s));

        // Two messages while the window is behind others: the tooltip counts them, the icon
        // gets its dot.
        app.attention()->setWindowActive(false);
        QSignalSpy unread(app.attention(), &Attention::unreadChanged);
        const QString selfName = app.displayName();
        app.attention()->chatReceived(u"Ben"_s, u"one"_s, false, selfName);
        app.attention()->chatReceived(u"Ben"_s, u"two"_s, false, selfName);
        QCOMPARE(app.attention()->unread(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            itemProperty(item, u"ToolTip"_s).contains(u"Hearth — 2 unread in Game night"_s), 5000);
        QTRY_VERIFY(itemProperty(item, u"IconPixmap"_s) != plainIcon);

        // The menu, as the tray reads it.
        const QString menuPath = itemProperty(item, u"Menu"_s);
        QVERIFY2(menuPath.contains(u"object path"_s), qPrintable(menuPath));
        const QString path = menuPath.section(u'"', 1, 1);
        const QString layout =
            ask({u"--dest="_s + item, path, u"com.canonical.dbusmenu.GetLayout"_s, u"int32:0"_s,
                 u"int32:-1"_s, u"array:string:"_s});
        for (const QString &label : {u"Show Hearth"_s, u"Copy code"_s, u"Quit Hearth"_s})
            QVERIFY2(layout.contains(label), qPrintable(layout));

        // Turned off in the settings: the item goes away.
        app.attention()->setTrayEnabled(false);
        QTRY_VERIFY_WITH_TIMEOUT(itemProperty(item, u"ToolTip"_s).contains(u"Error"_s) ||
                                     itemProperty(item, u"ToolTip"_s).isEmpty(),
                                 5000);
        app.closeRoom();
        QTRY_VERIFY_WITH_TIMEOUT(!app.isHosting(), 5000);
    }

    void cleanupTestCase()
    {
        m_bus.unregisterObject(u"/StatusNotifierWatcher"_s);
        m_watcherThread.quit();
        m_watcherThread.wait();
    }

private:
    QDBusConnection m_bus{u"unset"_s};
    QThread m_watcherThread;
    FakeStatusNotifierWatcher m_watcher;
};

QTEST_MAIN(tst_Tray)
#include "tst_tray.moc"
