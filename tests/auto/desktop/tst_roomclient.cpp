// RoomClient against a real in-process RoomServer on a free port: the protocol as the desktop
// app speaks it, typed results and errors, events in order, membership and connection state.

#include "desktoptest.h"
#include "protocol/protocol.h"
#include "testserver.h"

#include <QtNetwork/QTcpServer>

using namespace Client;
using namespace Qt::StringLiterals;

class tst_RoomClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    // A room hosted by a fresh client; `code` receives its code.
    std::unique_ptr<RoomClient> hostRoom(QString *code, int capacity = 10,
                                         RoomSettings settings = {}, const QString &password = {})
    {
        auto host = readyClient(m_server->url());
        if (!host)
            return nullptr;
        CreateRoomArgs args;
        args.name = u"Test room"_s;
        args.capacity = capacity;
        args.settings = settings;
        args.password = password;
        const auto created = createRoom(host.get(), args);
        if (!created)
            return nullptr;
        *code = created->room.code;
        return host;
    }

private Q_SLOTS:
    void init()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
        m_server = std::make_unique<TestServer>();
        QVERIFY(m_server->start());
    }

    void cleanup() { m_server.reset(); }

    void helloMovesThroughTheStates()
    {
        RoomClient client;
        const Identity identity = Identity::generate();
        client.setIdentity(identity);
        QSignalSpy states(&client, &RoomClient::stateChanged);
        QSignalSpy ready(&client, &RoomClient::ready);
        QCOMPARE(client.state(), RoomClient::State::Disconnected);
        client.open(m_server->url());
        QCOMPARE(client.state(), RoomClient::State::Connecting);
        QVERIFY(ready.wait());
        QCOMPARE(client.state(), RoomClient::State::Connected);
        QCOMPARE(states.count(), 2);
        QCOMPARE(client.participantId(), IdentityRules::participantIdFor(identity.id));
        QCOMPARE(client.limits().maxChatLength, 2000);
        QVERIFY(client.serverName().startsWith("hearth/"_L1));

        Caught<qint64> ping;
        client.ping(this, ping.callback());
        QTRY_VERIFY(ping.done());
        QVERIFY(ping.ok());
        QVERIFY(ping.value() > 1700000000000LL);
    }

    void createAndJoinDeliverSnapshotsAndEvents()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        QCOMPARE(host->state(), RoomClient::State::Joined);
        QCOMPARE(host->rooms(), QStringList{code});
        QCOMPARE(host->lastSeq(code), 1);
        QSignalSpy hostEvents(host.get(), &RoomClient::eventReceived);

        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        Caught<RoomSnapshot> joined;
        // Typed loosely, as people do: lower case, a dash.
        const QString loose = code.left(3).toLower() + u'-' + code.mid(3).toLower();
        guest->joinRoom(JoinRoomArgs{loose, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_VERIFY(joined.done());
        QVERIFY(joined.ok());
        const RoomSnapshot &snapshot = joined.value();
        QCOMPARE(snapshot.room.code, code);
        QCOMPARE(snapshot.participants.size(), 2);
        QCOMPARE(snapshot.self, guest->participantId());
        QVERIFY(!snapshot.rejoined);
        QCOMPARE(guest->state(), RoomClient::State::Joined);
        QCOMPARE(guest->lastSeq(code), snapshot.room.lastSeq);

        QTRY_COMPARE(hostEvents.count(), 1);
        const auto event = hostEvents.at(0).at(0).value<RoomEvent>();
        QVERIFY(event.as<Events::ParticipantJoined>());
        QCOMPARE(event.seq, 2);
        QCOMPARE(event.room, code);
        QCOMPARE(host->lastSeq(code), 2);
    }

    void chatReachesEveryoneOnceAndResendsAreDeduplicated()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        Caught<RoomSnapshot> joined;
        guest->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_VERIFY(joined.ok());
        QTRY_COMPARE(host->lastSeq(code), 2); // Ben's participant_joined reached the host too

        QSignalSpy hostEvents(host.get(), &RoomClient::eventReceived);
        QSignalSpy guestEvents(guest.get(), &RoomClient::eventReceived);
        Caught<ChatAck> sent;
        const QString msgId =
            guest->sendChat(code, u"hello <b>there</b>\nsecond line"_s, this, sent.callback());
        QVERIFY(!msgId.isEmpty());
        QTRY_VERIFY(sent.done());
        QVERIFY(sent.ok());
        QVERIFY(!sent.value().duplicate);
        QTRY_COMPARE(hostEvents.count(), 1);
        QTRY_COMPARE(guestEvents.count(), 1);
        const auto chat = hostEvents.at(0).at(0).value<RoomEvent>();
        QCOMPARE(chat.seq, sent.value().seq);
        QVERIFY(chat.as<Events::Chat>());
        QCOMPARE(chat.as<Events::Chat>()->text, u"hello <b>there</b>\nsecond line"_s);
        QCOMPARE(chat.as<Events::Chat>()->clientMsgId, msgId);
        QCOMPARE(chat.as<Events::Chat>()->author, guest->participantId());

        // The same clientMsgId again (a resend after a reconnect): no second message.
        Caught<ChatAck> again;
        guest->sendChat(code, u"hello <b>there</b>\nsecond line"_s, this, again.callback(), msgId);
        QTRY_VERIFY(again.done());
        QVERIFY(again.ok());
        QVERIFY(again.value().duplicate);
        QCOMPARE(again.value().seq, sent.value().seq);
        QTest::qWait(200);
        QCOMPARE(hostEvents.count(), 1);
    }

    void joinErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("expected");
        QTest::newRow("unknown code") << u"unknown"_s << int(ErrorCode::RoomNotFound);
        QTest::newRow("malformed code") << u"malformed"_s << int(ErrorCode::RoomNotFound);
        QTest::newRow("wrong password") << u"password"_s << int(ErrorCode::WrongPassword);
        QTest::newRow("full") << u"full"_s << int(ErrorCode::RoomFull);
        QTest::newRow("locked") << u"locked"_s << int(ErrorCode::RoomLocked);
        QTest::newRow("no spectators") << u"spectators"_s << int(ErrorCode::SpectatorsNotAllowed);
    }

    void joinErrors()
    {
        QFETCH(QString, kind);
        QFETCH(int, expected);
        RoomSettings settings;
        settings.locked = kind == "locked"_L1;
        settings.spectators = kind != "spectators"_L1;
        QString code;
        auto host = hostRoom(&code, kind == "full"_L1 ? 1 : 10, settings,
                             kind == "password"_L1 ? u"hunter2"_s : QString());
        QVERIFY(host);

        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        JoinRoomArgs args{code, u"Ben"_s, Role::Member, {}};
        if (kind == "unknown"_L1)
            args.code = code == "ZZZZZZ"_L1 ? u"YYYYYY"_s : u"ZZZZZZ"_s;
        else if (kind == "malformed"_L1)
            args.code = u"hello!"_s;
        else if (kind == "password"_L1)
            args.password = u"wrong"_s;
        else if (kind == "spectators"_L1)
            args.role = Role::Spectator;
        Caught<RoomSnapshot> joined;
        guest->joinRoom(args, this, joined.callback());
        QTRY_VERIFY(joined.done());
        QVERIFY(!joined.ok());
        QCOMPARE(joined.result->error.kind, RequestError::Kind::Server);
        QCOMPARE(int(joined.code()), expected);
        // Plain words for the lobby, not the server's English text or a code name.
        const QString text = joined.result->error.text();
        QVERIFY(!text.isEmpty());
        QVERIFY(!text.contains(u'_'));
        QCOMPARE(guest->state(), RoomClient::State::Connected);
        QVERIFY(guest->rooms().isEmpty());
    }

    void historyPagesBackwardsWithoutGapsOrOverlap()
    {
        // 25 messages at once are over the chat rate limit; this test is about paging.
        m_server = std::make_unique<TestServer>([](ServerConfig &config) {
            config.limits.chatPerSecond = 1000;
            config.limits.requestsPerSecond = 1000;
        });
        QVERIFY(m_server->start());
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        for (int i = 0; i < 25; ++i) {
            Caught<ChatAck> sent;
            host->sendChat(code, u"message %1"_s.arg(i), this, sent.callback());
            QTRY_VERIFY(sent.done());
            QVERIFY2(sent.ok(), qPrintable(sent.result->error.error.message));
        }
        QList<qint64> seen;
        qint64 before = 0;
        bool more = true;
        int pages = 0;
        while (more) {
            Caught<HistoryPage> page;
            host->history(code, before, 0, 10, this, page.callback());
            QTRY_VERIFY(page.done());
            QVERIFY(page.ok());
            const HistoryPage &p = page.value();
            QVERIFY(!p.events.isEmpty());
            QCOMPARE(p.lastSeq, 26);
            for (int i = 1; i < p.events.size(); ++i)
                QCOMPARE(p.events.at(i).seq, p.events.at(i - 1).seq + 1);
            QList<qint64> seqs;
            for (const RoomEvent &e : p.events)
                seqs << e.seq;
            seen = seqs + seen;
            before = p.events.first().seq;
            more = p.hasMore;
            QVERIFY(++pages <= 3);
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen.size(), 26);
        QCOMPARE(seen.first(), 1);
        QCOMPARE(seen.last(), 26);
    }

    void approvalSendsNoticesAndHoldsTheReply()
    {
        RoomSettings settings;
        settings.approval = true;
        QString code;
        auto host = hostRoom(&code, 10, settings);
        QVERIFY(host);
        QSignalSpy hostNotices(host.get(), &RoomClient::noticeReceived);

        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        QSignalSpy guestNotices(guest.get(), &RoomClient::noticeReceived);
        Caught<RoomSnapshot> joined;
        guest->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_COMPARE(guestNotices.count(), 1);
        QVERIFY(guestNotices.at(0).at(0).value<Notice>().as<Notices::JoinPending>());
        QTRY_COMPARE(hostNotices.count(), 1);
        const auto request = hostNotices.at(0).at(0).value<Notice>();
        QVERIFY(request.as<Notices::JoinRequest>());
        QCOMPARE(request.room, code);
        QCOMPARE(request.as<Notices::JoinRequest>()->name, u"Ben"_s);
        QVERIFY(!joined.done());

        Caught<Done> admitted;
        host->hostAction(code, HostAction::Admit, request.as<Notices::JoinRequest>()->participant,
                         this, admitted.callback());
        QTRY_VERIFY(admitted.done());
        QVERIFY(admitted.ok());
        QTRY_VERIFY(joined.done());
        QVERIFY(joined.ok());
        QCOMPARE(guest->state(), RoomClient::State::Joined);
    }

    void leavingAndBeingKickedEndMembership()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        auto ben = readyClient(m_server->url());
        auto chloe = readyClient(m_server->url());
        QVERIFY(ben && chloe);
        Caught<RoomSnapshot> j1, j2;
        ben->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, j1.callback());
        chloe->joinRoom(JoinRoomArgs{code, u"Chloé"_s, Role::Member, {}}, this, j2.callback());
        QTRY_VERIFY(j1.ok() && j2.ok());

        QSignalSpy benLeft(ben.get(), &RoomClient::roomLeft);
        Caught<Done> left;
        ben->leaveRoom(code, this, left.callback());
        QTRY_VERIFY(left.done());
        QVERIFY(left.ok());
        QCOMPARE(ben->state(), RoomClient::State::Connected);
        QCOMPARE(benLeft.count(), 1);
        QCOMPARE(benLeft.at(0).at(1).toString(), u"left"_s);

        QSignalSpy chloeLeft(chloe.get(), &RoomClient::roomLeft);
        Caught<Done> kicked;
        host->hostAction(code, HostAction::Kick, chloe->participantId(), this, kicked.callback());
        QTRY_VERIFY(kicked.done());
        QVERIFY(kicked.ok());
        QTRY_COMPARE(chloeLeft.count(), 1);
        QCOMPARE(chloeLeft.at(0).at(1).toString(), u"kicked"_s);
        QCOMPARE(chloe->state(), RoomClient::State::Connected);

        // Not a member any more: room operations are refused.
        Caught<ChatAck> chat;
        chloe->sendChat(code, u"still here?"_s, this, chat.callback());
        QTRY_VERIFY(chat.done());
        QCOMPARE(chat.code(), ErrorCode::NotMember);
    }

    void hostOperationsMakeEvents()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        Caught<RoomSnapshot> joined;
        guest->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_VERIFY(joined.ok());
        QSignalSpy events(guest.get(), &RoomClient::eventReceived);

        Caught<Done> status;
        host->setStatus(code, StatusFlags::Update{StatusFlags::Ready, StatusFlags::Ready}, this,
                        status.callback());
        Caught<Done> settings;
        Requests::UpdateSettings change;
        change.room = code;
        change.capacity = 12;
        change.settings.locked = true;
        host->updateSettings(change, this, settings.callback());
        Caught<Done> state;
        host->setRoomState(code, RoomState::Active, this, state.callback());
        Caught<Done> transfer;
        host->hostAction(code, HostAction::TransferHost, guest->participantId(), this,
                         transfer.callback());
        QTRY_VERIFY(status.done() && settings.done() && state.done() && transfer.done());
        QVERIFY(status.ok() && settings.ok() && state.ok() && transfer.ok());

        QTRY_COMPARE(events.count(), 4);
        QVERIFY(events.at(0).at(0).value<RoomEvent>().as<Events::ParticipantUpdated>());
        const auto updated = events.at(1).at(0).value<RoomEvent>();
        QVERIFY(updated.as<Events::RoomUpdated>());
        const RoomInfo &room = updated.as<Events::RoomUpdated>()->room;
        QCOMPARE(room.capacity, 12);
        QVERIFY(room.settings.locked);
        QVERIFY(events.at(2).at(0).value<RoomEvent>().as<Events::RoomUpdated>());
        const auto changed = events.at(3).at(0).value<RoomEvent>();
        QVERIFY(changed.as<Events::HostChanged>());
        QCOMPARE(changed.as<Events::HostChanged>()->to, guest->participantId());

        // Only the host gets statistics; now that is the guest.
        Caught<RoomInfoResult> info;
        guest->roomInfo(code, this, info.callback());
        QTRY_VERIFY(info.done());
        QVERIFY(info.ok());
        QVERIFY(info.value().stats.has_value());
        QCOMPARE(info.value().room.state, RoomState::Active);
        Caught<Done> refused;
        host->setRoomState(code, RoomState::Finished, this, refused.callback());
        QTRY_VERIFY(refused.done());
        QCOMPARE(refused.code(), ErrorCode::NotHost);
    }

    void unreachableHostFailsToConnect()
    {
        // A port that was free a moment ago: nothing listens there.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();

        RoomClient client;
        client.setIdentity(Identity::generate());
        QSignalSpy failed(&client, &RoomClient::connectionFailed);
        client.open(QUrl(u"ws://127.0.0.1:%1/"_s.arg(port)));
        QVERIFY(failed.wait());
        QCOMPARE(client.state(), RoomClient::State::Disconnected);
        QVERIFY(!client.errorString().isEmpty());
    }

    void requestsWithoutAConnectionFailLater()
    {
        RoomClient client;
        Caught<ChatAck> sent;
        client.sendChat(u"ABCDEF"_s, u"hi"_s, this, sent.callback());
        QVERIFY(!sent.done()); // never inside the call
        QTRY_VERIFY(sent.done());
        QCOMPARE(sent.result->error.kind, RequestError::Kind::NotConnected);
    }

    void oversizedRequestIsRefusedLocally()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        Caught<ChatAck> sent;
        host->sendChat(code, QString(70000, u'x'), this, sent.callback());
        QTRY_VERIFY(sent.done());
        QCOMPARE(sent.code(), ErrorCode::TooLarge);
        QCOMPARE(host->state(), RoomClient::State::Joined); // the connection is still fine
    }

    void serverShutdownClosesWithGoingAway()
    {
        QString code;
        auto host = hostRoom(&code);
        QVERIFY(host);
        QSignalSpy closed(host.get(), &RoomClient::connectionClosed);
        m_server->server()->stop();
        QVERIFY(closed.wait());
        QCOMPARE(closed.at(0).at(0).toInt(), 1001);
        QCOMPARE(host->state(), RoomClient::State::Disconnected);
        QVERIFY(host->rooms().isEmpty());
        QCOMPARE(host->lastSeq(code), 1); // kept for resuming
    }

    void sameIdentityElsewhereReplacesTheConnection()
    {
        const Identity identity = Identity::generate();
        auto first = readyClient(m_server->url(), identity);
        QVERIFY(first);
        QSignalSpy closed(first.get(), &RoomClient::connectionClosed);
        auto second = readyClient(m_server->url(), identity);
        QVERIFY(second);
        QTRY_COMPARE(closed.count(), 1);
        QCOMPARE(closed.at(0).at(0).toInt(), int(Protocol::CloseReplaced));
        QVERIFY(first->errorString().contains("somewhere else"_L1));
    }

    void pendingRequestsFailWhenTheConnectionDrops()
    {
        RoomSettings settings;
        settings.approval = true;
        QString code;
        auto host = hostRoom(&code, 10, settings);
        QVERIFY(host);
        auto guest = readyClient(m_server->url());
        QVERIFY(guest);
        QSignalSpy notices(guest.get(), &RoomClient::noticeReceived);
        Caught<RoomSnapshot> joined;
        guest->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_COMPARE(notices.count(), 1); // waiting for approval
        guest->close();
        QTRY_VERIFY(joined.done());
        QCOMPARE(joined.result->error.kind, RequestError::Kind::ConnectionLost);
        QCOMPARE(joined.calls, 1);
    }
};

QTEST_GUILESS_MAIN(tst_RoomClient)
#include "tst_roomclient.moc"
