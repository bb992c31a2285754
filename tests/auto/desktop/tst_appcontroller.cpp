// AppController: hosting (the embedded server on its worker thread, the room created over
// loopback), joining by code from a second controller, errors in plain words, cancelling,
// leaving and quitting while hosting.

#include "appcontroller.h"
#include "desktoptest.h"
#include "embeddedserver.h"
#include "invite/invitelink.h"
#include "relayserver.h"
#include "security/fingerprint.h"
#include "testserver.h"

#include <QtCore/QFile>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<AppController> makeController(const IsolatedHome &home, const QString &name)
{
    AppController::Options options;
    options.profile = name.toLower();
    options.hostPort = 0; // any free port: tests run in parallel
    // The keychain has its own test; here an identity per controller is all that matters.
    options.identityFile = home.path(name + u".identity"_s);
    auto app = std::make_unique<AppController>(options, new EmbeddedServer);
    app->setDisplayName(name);
    return app;
}

} // namespace

class tst_AppController : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<IsolatedHome> m_home;

    std::unique_ptr<AppController> hosting(const QVariantMap &options = {})
    {
        auto ana = makeController(*m_home, u"Ana"_s);
        if (!QTest::qWaitFor([&] { return ana->phase() == AppController::Phase::Lobby; }, 5000))
            return nullptr;
        ana->hostRoom(u"Game night"_s, 4, options);
        if (!QTest::qWaitFor([&] { return ana->phase() != AppController::Phase::Connecting; },
                             10000) ||
            ana->phase() != AppController::Phase::Room) {
            qWarning("hosting failed: %s", qPrintable(ana->errorText()));
            return nullptr;
        }
        return ana;
    }

