// The list models on their own (fed with protocol events) and RoomSession against a real
// in-process server. Every model has a QAbstractItemModelTester attached, and the tests check
// that events turn into single inserts, removes and dataChanged — never a reset.

#include "desktoptest.h"
#include "models/joinrequestsmodel.h"
#include "models/messagesmodel.h"
#include "models/participantsmodel.h"
#include "models/roomsession.h"
#include "testserver.h"

#include <QtCore/QJsonDocument>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QAbstractItemModelTester>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

ParticipantInfo person(const QString &id, const QString &name, Role role, qint64 joinedSeq)
{
    ParticipantInfo p;
    p.id = id;
    p.name = name;
    p.role = role;
    p.online = true;
    p.joinedSeq = joinedSeq;
    return p;
}

QJsonObject participantJson(const ParticipantInfo &p)
{
    return QJsonObject{{"id"_L1, p.id},
                       {"name"_L1, p.name},
                       {"role"_L1, wireName(p.role)},
                       {"online"_L1, p.online},
                       {"lastSeen"_L1, 0},
                       {"joinedSeq"_L1, p.joinedSeq},
                       {"status"_L1, p.status.toJson()}};
}

RoomEvent makeEvent(qint64 seq, const QString &kind, const QJsonObject &data)
{
    const auto e = RoomEvent::fromJson(QJsonObject{{"type"_L1, "event"_L1},
                                                   {"room"_L1, "ABCDEF"_L1},
                                                   {"seq"_L1, seq},
                                                   {"ts"_L1, 1763760000000 + seq * 1000},
                                                   {"event"_L1, kind},
                                                   {"data"_L1, data}});
    Q_ASSERT(e.value);
    return *e.value;
}

RoomEvent chat(qint64 seq, const QString &author, const QString &name, const QString &text)
{
    return makeEvent(seq, u"chat"_s, {{"author"_L1, author}, {"name"_L1, name}, {"text"_L1, text}});
}

QStringList column(const QAbstractItemModel &model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values << model.index(row, 0).data(role).toString();
    return values;
}

} // namespace

