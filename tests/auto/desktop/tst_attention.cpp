// Attention on its own: what counts as unread, when an alert, a notification and a sound are
// asked for, each setting turning its part off, the sound's rate limit on a test clock, the
// mention rule; then fed by real RoomSessions against an in-process server (a guest's message
// and a join request reach the host's Attention).

#include "desktoptest.h"
#include "models/attention.h"
#include "models/roomsession.h"
#include "testserver.h"

using namespace Client;
using namespace Qt::StringLiterals;

class tst_Attention : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mentions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("expected");
        QTest::newRow("alone") << u"Ana"_s << u"Ana"_s << true;
        QTest::newRow("any case") << u"hey ANA, look"_s << u"Ana"_s << true;
        QTest::newRow("at sign") << u"@ana what now"_s << u"Ana"_s << true;
        QTest::newRow("possessive") << u"that is ana's"_s << u"Ana"_s << true;
        QTest::newRow("inside a word") << u"a banana"_s << u"Ana"_s << false;
        QTest::newRow("prefix of a word") << u"Anatole is here"_s << u"Ana"_s << false;
        QTest::newRow("underscore") << u"ana_b"_s << u"Ana"_s << false;
        QTest::newRow("later occurrence") << u"banana and ana"_s << u"Ana"_s << true;
        QTest::newRow("two words") << u"ask ana maria"_s << u"Ana Maria"_s << true;
        QTest::newRow("accented") << u"Chloé!"_s << u"chloé"_s << true;
        QTest::newRow("accent continues the word") << u"Anaé"_s << u"Ana"_s << false;
        QTest::newRow("empty name") << u"anything"_s << QString() << false;
    }

    void mentions()
    {
        QFETCH(QString, text);
        QFETCH(QString, name);
        QFETCH(bool, expected);
        QCOMPARE(Attention::mentions(text, name), expected);
    }

    // Only others' chat counts, only while the window is not active; activation clears it.
    void unreadCountsOthersChatWhileInactive()
    {
        Attention a;
        QSignalSpy unread(&a, &Attention::unreadChanged);
        a.chatReceived(u"Ben"_s, u"hello"_s, false, u"Ana"_s);
        QCOMPARE(a.unread(), 0); // the window is active
        a.setWindowActive(false);
        a.chatReceived(u"Ben"_s, u"hello"_s, false, u"Ana"_s);
        a.chatReceived(u"Ana"_s, u"mine"_s, true, u"Ana"_s);
        a.chatReceived(u"Chloé"_s, u"hi"_s, false, u"Ana"_s);
        QCOMPARE(a.unread(), 2);
        QCOMPARE(a.titlePrefix(), u"(2) "_s);
        a.setTitleCountEnabled(false);
        QCOMPARE(a.titlePrefix(), QString());
        QCOMPARE(a.unread(), 2); // still counted (the tray shows it)
        a.setTitleCountEnabled(true);
        a.setWindowActive(true);
        QCOMPARE(a.unread(), 0);
        QCOMPARE(a.titlePrefix(), QString());
        QVERIFY(unread.count() >= 4);
    }

    void mentionAndJoinRequestCallForAttention()
    {
        Attention a;
        a.setRoomName(u"Game night"_s);
        QSignalSpy alert(&a, &Attention::alertRequested);
        QSignalSpy notify(&a, &Attention::notificationRequested);
        QSignalSpy sound(&a, &Attention::soundRequested);
        qint64 now = 1000;
        a.setClock([&now] { return now; });

        // In front: nothing.
        a.chatReceived(u"Ben"_s, u"ana, you there?"_s, false, u"Ana"_s);
        a.joinRequested(u"Dan"_s);
        QCOMPARE(alert.count() + notify.count() + sound.count(), 0);

        a.setWindowActive(false);
        a.chatReceived(u"Ben"_s, u"no mention of banana"_s, false, u"Ana"_s);
        QCOMPARE(alert.count() + notify.count() + sound.count(), 0);
        a.chatReceived(u"Ben"_s, u"Ana, you there?"_s, false, u"Ana"_s);
        QCOMPARE(alert.count(), 1);
        QCOMPARE(notify.count(), 1);
        QCOMPARE(notify.at(0).at(0).toString(), u"Ben mentioned you in Game night"_s);
        QCOMPARE(notify.at(0).at(1).toString(), u"Ana, you there?"_s);
        QCOMPARE(sound.count(), 1);
        // Your own message naming yourself is no call.
        a.chatReceived(u"Ana"_s, u"Ana is back"_s, true, u"Ana"_s);
        QCOMPARE(alert.count(), 1);

        // A join request a second later: alert and notification, but the sound waits its gap.
        now += 1000;
        a.joinRequested(u"Dan"_s);
        QCOMPARE(alert.count(), 2);
        QCOMPARE(notify.count(), 2);
        QCOMPARE(notify.at(1).at(0).toString(), u"Dan asks to join Game night"_s);
        QCOMPARE(sound.count(), 1);
        now += Attention::SoundGapMs;
        a.joinRequested(u"Eve"_s);
        QCOMPARE(sound.count(), 2);

        // Long messages are cut in the notification.
        a.chatReceived(u"Ben"_s, u"Ana "_s + QString(500, u'x'), false, u"Ana"_s);
        QCOMPARE(notify.last().at(1).toString().size(), Attention::MaxBodyLength);
    }

    void settingsTurnEachPartOff_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::newRow("alert") << u"alertEnabled"_s;
        QTest::newRow("notifications") << u"notificationsEnabled"_s;
        QTest::newRow("sound") << u"soundEnabled"_s;
    }

    void settingsTurnEachPartOff()
    {
        QFETCH(QString, setting);
        Attention a;
        QSignalSpy changed(&a, &Attention::settingsChanged);
        QVERIFY(a.setProperty(setting.toLatin1().constData(), false));
        QCOMPARE(changed.count(), 1);
        QSignalSpy alert(&a, &Attention::alertRequested);
        QSignalSpy notify(&a, &Attention::notificationRequested);
        QSignalSpy sound(&a, &Attention::soundRequested);
        a.setWindowActive(false);
        a.joinRequested(u"Dan"_s);
        QCOMPARE(alert.count(), setting == u"alertEnabled"_s ? 0 : 1);
        QCOMPARE(notify.count(), setting == u"notificationsEnabled"_s ? 0 : 1);
        QCOMPARE(sound.count(), setting == u"soundEnabled"_s ? 0 : 1);
    }

    // Real sessions: the host's Attention follows a guest's chat and a join request.
    void followsARealSession()
    {
        TestServer server;
        QVERIFY(server.start());
        auto hostClient = readyClient(server.url());
        QVERIFY(hostClient);
        CreateRoomArgs args;
        args.name = u"Study group"_s;
        args.settings.approval = true;
        const auto room = createRoom(hostClient.get(), args);
        QVERIFY(room);
        const RoomSnapshot created = *room;
        RoomSession host(hostClient.get(), created);
        host.start();
        const QString code = created.room.code;

        Attention attention;
        attention.setSession(&host);
        QCOMPARE(attention.roomName(), u"Study group"_s);
        attention.setWindowActive(false);
        QSignalSpy notify(&attention, &Attention::notificationRequested);
        QSignalSpy alert(&attention, &Attention::alertRequested);

        auto ben = readyClient(server.url());
        QVERIFY(ben);
        Caught<RoomSnapshot> benJoin;
        ben->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, benJoin.callback());
        QTRY_COMPARE(notify.count(), 1);
        QCOMPARE(notify.at(0).at(0).toString(), u"Ben asks to join Study group"_s);
        QCOMPARE(alert.count(), 1);
        host.hostAction(HostAction::Admit, ben->participantId());
        QTRY_VERIFY(benJoin.ok());
        QCOMPARE(attention.unread(), 0); // "Ben joined." is no chat

        Caught<ChatAck> sent;
        ben->sendChat(code, u"hello everyone"_s, this, sent.callback());
        QTRY_COMPARE(attention.unread(), 1);
        QCOMPARE(notify.count(), 1);
        ben->sendChat(code, u"ANA: the notes?"_s, this, sent.callback());
        QTRY_COMPARE(attention.unread(), 2);
        QTRY_COMPARE(notify.count(), 2);
        QCOMPARE(notify.at(1).at(0).toString(), u"Ben mentioned you in Study group"_s);
        QVERIFY(host.sendChat(u"here, Ana speaking"_s));
        QTRY_COMPARE(host.messages()
                         ->index(host.messages()->rowCount() - 1)
                         .data(MessagesModel::TextRole)
                         .toString(),
                     u"here, Ana speaking"_s);
        QCOMPARE(attention.unread(), 2); // your own message does not count
        QCOMPARE(notify.count(), 2);

        attention.setSession(nullptr);
        QCOMPARE(attention.unread(), 0);
        QCOMPARE(attention.roomName(), QString());
    }
};

QTEST_GUILESS_MAIN(tst_Attention)
#include "tst_attention.moc"