private Q_SLOTS:
    void init() { m_home = std::make_unique<IsolatedHome>(); }
    void cleanup() { m_home.reset(); }

    void parseHostAddress_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("code");
        // Typed without a scheme: wss://, as every Hearth host serves.
        QTest::newRow("address") << u"192.168.1.5"_s << u"wss://192.168.1.5:47800/"_s << QString();
        QTest::newRow("host:port")
            << u" box.lan:47801 "_s << u"wss://box.lan:47801/"_s << QString();
        QTest::newRow("ws url") << u"ws://10.0.0.2:5000/anything"_s << u"ws://10.0.0.2:5000/"_s
                                << QString();
        QTest::newRow("ipv6") << u"[::1]:47802"_s << u"wss://[::1]:47802/"_s << QString();
        // A link without a fingerprint (an older Hearth's): plain ws://.
        QTest::newRow("link") << u"hearth://10.0.0.2:5000/xj9-k2m"_s << u"ws://10.0.0.2:5000/"_s
                              << u"XJ9K2M"_s;
        QTest::newRow("ipv6 link")
            << u"hearth://[::1]:5000/XJ9K2M"_s << u"ws://[::1]:5000/"_s << u"XJ9K2M"_s;
        QTest::newRow("wss url") << u"wss://10.0.0.2:5000/"_s << u"wss://10.0.0.2:5000/"_s
                                 << QString();
        QTest::newRow("link with fingerprint")
            << u"hearth://10.0.0.2:5000/XJ9K2M?fp="_s + QString(64, u'e')
            << u"wss://10.0.0.2:5000/"_s << u"XJ9K2M"_s;
        QTest::newRow("bad link") << u"hearth://10.0.0.2:0/XJ9K2M"_s << QString() << QString();
        QTest::newRow("link without code")
            << u"hearth://10.0.0.2:5000/"_s << QString() << QString();
        QTest::newRow("empty") << u"  "_s << QString() << QString();
        QTest::newRow("path") << u"host/room"_s << QString() << QString();
        QTest::newRow("garbage") << u"::::"_s << QString() << QString();
    }

    void parseHostAddress()
    {
        QFETCH(QString, typed);
        QFETCH(QString, url);
        QFETCH(QString, code);
        QString linkCode;
        const auto parsed = AppController::parseHostAddress(typed, &linkCode);
        QCOMPARE(parsed.has_value(), !url.isEmpty());
        if (parsed)
            QCOMPARE(parsed->toString(), url);
        QCOMPARE(linkCode, code);
    }

    void codeValidationAsOneTypes()
    {
        auto app = makeController(*m_home, u"Ana"_s);
        QVariantMap check = app->checkCode(u"xj9-k"_s);
        QCOMPARE(check.value(u"code"_s).toString(), u"XJ9K"_s);
        QVERIFY(check.value(u"valid"_s).toBool());
        QVERIFY(!check.value(u"complete"_s).toBool());
        check = app->checkCode(u"xj9 k2m"_s);
        QVERIFY(check.value(u"complete"_s).toBool());
        check = app->checkCode(u"XO"_s); // O is not in the alphabet
        QVERIFY(!check.value(u"valid"_s).toBool());
        QCOMPARE(check.value(u"code"_s).toString(), u"X"_s);
        QVERIFY(app->checkDisplayName(u"  "_s).size() > 0);
        QVERIFY(app->checkDisplayName(QString(33, u'a')).size() > 0);
        QVERIFY(app->checkDisplayName(u"Ana"_s).isEmpty());
    }

    void hostAndJoinShareARoom()
    {
        auto ana = hosting();
        QVERIFY(ana);
        QVERIFY(ana->isHosting());
        QVERIFY(ana->serverPort() > 0);
        QVERIFY(ana->serverAddress().endsWith(u":%1/"_s.arg(ana->serverPort())));
        RoomSession *hostSession = ana->session();
        QVERIFY(hostSession);
        QVERIFY(hostSession->room()->isHost());
        QCOMPARE(hostSession->room()->name(), u"Game night"_s);
        QCOMPARE(ana->client()->state(), RoomClient::State::Joined);
        QVERIFY(ana->inviteText().contains(hostSession->code()));
        // The host's own client went through the protocol over loopback.
        QCOMPARE(ana->client()->url().host(), u"127.0.0.1"_s);

        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        const QString code = hostSession->code();
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()),
                      code.left(3).toLower() + u" "_s + code.mid(3), false, {});
        QCOMPARE(ben->phase(), AppController::Phase::Connecting);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QVERIFY(!ben->isHosting());
        QCOMPARE(ben->session()->participants()->rowCount(), 2);
        QTRY_COMPARE(hostSession->participants()->rowCount(), 2);
        QCOMPARE(ben->lastHost(), u"127.0.0.1:%1"_s.arg(ana->serverPort()));

        // A message typed on one side appears on the other.
        QVERIFY(ben->session()->sendChat(u"hi from Ben"_s));
        const auto lastText = [](RoomSession *s) {
            MessagesModel *m = s->messages();
            return m->index(m->rowCount() - 1).data(MessagesModel::TextRole).toString();
        };
        QTRY_COMPARE(lastText(hostSession), u"hi from Ben"_s);

        // Quitting while hosting closes the room: Ben is told, and Ana's server stops.
        QSignalSpy finished(ana.get(), &AppController::shutdownFinished);
        ana->shutdown();
        QVERIFY(finished.wait(5000));
        QVERIFY(!ana->isHosting());
        QTRY_VERIFY(ben->session()->room()->hasEnded());
        QCOMPARE(ben->session()->room()->endReason(), u"closed"_s);
        QCOMPARE(lastText(ben->session()), u"The host closed the room."_s);
        ben->backToLobby();
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QTRY_VERIFY(ben->session() == nullptr);
    }

    void joinErrorsInPlainWords_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no such room") << u"code"_s << u"No room has this code"_s;
        QTest::newRow("wrong password") << u"password"_s << u"password is not right"_s;
        QTest::newRow("unreachable") << u"unreachable"_s << u"Cannot reach the host"_s;
        QTest::newRow("bad address") << u"address"_s << u"is not an address"_s;
        QTest::newRow("short code") << u"short"_s << u"6 letters and digits"_s;
        QTest::newRow("no name") << u"name"_s << u"name others will see"_s;
    }

    void joinErrorsInPlainWords()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        auto ana = hosting({{u"password"_s, u"hunter2"_s}});
        QVERIFY(ana);
        const QString code = ana->session()->code();
        QString host = u"127.0.0.1:%1"_s.arg(ana->serverPort());
        QString joinCode = code;
        if (kind == "code"_L1)
            joinCode = code == "ZZZZZZ"_L1 ? u"YYYYYY"_s : u"ZZZZZZ"_s;
        if (kind == "unreachable"_L1) {
            // A port that was free a moment ago: nothing listens there.
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            host = u"127.0.0.1:%1"_s.arg(probe.serverPort());
            probe.close();
        }
        if (kind == "address"_L1)
            host = u"::::"_s;
        if (kind == "short"_L1)
            joinCode = u"AB"_s;

        auto ben = makeController(*m_home, u"Ben"_s);
        if (kind == "name"_L1)
            ben->setDisplayName(u"   "_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(host, joinCode, false, kind == "password"_L1 ? u"wrong"_s : QString());
        QTRY_VERIFY(!ben->errorText().isEmpty());
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY2(ben->errorText().contains(expected), qPrintable(ben->errorText()));
        QVERIFY(ben->session() == nullptr);
    }

    void takenNameIsRefusedWithItsCode()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const QString code = ana->session()->code();
        const QString host = u"127.0.0.1:%1"_s.arg(ana->serverPort());
        auto ben = makeController(*m_home, u"Ben"_s);
        ben->setDisplayName(u" ANA "_s); // looks like the host's name
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QSignalSpy errors(ben.get(), &AppController::errorTextChanged);
        ben->joinRoom(host, code, false, {});
        QTRY_VERIFY(!ben->errorText().isEmpty());
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QCOMPARE(ben->errorCode(), u"name_taken"_s);
        QVERIFY(ben->isNameError());
        QVERIFY(!ben->canWatchInstead());
        QCOMPARE(ben->errorText(),
                 u"Someone in this room is already called “Ana”; pick another name."_s);
        QVERIFY(ben->session() == nullptr);

        // Another name, the same code: in.
        ben->setDisplayName(u"Ben"_s);
        ben->joinRoom(host, code, false, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QVERIFY(ben->errorText().isEmpty());
        QVERIFY(ben->errorCode().isEmpty());
        QVERIFY(!ben->isNameError());
    }

    void fullRoomOffersToWatch_data()
    {
        QTest::addColumn<bool>("spectators");
        QTest::newRow("spectators allowed") << true;
        QTest::newRow("no spectators") << false;
    }

    void fullRoomOffersToWatch()
    {
        QFETCH(bool, spectators);
        auto ana = makeController(*m_home, u"Ana"_s);
        QTRY_COMPARE(ana->phase(), AppController::Phase::Lobby);
        ana->hostRoom(u"Tiny"_s, 1, {{u"spectators"_s, spectators}});
        QTRY_COMPARE_WITH_TIMEOUT(ana->phase(), AppController::Phase::Room, 10000);

        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), false, {});
        QTRY_VERIFY(!ben->errorText().isEmpty());
        QCOMPARE(ben->errorCode(), u"room_full"_s);
        QVERIFY(!ben->isNameError());
        QCOMPARE(ben->canWatchInstead(), spectators);
        QCOMPARE(ben->errorText().contains("watch as a spectator"_L1), spectators);
        if (!spectators) {
            ben->watchInstead(); // nothing to offer: nothing happens
            QCOMPARE(ben->phase(), AppController::Phase::Lobby);
            return;
        }
        ben->watchInstead();
        QVERIFY(ben->errorText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(ben->phase(), AppController::Phase::Room, 10000);
        QCOMPARE(ben->session()->room()->yourRole(), u"spectator"_s);
        QTRY_COMPARE(ana->session()->room()->spectators(), 1);
    }

    void linkWithoutANameKeepsTheCode()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const QString code = ana->session()->code();
        auto ben = makeController(*m_home, u"Ben"_s);
        ben->setDisplayName(QString()); // a first run: no saved name
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QSignalSpy pending(ben.get(), &AppController::pendingJoinChanged);
        const QString link = u"hearth://127.0.0.1:%1/%2"_s.arg(ana->serverPort()).arg(code);
        ben->openJoin(link, {});
        QCOMPARE(pending.count(), 1);
        QCOMPARE(ben->phase(), AppController::Phase::Lobby); // asks instead of failing
        QVERIFY(ben->errorText().isEmpty());
        QCOMPARE(ben->pendingCode(), code);
        QCOMPARE(ben->pendingHost(), u"127.0.0.1:%1"_s.arg(ana->serverPort()));

        // The name given, the join goes ahead with what was kept.
        ben->setDisplayName(u"Ben"_s);
        ben->joinRoom(ben->pendingHost(), ben->pendingCode(), false, {});
        QVERIFY(ben->pendingCode().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(ben->phase(), AppController::Phase::Room, 10000);
        QCOMPARE(ben->session()->code(), code);

        // A link with a fingerprint is kept whole, so that the join after the name still
        // expects that certificate.
        auto cleo = makeController(*m_home, u"Cleo"_s);
        cleo->setDisplayName(QString());
        QTRY_COMPARE(cleo->phase(), AppController::Phase::Lobby);
        const InviteLink pinned{u"127.0.0.1"_s, quint16(ana->serverPort()), code,
                                QByteArray(32, '\x5a')};
        cleo->openJoin(pinned.toString(), {});
        QCOMPARE(cleo->pendingCode(), code);
        QCOMPARE(cleo->pendingHost(), pinned.toString());
    }

    void joinCommandWithoutANameKeepsTheCode()
    {
        // `hearth join xj9-k2m`: the code alone, typed loosely.
        auto ben = makeController(*m_home, u"Ben"_s);
        ben->setDisplayName(u"  "_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->openJoin({}, u"xj9-k2m"_s);
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QCOMPARE(ben->pendingCode(), u"XJ9K2M"_s);
        QVERIFY(ben->pendingHost().isEmpty());
        QVERIFY(ben->errorText().isEmpty());
    }

    void linkWithANameJoinsAtOnce()
    {
        auto ana = hosting();
        QVERIFY(ana);
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        // The link as the host hands it on: with its certificate's fingerprint.
        const InviteLink link{u"127.0.0.1"_s, quint16(ana->serverPort()), ana->session()->code(),
                              ana->hostFingerprint()};
        ben->openJoin(link.toString(), {});
        QVERIFY(ben->pendingCode().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(ben->phase(), AppController::Phase::Room, 10000);
        QCOMPARE(ben->certificateWords(), ana->hostFingerprintWords());
    }

    void waitingForApprovalCanBeCancelled()
    {
        auto ana = hosting({{u"approval"_s, true}});
        QVERIFY(ana);
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QSignalSpy pending(ben.get(), &AppController::joinPending);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), false, {});
        QVERIFY(pending.wait());
        QVERIFY(ben->busyText().contains("host to let you in"_L1));
        QTRY_COMPARE(ana->session()->joinRequests()->rowCount(), 1);

        ben->cancel();
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY(ben->errorText().isEmpty());
        // The host's waiting list empties (join_request_cancelled).
        QTRY_COMPARE(ana->session()->joinRequests()->rowCount(), 0);
    }

    void cancellingWhileConnectingIsNotAnError()
    {
        // Something that takes the TCP connection but never answers the WebSocket handshake.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(silent.serverPort()), u"ABCDEF"_s, false, {});
        QCOMPARE(ben->phase(), AppController::Phase::Connecting);
        QVERIFY(ben->isBusy());
        QTRY_VERIFY(silent.hasPendingConnections());
        ben->cancel();
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY(!ben->isBusy());
        QTest::qWait(100);
        QCOMPARE(ben->errorText(), QString());
        QCOMPARE(ben->client()->state(), RoomClient::State::Disconnected);
    }

    void leavingGoesBackToTheLobbyAndHostingAgainWorks()
    {
        auto ana = hosting();
        QVERIFY(ana);
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), true, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->session()->room()->yourRole(), u"spectator"_s);

        ben->leaveRoom();
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QTRY_COMPARE(ana->session()->participants()->rowCount(), 1);
        QCOMPARE(ben->client()->state(), RoomClient::State::Disconnected);

        // The host closes the room, is back in the lobby, and can host again.
        ana->closeRoom();
        QTRY_COMPARE(ana->phase(), AppController::Phase::Lobby);
        QTRY_VERIFY(!ana->isHosting());
        ana->hostRoom(u"Second room"_s, 10, {});
        QTRY_COMPARE(ana->phase(), AppController::Phase::Room);
        QCOMPARE(ana->session()->room()->name(), u"Second room"_s);
        QVERIFY(ana->isHosting());
    }

    // Invites and the host's network check (LAN discovery: the tests' environment keeps it
    // on loopback).
    void inviteCarriesTheLink()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const auto link = InviteLink::parse(ana->inviteLink());
        QVERIFY2(link, qPrintable(ana->inviteLink()));
        QCOMPARE(link->code, ana->session()->code());
        QCOMPARE(int(link->port), ana->serverPort());
        QCOMPARE(link->host, AppController::lanAddress());
        QVERIFY(!ana->hostFingerprint().isEmpty());
        QCOMPARE(link->fingerprint, ana->hostFingerprint()); // a friend's join pins from it
        QVERIFY(ana->inviteText().contains(ana->inviteLink()));
        QVERIFY(ana->inviteText().contains(ana->session()->code()));

        const QVariantMap check = ana->networkCheck();
        QCOMPARE(check.value(u"port"_s).toInt(), ana->serverPort());
        QVERIFY(!check.value(u"addresses"_s).toStringList().isEmpty());
        QCOMPARE(check.value(u"links"_s).toStringList().size(),
                 check.value(u"addresses"_s).toStringList().size());
        QVERIFY2(check.value(u"discoverable"_s).toBool(),
                 qPrintable(check.value(u"problem"_s).toString()));

        // A joiner's invite points at the host it joined, with the certificate it met there.
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), false, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->inviteLink(),
                 u"hearth://127.0.0.1:%1/%2?fp=%3"_s.arg(ana->serverPort())
                     .arg(ana->session()->code(), Fingerprint::toHex(ana->hostFingerprint())));
    }

    // The host's certificate is made the first time this installation hosts (not at start),
    // kept (here in the file beside the identity file), and served again by the next host.
    void hostCertificateIsMadeWhenFirstHostingAndKept()
    {
        const QString file = m_home->path(u"Ana.identity-host-certificate.json"_s);
        QByteArray firstPem;
        QByteArray firstFingerprint;
        {
            auto ana = makeController(*m_home, u"Ana"_s);
            QTRY_COMPARE(ana->phase(), AppController::Phase::Lobby);
            QVERIFY(!QFile::exists(file)); // not at start
            ana->hostRoom(u"Game night"_s, 8, {});
            QTRY_COMPARE(ana->phase(), AppController::Phase::Room);
            QVERIFY(QFile::exists(file));
            QFile stored(file);
            QVERIFY(stored.open(QIODevice::ReadOnly));
            firstPem = stored.readAll();
            QVERIFY(firstPem.contains("BEGIN CERTIFICATE"));
            QVERIFY(!ana->hostCertificateWarning().isEmpty()); // in a file, as asked
            // The words shown beside the code are those of the certificate served (wss://),
            // and the host's own connection expects exactly its server's certificate.
            const QByteArray fingerprint = ana->hostFingerprint();
            QCOMPARE(fingerprint.size(), Fingerprint::Size);
            QCOMPARE(ana->vouchedFingerprint(), fingerprint);
            QCOMPARE(ana->hostFingerprintWords(), Fingerprint::wordsText(fingerprint));
            QCOMPARE(ana->certificateWords(), Fingerprint::wordsText(fingerprint));
            QVERIFY2(ana->serverAddress().startsWith(u"wss://"_s),
                     qPrintable(ana->serverAddress()));
            firstFingerprint = fingerprint;
            QSignalSpy finished(ana.get(), &AppController::shutdownFinished);
            ana->shutdown();
            QVERIFY(finished.wait(10000));
        }
        auto again = makeController(*m_home, u"Ana"_s);
        QTRY_COMPARE(again->phase(), AppController::Phase::Lobby);
        again->hostRoom(u"Game night"_s, 8, {});
        QTRY_COMPARE(again->phase(), AppController::Phase::Room);
        QFile stored(file);
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QCOMPARE(stored.readAll(), firstPem); // the same certificate, not a new one
        QCOMPARE(again->hostFingerprint(), firstFingerprint);
    }

    void codeAloneJoinsThroughDiscovery()
    {
        auto ana = hosting();
        QVERIFY(ana);
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        const QString code = ana->session()->code();
        const QString lastHostBefore = ben->lastHost();
        ben->joinRoom(QString(), code.left(3).toLower() + u" "_s + code.mid(3), false, {});
        QCOMPARE(ben->phase(), AppController::Phase::Connecting);
        QVERIFY(ben->busyText().contains(code));
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->client()->url().port(), ana->serverPort());
        // The join goes on over wss://, expecting the certificate the code vouched for: Ana's
        // server's, which is the one it met.
        QVERIFY(!ana->hostFingerprint().isEmpty());
        QCOMPARE(ben->vouchedFingerprint(), ana->hostFingerprint());
        QCOMPARE(ben->client()->url().scheme(), u"wss"_s);
        QCOMPARE(ben->client()->peerFingerprint(), ana->hostFingerprint());
        QVERIFY(!ben->hasDiscoveryFailed());
        // Found by discovery: the remembered address stays what the person typed last.
        QCOMPARE(ben->lastHost(), lastHostBefore);
    }

    void unknownCodeAsksForTheAddress()
    {
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QSignalSpy failed(ben.get(), &AppController::discoveryFailedChanged);
        ben->joinRoom(QString(), u"ZZZZZZ"_s, false, {});
        QTRY_VERIFY(ben->hasDiscoveryFailed());
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY(ben->errorText().contains(u"firewall"_s));
        // Cancelling a lookup goes back to the lobby quietly.
        ben->joinRoom(QString(), u"YYYYYY"_s, false, {});
        QCOMPARE(ben->phase(), AppController::Phase::Connecting);
        ben->cancel();
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QTest::qWait(1800);
        QVERIFY(ben->errorText().isEmpty());
    }

    void settingsAreRemembered()
    {
        {
            auto ana = hosting();
            QVERIFY(ana);
            QCOMPARE(ana->lastRoomName(), u"Game night"_s);
        }
        auto again = makeController(*m_home, u"Ana"_s); // the same profile, a new run
        QCOMPARE(again->lastRoomName(), u"Game night"_s);
        QCOMPARE(again->lastCapacity(), 4);
    }

    // The note about an identity kept in a file (no keyring, or asked for) comes once, in
    // plain words with the fallback explained; the next launch does not repeat it.
    void identityFileNoteIsShownOnce()
    {
        QString firstNote;
        {
            auto ana = makeController(*m_home, u"Ana"_s);
            QTRY_VERIFY(ana->isIdentityReady());
            firstNote = ana->identityWarning();
            QVERIFY(firstNote.contains(m_home->path(u"Ana.identity"_s)));
            QVERIFY(firstNote.contains(u"only your user account can read"_s));
            QVERIFY(!firstNote.contains(u"keychain"_s)); // "password keyring", as people say
        }
        auto again = makeController(*m_home, u"Ana"_s);
        QTRY_VERIFY(again->isIdentityReady());
        QCOMPARE(again->identityWarning(), QString());
        // Another profile (another identity file) gets its own note.
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_VERIFY(ben->isIdentityReady());
        QVERIFY(!ben->identityWarning().isEmpty());
    }

    // The window's controller reads the identity on the first host or join, not at startup
    // (a locked keyring's password prompt follows a click): nothing is read before that, and a
    // cancelled read drops the action.
    void deferredIdentityIsReadOnFirstHost()
    {
        AppController::Options options;
        options.profile = u"deferred"_s;
        options.hostPort = 0;
        options.identityFile = m_home->path(u"deferred.identity"_s);
        options.deferIdentity = true;
        auto ana = std::make_unique<AppController>(options, new EmbeddedServer);
        ana->setDisplayName(u"Ana"_s);
        QCOMPARE(ana->phase(), AppController::Phase::Lobby); // at once
        QVERIFY(ana->isIdentityReady());
        QTest::qWait(200);
        QVERIFY(!QFile::exists(options.identityFile)); // nothing read or made yet

        // Cancelled while reading: back in the lobby, no room.
        ana->hostRoom(u"Game night"_s, 4, {});
        QCOMPARE(ana->phase(), AppController::Phase::Connecting);
        QVERIFY(ana->busyText().contains(u"keyring"_s));
        ana->cancel();
        QCOMPARE(ana->phase(), AppController::Phase::Lobby);
        QTest::qWait(200);
        QCOMPARE(ana->phase(), AppController::Phase::Lobby);
        QVERIFY(!ana->isHosting());
        QVERIFY(QFile::exists(options.identityFile)); // the read itself went on

        // Hosting now goes straight through.
        ana->hostRoom(u"Game night"_s, 4, {});
        QTRY_COMPARE_WITH_TIMEOUT(ana->phase(), AppController::Phase::Room, 10000);

        // Another deferred controller: its first action (a join by address) reads it and goes on.
        options.profile = u"deferred2"_s;
        options.identityFile = m_home->path(u"deferred2.identity"_s);
        auto ben = std::make_unique<AppController>(options, new EmbeddedServer);
        ben->setDisplayName(u"Ben"_s);
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), false, {});
        QTRY_COMPARE_WITH_TIMEOUT(ben->phase(), AppController::Phase::Room, 10000);
    }

    // A deferred read on the way into a room does not count as showing the identity file's
    // note (the lobby was not on screen): it counts once the lobby shows it.
    void deferredIdentityNoteWaitsForTheLobby()
    {
        AppController::Options options;
        options.profile = u"note"_s;
        options.hostPort = 0;
        options.identityFile = m_home->path(u"note.identity"_s);
        options.deferIdentity = true;
        auto runToRoomAndBack = [&](bool leave) {
            auto ana = std::make_unique<AppController>(options, new EmbeddedServer);
            ana->setDisplayName(u"Ana"_s);
            ana->hostRoom(u"Game night"_s, 4, {});
            if (!QTest::qWaitFor([&] { return ana->phase() == AppController::Phase::Room; }, 10000))
                return QStringLiteral("no room");
            const QString inRoom = ana->identityWarning();
            if (leave) {
                ana->closeRoom();
                if (!QTest::qWaitFor([&] { return ana->phase() == AppController::Phase::Lobby; },
                                     10000))
                    return QStringLiteral("no lobby");
            }
            return inRoom;
        };
        // Straight into a room and quit there: not seen, so the next launch still has it.
        QVERIFY(!runToRoomAndBack(false).isEmpty());
        QVERIFY(!runToRoomAndBack(true).isEmpty()); // ... and this time back in the lobby
        QVERIFY(runToRoomAndBack(false).isEmpty()); // seen: not again
    }

    // Attention's settings are remembered per profile; each one on until turned off.
    void attentionSettingsAreRemembered()
    {
        {
            auto ana = makeController(*m_home, u"Ana"_s);
            Attention *a = ana->attention();
            QVERIFY(a->isTitleCountEnabled() && a->isAlertEnabled() &&
                    a->areNotificationsEnabled() && a->isSoundEnabled() && a->isTrayEnabled());
            a->setSoundEnabled(false);
            a->setTrayEnabled(false);
        }
        auto again = makeController(*m_home, u"Ana"_s);
        Attention *a = again->attention();
        QVERIFY(!a->isSoundEnabled());
        QVERIFY(!a->isTrayEnabled());
        QVERIFY(a->isTitleCountEnabled() && a->isAlertEnabled() && a->areNotificationsEnabled());
        QVERIFY(makeController(*m_home, u"Ben"_s)->attention()->isSoundEnabled());
    }

    // --- Trust: the embedded host serves wss:// with its installation's certificate; a TLS
    // front (RelayServer with another HostCertificate, reaching the host over wss://) stands
    // for the host seen through another certificate (reinstalled, or someone in between) ---

    void firstUseOfAHostPinsItsCertificate()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const QByteArray fingerprint = ana->hostFingerprint();
        QCOMPARE(fingerprint.size(), Fingerprint::Size);
        const QUrl address(u"wss://127.0.0.1:%1/"_s.arg(ana->serverPort()));

        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY(ben->knownHosts().pinned(address).isEmpty());
        QSignalSpy words(ben.get(), &AppController::certificateChanged);
        // Typed as people do, without a scheme: wss://, trusted on first use.
        ben->joinRoom(u"127.0.0.1:%1"_s.arg(ana->serverPort()), ana->session()->code(), false, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->client()->url(), address);
        QCOMPARE(ben->knownHosts().pinned(address), fingerprint);
        QCOMPARE(ben->certificateWords(), Fingerprint::wordsText(fingerprint));
        QVERIFY(words.count() >= 1);
        QVERIFY(ben->certificateWarning().isEmpty());
        // The link Ben hands on carries the certificate he met, and leads to TLS.
        const auto link = InviteLink::parse(ben->inviteLink());
        QVERIFY(link);
        QCOMPARE(link->fingerprint, fingerprint);
        QCOMPARE(link->serverUrl().scheme(), u"wss"_s);
        // The host's own connection shows the same words, and its invite the same fingerprint.
        QCOMPARE(ana->certificateWords(), Fingerprint::wordsText(fingerprint));
        QVERIFY(ana->inviteLink().endsWith(u"?fp="_s + Fingerprint::toHex(fingerprint)));
    }

    void aChangedCertificateStopsTheJoinUntilAccepted()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const QUrl backend(u"wss://127.0.0.1:%1/"_s.arg(ana->serverPort()));
        const HostCertificate first = HostCertificate::generate(u"first"_s);
        const HostCertificate second = HostCertificate::generate(u"second"_s);
        const QByteArray firstFp = Fingerprint::of(first.certificate());
        const QByteArray secondFp = Fingerprint::of(second.certificate());
        auto front = std::make_unique<RelayServer>(backend, first);
        front->expectBackendCertificate(ana->hostFingerprint());
        QVERIFY(front->listen());
        const quint16 port = front->port();
        const QString address = u"wss://127.0.0.1:%1/"_s.arg(port);

        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->joinRoom(address, ana->session()->code(), false, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        ben->leaveRoom();
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);

        // The host now shows another certificate: reinstalled, so a new server with a new
        // database (the identity secret is derived from the certificate's key: a server that kept
        // its database would not know Ben's new one) and a new room.
        TestServer reinstalled;
        QVERIFY(reinstalled.start());
        auto newHost = readyClient(reinstalled.url());
        QVERIFY(newHost);
        const auto newRoom = createRoom(newHost.get(), {u"Again"_s, {}, 4, {}, {}});
        QVERIFY(newRoom);
        const QString code = newRoom->room.code;
        front.reset();
        front = std::make_unique<RelayServer>(reinstalled.url(), second);
        QVERIFY(front->listen(port));
        QSignalSpy warnings(ben.get(), &AppController::certificateWarningChanged);
        ben->joinRoom(address, code, false, {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        const QString warning = ben->certificateWarning();
        QVERIFY2(warning.contains(Fingerprint::wordsText(firstFp)), qPrintable(warning));
        QVERIFY2(warning.contains(Fingerprint::wordsText(secondFp)), qPrintable(warning));
        QVERIFY(warning.contains(u"127.0.0.1:%1"_s.arg(port)));
        QVERIFY(warning.contains(u"pretending"_s));
        QCOMPARE(ben->certificateWarningHost(), u"127.0.0.1:%1"_s.arg(port));
        QCOMPARE(ben->newCertificateWords(), Fingerprint::wordsText(secondFp));
        QCOMPARE(ben->pinnedCertificateWords(), Fingerprint::wordsText(firstFp));
        QVERIFY(!ben->errorText().isEmpty());
        QVERIFY(warnings.count() >= 1);
        QVERIFY(front->received().isEmpty()); // not even hello was sent
        QCOMPARE(ben->knownHosts().pinned(QUrl(address)), firstFp);

        // Cancel keeps the old pin and joins nothing.
        ben->dismissCertificateWarning();
        QVERIFY(ben->certificateWarning().isEmpty());
        QCOMPARE(ben->phase(), AppController::Phase::Lobby);
        QCOMPARE(ben->knownHosts().pinned(QUrl(address)), firstFp);

        // Asked again, the person trusts the new one: the pin is replaced and the join retried.
        ben->joinRoom(address, code, false, {});
        QTRY_VERIFY(!ben->certificateWarning().isEmpty());
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        ben->trustNewCertificate();
        QVERIFY(ben->certificateWarning().isEmpty());
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->knownHosts().pinned(QUrl(address)), secondFp);
        QCOMPARE(ben->certificateWords(), Fingerprint::wordsText(secondFp));
    }

    void aLinkWithAFingerprintPinsFromTheFirstJoin()
    {
        auto ana = hosting();
        QVERIFY(ana);
        const QByteArray realFp = ana->hostFingerprint();
        QCOMPARE(realFp.size(), Fingerprint::Size);
        // Someone in between: Ana's room, through another certificate.
        const HostCertificate other = HostCertificate::generate(u"other"_s);
        RelayServer impostor(QUrl(u"wss://127.0.0.1:%1/"_s.arg(ana->serverPort())), other);
        impostor.expectBackendCertificate(realFp);
        QVERIFY(impostor.listen());
        const QString code = ana->session()->code();

        // A link naming the real certificate, to a host that shows another: refused at once,
        // nothing to trust on first use, nothing pinned.
        auto ben = makeController(*m_home, u"Ben"_s);
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        const InviteLink toImpostor{u"127.0.0.1"_s, impostor.port(), code, realFp};
        ben->openJoin(toImpostor.toString(), {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Lobby);
        QVERIFY2(ben->errorText().contains(Fingerprint::wordsText(realFp)),
                 qPrintable(ben->errorText()));
        QVERIFY(ben->errorText().contains(
            Fingerprint::wordsText(Fingerprint::of(other.certificate()))));
        QVERIFY(ben->certificateWarning().isEmpty());
        QVERIFY(impostor.received().isEmpty());
        QVERIFY(ben->knownHosts().pinned(toImpostor.serverUrl()).isEmpty());

        // The same link to the real host: joined, and pinned from this first join.
        const InviteLink toReal{u"127.0.0.1"_s, quint16(ana->serverPort()), code, realFp};
        ben->openJoin(toReal.toString(), {});
        QTRY_COMPARE(ben->phase(), AppController::Phase::Room);
        QCOMPARE(ben->knownHosts().pinned(toReal.serverUrl()), realFp);
        QCOMPARE(ben->certificateWords(), Fingerprint::wordsText(realFp));
    }
};

QTEST_GUILESS_MAIN(tst_AppController)
#include "tst_appcontroller.moc"
