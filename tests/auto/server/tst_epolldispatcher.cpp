// `hearth serve`'s event dispatcher (server/net/epolleventdispatcher.h), installed for this
// whole test program as it is for `hearth serve`: timers, posted events from other threads,
// socket notifiers, and a room server with real Qt WebSocket clients on top of it.

#include "net/epolleventdispatcher.h"
#include "protocolhelpers.h"
#include "testclient.h"
#include "testserver.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <thread>

using namespace ProtocolHelpers;

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isInstalled()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
    }

    void singleShotTimerFiresOnTime()
    {
        QElapsedTimer clock;
        clock.start();
        bool fired = false;
        QTimer::singleShot(150, this, [&] { fired = true; });
        QTRY_VERIFY_WITH_TIMEOUT(fired, 5000);
        QVERIFY2(clock.elapsed() >= 140, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    void repeatingTimerAndStop()
    {
        QTimer timer;
        timer.setInterval(20);
        int ticks = 0;
        connect(&timer, &QTimer::timeout, this, [&] {
            if (++ticks == 5)
                timer.stop();
        });
        timer.start();
        QVERIFY(timer.remainingTime() >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(ticks, 5, 5000);
        QTest::qWait(100);
        QCOMPARE(ticks, 5); // stopped: no more events
        QCOMPARE(timer.remainingTime(), -1);
    }

    void zeroTimerRestartedInItsHandlerRunsOncePerPass()
    {
        // A zero timer whose handler restarts it must not starve the rest of the loop.
        QTimer zero;
        zero.setSingleShot(true);
        zero.setInterval(0);
        int runs = 0;
        connect(&zero, &QTimer::timeout, this, [&] {
            if (++runs < 1000)
                zero.start();
        });
        bool other = false;
        QTimer::singleShot(10, this, [&] { other = true; });
        zero.start();
        QTRY_VERIFY_WITH_TIMEOUT(other, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(runs, 1000, 5000);
    }

    void postedEventFromAnotherThreadWakesTheLoop()
    {
        bool delivered = false;
        QElapsedTimer clock;
        clock.start();
        std::thread poster([this, &delivered] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            QMetaObject::invokeMethod(
                this, [&delivered] { delivered = true; }, Qt::QueuedConnection);
        });
        // No timer is due in between: only the wake-up can end the wait.
        QTRY_VERIFY_WITH_TIMEOUT(delivered, 5000);
        poster.join();
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    void socketsReadWriteAndHangUp()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
        QTRY_VERIFY(listener.hasPendingConnections());
        QTcpSocket *server = listener.nextPendingConnection();
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        connect(server, &QIODevice::readyRead, server,
                [server] { server->write(server->readAll()); });
        // Large enough to need several passes with the write notifier on.
        const QByteArray payload(8 << 20, 'e');
        client.write(payload);
        QByteArray echoed;
        QTRY_VERIFY_WITH_TIMEOUT((echoed += client.readAll(), echoed.size() == payload.size()),
                                 20000);
        QCOMPARE(echoed, payload);
        QSignalSpy gone(server, &QAbstractSocket::disconnected);
        client.disconnectFromHost();
        QTRY_COMPARE(gone.size(), 1);
    }

    void roomServerWithQtClients()
    {
        TestServer server;
        QVERIFY(server.start());
        TestClient host, guest;
        QVERIFY(host.connectTo(server.url()));
        QVERIFY(guest.connectTo(server.url()));
        QVERIFY(host.hello());
        QVERIFY(guest.hello());
        const QString code = host.createRoom(str("Epoll"), str("Ana"))
                                 .value(str("room"))
                                 .toObject()
                                 .value(str("code"))
                                 .toString();
        QVERIFY(!code.isEmpty());
        QVERIFY(!guest.joinRoom(code, str("Ben")).isEmpty());
        QVERIFY(
            ok(guest.request(req("send_chat", {{str("room"), code}, {str("text"), str("hi")}}))));
        QVERIFY(host.waitForEventKind(str("chat")));
        server.stop();
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollDispatcher test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
