// Desktop notifications reach a notification daemon: a stand-in for one registers
// org.freedesktop.Notifications on the session bus (its own connection, so every call goes
// through the bus daemon as it would to GNOME's or KDE's), and the test checks the Notify
// calls it receives — from DesktopNotifier directly, and from Attention's decisions (a mention
// while the window is behind others; nothing once notifications are turned off).
//
// Needs a session bus: scripts/test.sh runs ctest inside dbus-run-session (a private bus, so
// the stand-in never meets the desktop's real daemon). Without one the test skips.

#include "desktopnotifier.h"
#include "models/attention.h"

#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusContext>
#include <QtDBus/QDBusMessage>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;

// Stands in for a notification daemon: records the calls (of this process's default
// connection) and answers with increasing ids.
class FakeNotificationDaemon : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call {
        QString appName;
        uint replacesId = 0;
        QString summary;
        QString body;
        QVariantMap hints;
    };
    QList<Call> calls;
    QStringList capabilities{u"body"_s, u"body-markup"_s};
    QStringList lastActions; // of the last call

public Q_SLOTS:
    QStringList GetCapabilities() { return capabilities; }
    uint Notify(const QString &appName, uint replacesId, const QString &appIcon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int expireTimeout)
    {
        Q_UNUSED(appIcon)
        Q_UNUSED(expireTimeout)
        // Only this test's calls: other tests on the same bus may notify too.
        if (message().service() == QDBusConnection::sessionBus().baseService()) {
            calls.append(Call{appName, replacesId, summary, body, hints});
            lastActions = actions;
        }
        return replacesId ? replacesId : uint(100 + calls.size());
    }
    QString GetServerInformation(QString &vendor, QString &version, QString &specVersion)
    {
        vendor = u"Hearth tests"_s;
        version = u"1"_s;
        specVersion = u"1.2"_s;
        return u"fake"_s;
    }
};

class tst_DesktopNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no D-Bus session bus (run inside dbus-run-session, as scripts/test.sh does)");
        m_bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, u"fake-daemon"_s);
        QVERIFY(m_bus.isConnected());
        m_daemon = std::make_unique<FakeNotificationDaemon>();
        QVERIFY(m_bus.registerObject(u"/org/freedesktop/Notifications"_s, m_daemon.get(),
                                     QDBusConnection::ExportAllSlots));
        if (!m_bus.registerService(u"org.freedesktop.Notifications"_s))
            QSKIP("another notification daemon owns org.freedesktop.Notifications on this bus");
    }

    void cleanup()
    {
        if (m_bus.isConnected()) {
            m_bus.unregisterService(u"org.freedesktop.Notifications"_s);
            m_bus.unregisterObject(u"/org/freedesktop/Notifications"_s);
        }
        QDBusConnection::disconnectFromBus(u"fake-daemon"_s);
        m_daemon.reset();
    }

    void notifyReachesTheDaemon()
    {
        DesktopNotifier notifier;
        QSignalSpy delivered(&notifier, &DesktopNotifier::delivered);
        QVERIFY(notifier.notify(u"Ben mentioned you in Game night"_s, u"<b>Ana</b> & co"_s));
        QVERIFY(delivered.wait(5000));
        QCOMPARE(m_daemon->calls.size(), 1);
        const auto &call = m_daemon->calls.at(0);
        QCOMPARE(call.appName, u"Hearth"_s);
        QCOMPARE(call.summary, u"Ben mentioned you in Game night"_s);
        // Plain text: the daemon reads markup, so it is escaped.
        QCOMPARE(call.body, u"&lt;b&gt;Ana&lt;/b&gt; &amp; co"_s);
        QCOMPARE(call.replacesId, 0u);
        QVERIFY(call.hints.contains(u"desktop-entry"_s));

        // The next one replaces it rather than piling up.
        QVERIFY(notifier.notify(u"Dan asks to join Game night"_s, u"Open Hearth"_s));
        QVERIFY(delivered.wait(5000));
        QCOMPARE(m_daemon->calls.size(), 2);
        QCOMPARE(m_daemon->calls.at(1).replacesId, delivered.at(0).at(0).toUInt());
    }

    // A click on the notification (the daemon's ActionInvoked with "default") is reported;
    // another app's notification is not.
    void clickIsReported()
    {
        DesktopNotifier notifier;
        QSignalSpy delivered(&notifier, &DesktopNotifier::delivered);
        QSignalSpy activated(&notifier, &DesktopNotifier::activated);
        QVERIFY(notifier.notify(u"Dan asks to join Game night"_s, u"Open Hearth"_s));
        QVERIFY(delivered.wait(5000));
        const uint id = delivered.at(0).at(0).toUInt();
        QVERIFY(m_daemon->lastActions.contains(u"default"_s));

        auto invoke = [this](uint which) {
            QDBusMessage signal =
                QDBusMessage::createSignal(u"/org/freedesktop/Notifications"_s,
                                           u"org.freedesktop.Notifications"_s, u"ActionInvoked"_s);
            signal << which << u"default"_s;
            return m_bus.send(signal);
        };
        QVERIFY(invoke(id + 1000)); // someone else's
        QVERIFY(invoke(id));
        QVERIFY(activated.wait(5000));
        QTest::qWait(100);
        QCOMPARE(activated.count(), 1);
    }

    void plainBodiesStayPlainWithoutMarkup()
    {
        m_daemon->capabilities = {u"body"_s};
        DesktopNotifier notifier;
        QSignalSpy delivered(&notifier, &DesktopNotifier::delivered);
        notifier.notify(u"first"_s, u"a"_s); // asks for the capabilities
        QVERIFY(delivered.wait(5000));
        notifier.notify(u"second"_s, u"1 < 2 & 3"_s);
        QVERIFY(delivered.wait(5000));
        QCOMPARE(m_daemon->calls.last().body, u"1 < 2 & 3"_s);
    }

    // Attention's decisions, wired as the window wires them (AttentionEffects).
    void mentionWhileBehindNotifiesUnlessTurnedOff()
    {
        Attention attention;
        DesktopNotifier notifier;
        connect(&attention, &Attention::notificationRequested, &notifier, &DesktopNotifier::notify);
        QSignalSpy delivered(&notifier, &DesktopNotifier::delivered);
        attention.setRoomName(u"Game night"_s);
        attention.setWindowActive(false);

        attention.chatReceived(u"Ben"_s, u"plain chat"_s, false, u"Ana"_s);
        attention.chatReceived(u"Ben"_s, u"ana, the dice?"_s, false, u"Ana"_s);
        QVERIFY(delivered.wait(5000));
        QCOMPARE(m_daemon->calls.size(), 1);
        QCOMPARE(m_daemon->calls.at(0).summary, u"Ben mentioned you in Game night"_s);
        QCOMPARE(m_daemon->calls.at(0).body, u"ana, the dice?"_s);

        attention.setNotificationsEnabled(false);
        attention.chatReceived(u"Ben"_s, u"ANA!"_s, false, u"Ana"_s);
        QVERIFY(!delivered.wait(500));
        QCOMPARE(m_daemon->calls.size(), 1);
    }

private:
    QDBusConnection m_bus{u"unset"_s};
    std::unique_ptr<FakeNotificationDaemon> m_daemon;
};

QTEST_GUILESS_MAIN(tst_DesktopNotifier)
#include "tst_desktopnotifier.moc"