class tst_Models : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void participantsAreOrderedSeatsFirst()
    {
        ParticipantsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({person(u"c"_s, u"Chloé"_s, Role::Spectator, 3),
                     person(u"b"_s, u"Ben"_s, Role::Member, 2),
                     person(u"a"_s, u"Ana"_s, Role::Host, 1)},
                    u"b"_s);
        QCOMPARE(column(model, ParticipantsModel::NameRole),
                 (QStringList{u"Ana"_s, u"Ben"_s, u"Chloé"_s}));
        QCOMPARE(model.seatCount(), 2);
        QCOMPARE(model.spectatorCount(), 1);
        QCOMPARE(model.index(1).data(ParticipantsModel::IsSelfRole).toBool(), true);
        QCOMPARE(model.index(0).data(ParticipantsModel::IsHostRole).toBool(), true);
        QCOMPARE(model.index(2).data(ParticipantsModel::GroupRole).toString(), u"spectators"_s);
        QCOMPARE(model.roleNames().value(ParticipantsModel::IdRole), "participantId");

        // A new member goes among the seated, before the spectators: one insert at row 2.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.add(person(u"d"_s, u"Dev"_s, Role::Member, 4));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(column(model, ParticipantsModel::NameRole),
                 (QStringList{u"Ana"_s, u"Ben"_s, u"Dev"_s, u"Chloé"_s}));

        // Status: one dataChanged for one row, naming the flag roles.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.updateStatus(u"d"_s, {StatusFlags::Ready | StatusFlags::Muted, StatusFlags::Ready});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 2);
        QVERIFY(changed.at(0).at(2).value<QList<int>>().contains(ParticipantsModel::ReadyRole));
        QCOMPARE(model.index(2).data(ParticipantsModel::ReadyRole).toBool(), true);
        QCOMPARE(model.index(2).data(ParticipantsModel::MutedRole).toBool(), false);
        // The same update again changes nothing and says nothing.
        model.updateStatus(u"d"_s, {StatusFlags::Ready, StatusFlags::Ready});
        QCOMPARE(changed.count(), 1);

        model.setPresence(u"b"_s, false, 1763760000000);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(model.onlineCount(), 3);
        QCOMPARE(model.index(1).data(ParticipantsModel::OnlineRole).toBool(), false);

        // Host passes to Ben: two rows change role, nobody moves.
        model.setHost(u"a"_s, u"b"_s);
        QCOMPARE(model.index(0).data(ParticipantsModel::RoleRole).toString(), u"member"_s);
        QCOMPARE(model.index(1).data(ParticipantsModel::RoleRole).toString(), u"host"_s);

        // A spectator who becomes host takes a seat: the row moves into the seated group.
        model.setHost(u"b"_s, u"c"_s);
        QCOMPARE(column(model, ParticipantsModel::NameRole),
                 (QStringList{u"Ana"_s, u"Ben"_s, u"Chloé"_s, u"Dev"_s}));
        QCOMPARE(model.spectatorCount(), 0);

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QVERIFY(model.remove(u"a"_s));
        QVERIFY(!model.remove(u"nobody"_s));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(reset.count(), 0);
    }

    void messagesAppendLiveAndPrependHistory()
    {
        MessagesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSelf(u"b"_s);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // Live: seq 20 and 21 appended one by one; presence makes no row; duplicates ignored.
        QVERIFY(model.appendEvent(chat(20, u"a"_s, u"Ana"_s, u"<i>hi</i>"_s)));
        QVERIFY(!model.appendEvent(
            makeEvent(21, u"presence"_s, {{"participant"_L1, "a"_L1}, {"online"_L1, false}})));
        QVERIFY(model.appendEvent(chat(22, u"b"_s, u"Ben"_s, u"hello"_s)));
        QVERIFY(!model.appendEvent(chat(22, u"b"_s, u"Ben"_s, u"hello"_s)));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(inserted.at(1).at(1).toInt(), 1);
        QCOMPARE(model.index(0).data(MessagesModel::TextRole).toString(), u"<i>hi</i>"_s);
        QCOMPARE(model.index(1).data(MessagesModel::IsOwnRole).toBool(), true);
        QCOMPARE(model.index(0).data(MessagesModel::KindRole).toString(), u"chat"_s);

        // An older page: one insert at the top, in seq order, with system messages worded.
        const ParticipantInfo dev = person(u"d"_s, u"Dev"_s, Role::Member, 15);
        const QList<RoomEvent> page = {
            makeEvent(15, u"participant_joined"_s, {{"participant"_L1, participantJson(dev)}}),
            chat(16, u"a"_s, u"Ana"_s, u"first"_s),
            chat(17, u"a"_s, u"Ana"_s, u"second"_s),
            makeEvent(18, u"participant_left"_s,
                      {{"participant"_L1, "d"_L1}, {"reason"_L1, "kicked"_L1}, {"by"_L1, "a"_L1}}),
            chat(19, u"a"_s, u"Ana"_s, u"third"_s),
            chat(25, u"x"_s, u"X"_s, u"newer than the first row: dropped"_s),
        };
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        inserted.clear();
        QCOMPARE(model.prependPage(page), 5);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 4);
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.firstSeq(), 15);
        QCOMPARE(model.lastSeq(), 22);
        QCOMPARE(model.index(0).data(MessagesModel::KindRole).toString(), u"system"_s);
        QCOMPARE(model.index(0).data(MessagesModel::TextRole).toString(), u"Dev joined."_s);
        QCOMPARE(model.index(3).data(MessagesModel::TextRole).toString(),
                 u"Dev was removed by the host."_s);
        // Grouping: Ana's second message follows her first; the former first row (seq 20)
        // now continues Ana's run from the page and is told so.
        QCOMPARE(model.index(1).data(MessagesModel::ShowHeaderRole).toBool(), true);
        QCOMPARE(model.index(2).data(MessagesModel::ShowHeaderRole).toBool(), false);
        QCOMPARE(model.index(5).data(MessagesModel::ShowHeaderRole).toBool(), false);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 5);
        QCOMPARE(reset.count(), 0);
    }

    void roomUpdatesAreDescribed()
    {
        MessagesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RoomInfo room;
        room.code = u"ABCDEF"_s;
        room.name = u"Game night"_s;
        room.capacity = 10;
        model.setRoom(room);
        auto updated = [](qint64 seq, const QString &state, int capacity, bool locked) {
            return makeEvent(
                seq, u"room_updated"_s,
                {{"room"_L1, QJsonObject{{"code"_L1, "ABCDEF"_L1},
                                         {"name"_L1, "Game night"_L1},
                                         {"capacity"_L1, capacity},
                                         {"state"_L1, state},
                                         {"host"_L1, QJsonValue::Null},
                                         {"settings"_L1, QJsonObject{{"locked"_L1, locked}}}}}});
        };
        QVERIFY(model.appendEvent(updated(5, u"active"_s, 10, false)));
        QVERIFY(model.appendEvent(updated(6, u"active"_s, 10, true)));
        QVERIFY(model.appendEvent(updated(7, u"active"_s, 12, true)));
        QVERIFY(model.appendEvent(makeEvent(8, u"room_closed"_s, {{"reason"_L1, "closed"_L1}})));
        QCOMPARE(column(model, MessagesModel::TextRole),
                 (QStringList{u"The session started."_s, u"The room is locked."_s,
                              u"The room now has 12 seats."_s, u"The host closed the room."_s}));
    }

    void joinRequestsAddAndRemove()
    {
        JoinRequestsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.add(u"a"_s, u"Ana"_s, u"member"_s);
        model.add(u"b"_s, u"Ben"_s, u"spectator"_s);
        model.add(u"a"_s, u"Ana B."_s, u"member"_s); // asks again: same row
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(JoinRequestsModel::NameRole).toString(), u"Ana B."_s);
        QVERIFY(model.remove(u"a"_s));
        QCOMPARE(model.index(0).data(JoinRequestsModel::RoleRole).toString(), u"spectator"_s);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // Your message shows at once as "sending…", settles in place when the host has it, says
    // why when the host refuses it (here: its database is locked by another program), and is
    // stored exactly once when retried.
    void pendingMessagesSettleFailAndRetry()
    {
        TestServer server;
        QVERIFY(server.start());
        auto client = readyClient(server.url());
        QVERIFY(client);
        CreateRoomArgs args;
        args.name = u"Game night"_s;
        const auto room = createRoom(client.get(), args);
        QVERIFY(room);
        const RoomSnapshot created = *room;
        RoomSession session(client.get(), created);
        MessagesModel *messages = session.messages();
        QAbstractItemModelTester tester(messages,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        session.start();
        QTRY_VERIFY(!session.isLoadingHistory());
        const auto delivery = [&](int row) {
            return messages->index(row).data(MessagesModel::DeliveryRole).toString();
        };

        // Sent: a row at once, "sending"; then the host's event settles it in the same place.
        const int before = messages->rowCount();
        QVERIFY(session.sendChat(u"hello"_s));
        QCOMPARE(messages->rowCount(), before + 1);
        QCOMPARE(delivery(before), u"sending"_s);
        QCOMPARE(messages->index(before).data(MessagesModel::TextRole).toString(), u"hello"_s);
        QVERIFY(messages->index(before).data(MessagesModel::IsOwnRole).toBool());
        QSignalSpy removed(messages, &QAbstractItemModel::rowsRemoved);
        QTRY_COMPARE(delivery(before), u"stored"_s);
        QCOMPARE(messages->rowCount(), before + 1);
        QCOMPARE(removed.count(), 0); // settled in place, not removed and added again
        QVERIFY(messages->index(before).data(MessagesModel::SeqRole).toLongLong() > 0);

        if (server.databasePath() != server.config().database)
            QSKIP("the lock below is SQLite's (this run uses PostgreSQL)");
        // Another program holds the database: the host cannot store, and says so.
        {
            QSqlDatabase locker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
            locker.setDatabaseName(server.config().database);
            QVERIFY(locker.open());
            QSqlQuery lock(locker);
            QVERIFY(lock.exec(u"BEGIN EXCLUSIVE"_s));
            QVERIFY(session.sendChat(u"while locked"_s));
            const int row = messages->rowCount() - 1;
            QCOMPARE(delivery(row), u"sending"_s);
            QTRY_COMPARE_WITH_TIMEOUT(delivery(row), u"failed"_s, 15000);
            QVERIFY(!messages->index(row).data(MessagesModel::FailureRole).toString().isEmpty());
            QVERIFY(lock.exec(u"ROLLBACK"_s));
        }
        QSqlDatabase::removeDatabase(u"locker"_s);

        // Retried once the storage is back: stored, and only once.
        const int row = messages->rowCount() - 1;
        session.retryChat(messages->index(row).data(MessagesModel::ClientMsgIdRole).toString());
        QCOMPARE(delivery(row), u"sending"_s);
        QTRY_COMPARE_WITH_TIMEOUT(delivery(row), u"stored"_s, 10000);
        Caught<HistoryPage> page;
        client->history(created.room.code, 0, 0, 100, this, page.callback());
        QTRY_VERIFY(page.ok());
        int copies = 0;
        for (const RoomEvent &event : page.value().events)
            copies +=
                event.as<Events::Chat>() && event.as<Events::Chat>()->text == "while locked"_L1;
        QCOMPARE(copies, 1);

        // Discard takes away only messages the host does not have: a stored one stays.
        QVERIFY(session.sendChat(u"to be dropped"_s));
        const QString id = messages->index(messages->rowCount() - 1)
                               .data(MessagesModel::ClientMsgIdRole)
                               .toString();
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(delivery(messages->rowCount() - 1), u"stored"_s);
        session.discardChat(id); // stored already: nothing to discard
        QCOMPARE(messages->index(messages->rowCount() - 1).data(MessagesModel::TextRole).toString(),
                 u"to be dropped"_s);
    }

    // RoomSession against a real server: host and guest each have one; what one does shows
    // in the other's models, incrementally.
    void sessionsFollowTheRoom()
    {
        TestServer server([](ServerConfig &config) {
            config.limits.chatPerSecond = 1000;
            config.limits.requestsPerSecond = 1000;
        });
        QVERIFY(server.start());
        auto hostClient = readyClient(server.url());
        QVERIFY(hostClient);
        CreateRoomArgs args;
        args.name = u"Game night"_s;
        args.capacity = 2;
        const auto room = createRoom(hostClient.get(), args);
        QVERIFY(room);
        const RoomSnapshot created = *room;
        const QString code = created.room.code;

        // Some history before the guest comes: 30 messages.
        for (int i = 0; i < 30; ++i) {
            Caught<ChatAck> sent;
            hostClient->sendChat(code, u"early %1"_s.arg(i), this, sent.callback());
            QTRY_VERIFY(sent.ok());
        }

        RoomSession host(hostClient.get(), created);
        QAbstractItemModelTester t1(host.participants(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(host.messages(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        host.start();
        QVERIFY(host.room()->isHost());
        QCOMPARE(host.room()->yourRole(), u"host"_s);
        QTRY_VERIFY(!host.isLoadingHistory());
        QCOMPARE(host.messages()->rowCount(), 31); // joined + 30 messages
        QVERIFY(host.isConnected());

        auto guestClient = readyClient(server.url());
        QVERIFY(guestClient);
        Caught<RoomSnapshot> joined;
        guestClient->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this,
                              joined.callback());
        QTRY_VERIFY(joined.ok());
        RoomSession guest(guestClient.get(), joined.value());
        QAbstractItemModelTester t3(guest.messages(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy guestReset(guest.messages(), &QAbstractItemModel::modelReset);
        QSignalSpy hostParticipantsReset(host.participants(), &QAbstractItemModel::modelReset);

        // History in pages of 10, oldest at the top.
        guest.start(10);
        QTRY_VERIFY(!guest.isLoadingHistory());
        QCOMPARE(guest.messages()->rowCount(), 10);
        QVERIFY(guest.hasMoreHistory());
        while (guest.hasMoreHistory()) {
            const int before = guest.messages()->rowCount();
            guest.loadOlder(10);
            QTRY_VERIFY(!guest.isLoadingHistory());
            QVERIFY(guest.messages()->rowCount() > before);
        }
        QCOMPARE(guest.messages()->rowCount(), 32); // Ana joined, 30 messages, Ben joined
        QCOMPARE(guest.messages()->index(0).data(MessagesModel::TextRole).toString(),
                 u"Ana joined."_s);
        QCOMPARE(guest.messages()->index(31).data(MessagesModel::TextRole).toString(),
                 u"Ben joined."_s);
        QCOMPARE(guest.missingHistory(), 0);

        // The host sees Ben arrive: one row, and the room is now full (capacity 2).
        QTRY_COMPARE(host.participants()->rowCount(), 2);
        QCOMPARE(host.room()->seats(), 2);
        QVERIFY(host.room()->isFull());

        // Chat both ways.
        QVERIFY(guest.sendChat(u"hi Ana"_s));
        QVERIFY(!guest.sendChat(u"   "_s));
        QVERIFY(!guest.sendChat(QString(2001, u'x')));
        QTRY_COMPARE(host.messages()
                         ->index(host.messages()->rowCount() - 1)
                         .data(MessagesModel::TextRole)
                         .toString(),
                     u"hi Ana"_s);

        // Status flags, seen by the other side as a dataChanged of Ben's row.
        QSignalSpy hostChanged(host.participants(), &QAbstractItemModel::dataChanged);
        QSignalSpy selfStatus(&guest, &RoomSession::selfStatusChanged);
        guest.setStatusFlag(u"ready"_s, true);
        QTRY_VERIFY(guest.isReady());
        QCOMPARE(selfStatus.count(), 1);
        QTRY_VERIFY(!hostChanged.isEmpty());
        const int benRow = host.participants()->rowOf(guestClient->participantId());
        QCOMPARE(host.participants()->index(benRow).data(ParticipantsModel::ReadyRole).toBool(),
                 true);

        // Host controls: start the session, statistics, make Ben the host.
        host.startSession();
        QTRY_COMPARE(guest.room()->stateName(), u"active"_s);
        host.refreshStats();
        QTRY_VERIFY(!host.stats().isEmpty());
        QVERIFY(host.stats().value(u"messages"_s).toInt() >= 31);
        host.hostAction(HostAction::TransferHost, guestClient->participantId());
        QTRY_VERIFY(guest.room()->isHost());
        QVERIFY(!host.room()->isHost());
        QCOMPARE(guest.room()->hostId(), guestClient->participantId());

        // Ben (now host) removes Ana: her session ends with reason "kicked".
        guest.hostAction(HostAction::Kick, hostClient->participantId());
        QTRY_VERIFY(host.room()->hasEnded());
        QCOMPARE(host.room()->endReason(), u"kicked"_s);
        QVERIFY(!host.isConnected());
        QTRY_COMPARE(guest.participants()->rowCount(), 1);

        QCOMPARE(guestReset.count(), 0);
        QCOMPARE(hostParticipantsReset.count(), 0);
    }

    void waitingListFollowsNotices()
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
        QAbstractItemModelTester tester(host.joinRequests(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString code = created.room.code;

        auto ben = readyClient(server.url());
        auto chloe = readyClient(server.url());
        QVERIFY(ben && chloe);
        Caught<RoomSnapshot> benJoin, chloeJoin;
        ben->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, benJoin.callback());
        chloe->joinRoom(JoinRoomArgs{code, u"Chloé"_s, Role::Spectator, {}}, this,
                        chloeJoin.callback());
        QTRY_COMPARE(host.joinRequests()->rowCount(), 2);
        QCOMPARE(host.room()->waitingToJoin(), 2);

        host.hostAction(HostAction::Admit, ben->participantId());
        QTRY_VERIFY(benJoin.ok());
        QTRY_COMPARE(host.joinRequests()->rowCount(), 1);
        QTRY_COMPARE(host.participants()->rowCount(), 2);

        host.hostAction(HostAction::Deny, chloe->participantId());
        QTRY_VERIFY(chloeJoin.done());
        QCOMPARE(chloeJoin.code(), ErrorCode::JoinDenied);
        QTRY_COMPARE(host.joinRequests()->rowCount(), 0);
        QCOMPARE(host.room()->waitingToJoin(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Models)
#include "tst_models.moc"
