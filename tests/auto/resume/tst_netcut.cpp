// A cut network between a real `hearth join --headless` process and a real `hearth serve`: no
// FIN, no RST, packets simply vanish (an nftables drop rule), then the network heals. The
// joiner shows offline within the idle timeout, reconnects by itself after the cut, takes back
// its seat without leave/join noise, and a line typed during the cut arrives once.
//
// Everything runs in a network namespace of its own (created and removed here), on that
// namespace's loopback: the server listens there, the test's own client connects to 127.0.0.1
// and the joiner to 127.0.0.2, and the drop rule matches 127.0.0.2 only. The test binary re-runs
// itself inside the namespace (`ip netns exec`). Without root, `ip` or `nft` it skips and says
// why.

#include "headlessjoiner.h"
#include "resumetest.h"
#include "serverprocess.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>

#include <unistd.h>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

constexpr int IdleTimeoutS = 3;
constexpr int GraceS = 40;
const char *const NamespaceVariable = "HEARTH_TEST_NETNS";
const char *const SkipVariable = "HEARTH_TEST_NETNS_SKIP";

QString tool(const QString &name)
{
    return QStandardPaths::findExecutable(name,
                                          {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/bin"_s, u"/bin"_s});
}

bool run(const QString &program, const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    const bool ok =
        p.waitForFinished(15000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromUtf8(p.readAll()).trimmed();
    return ok;
}

// Runs this test binary again inside a fresh network namespace. Returns its exit code, or -1
// (with `why`) when namespaces cannot be used here.
int runInNamespace(const QStringList &arguments, QString *why)
{
    if (::geteuid() != 0) {
        *why = u"not running as root (network namespaces and nftables need it)"_s;
        return -1;
    }
    const QString ip = tool(u"ip"_s), nft = tool(u"nft"_s);
    if (ip.isEmpty() || nft.isEmpty()) {
        *why = u"`ip` or `nft` is not installed (scripts/install-deps.sh installs both)"_s;
        return -1;
    }
    const QString name = u"hearth-test-%1"_s.arg(QCoreApplication::applicationPid());
    QString output;
    if (!run(ip, {u"netns"_s, u"add"_s, name}, &output)) {
        *why = u"`ip netns add` failed: "_s + output;
        return -1;
    }
    int code = -1;
    if (run(ip, {u"-n"_s, name, u"link"_s, u"set"_s, u"lo"_s, u"up"_s}, &output)) {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(NamespaceVariable), name);
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(ip, QStringList{u"netns"_s, u"exec"_s, name} + arguments);
        if (child.waitForFinished(110000))
            code = child.exitStatus() == QProcess::NormalExit ? child.exitCode() : 1;
        else
            child.kill();
        child.waitForFinished(5000);
        if (code < 0)
            code = 1;
    } else {
        *why = u"cannot bring up the namespace's loopback: "_s + output;
    }
    run(ip, {u"netns"_s, u"del"_s, name});
    return code;
}

// The drop rule: everything to or from 127.0.0.2:port vanishes.
bool cut(quint16 port)
{
    const QString nft = tool(u"nft"_s);
    const QString p = QString::number(port);
    return run(nft, {u"add"_s, u"table"_s, u"inet"_s, u"hearthcut"_s}) &&
           run(nft, {u"add"_s, u"chain"_s, u"inet"_s, u"hearthcut"_s, u"input"_s,
                     u"{ type filter hook input priority 0 ; policy accept ; }"_s}) &&
           run(nft, {u"add"_s, u"rule"_s, u"inet"_s, u"hearthcut"_s, u"input"_s, u"ip"_s,
                     u"daddr"_s, u"127.0.0.2"_s, u"tcp"_s, u"dport"_s, p, u"drop"_s}) &&
           run(nft, {u"add"_s, u"rule"_s, u"inet"_s, u"hearthcut"_s, u"input"_s, u"ip"_s,
                     u"saddr"_s, u"127.0.0.2"_s, u"tcp"_s, u"sport"_s, p, u"drop"_s});
}

bool heal()
{
    return run(tool(u"nft"_s), {u"delete"_s, u"table"_s, u"inet"_s, u"hearthcut"_s});
}

} // namespace

class tst_NetCut : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cutNetworkThenHeal()
    {
        if (qEnvironmentVariableIsEmpty(NamespaceVariable))
            QSKIP(qPrintable(u"no network namespace for the cut-network test: "_s +
                             qEnvironmentVariable(SkipVariable)));
        QTemporaryDir dir;
        // Only the namespace's loopback exists here: binding all addresses stays on it.
        ServerProcess server(dir.filePath(u"serve.sqlite"_s),
                             {u"--bind"_s, u"0.0.0.0"_s, u"--idle-timeout"_s,
                              QString::number(IdleTimeoutS), u"--grace"_s,
                              QString::number(GraceS)});
        QVERIFY(server.start());
        const quint16 port = quint16(server.url().port());
        QUrl direct(u"ws://127.0.0.1/"_s), cuttable(u"ws://127.0.0.2/"_s);
        direct.setPort(port);
        cuttable.setPort(port);

        RoomClient host;
        host.setIdentity(Identity::generate());
        QSignalSpy ready(&host, &RoomClient::ready);
        host.open(direct);
        QVERIFY(ready.wait(10000));
        std::optional<Result<RoomSnapshot>> created;
        CreateRoomArgs args;
        args.name = u"Cut"_s;
        args.displayName = u"Ana"_s;
        host.createRoom(args, nullptr, [&](const Result<RoomSnapshot> &r) { created = r; });
        QTRY_VERIFY(created.has_value() && created->ok());
        const QString code = created->value->room.code;
        EventLog log(&host, code);

        HeadlessJoiner ben(dir);
        ben.start(cuttable, code);
        QVERIFY2(ben.waitForLine(u"^hearth: joined room"_s, 20000), qPrintable(ben.output()));
        QTRY_COMPARE_WITH_TIMEOUT(log.count<Events::ParticipantJoined>(), 1, 10000);
        const QString benId = log.events.last().as<Events::ParticipantJoined>()->participant.id;
        auto presence = [&](bool online) {
            return std::count_if(log.events.cbegin(), log.events.cend(), [&](const RoomEvent &e) {
                const auto *p = e.as<Events::Presence>();
                return p && p->participant == benId && p->online == online;
            });
        };

        QVERIFY(cut(port));
        QElapsedTimer sinceCut;
        sinceCut.start();
        ben.type(u"typed during the cut"_s);
        QTRY_VERIFY_WITH_TIMEOUT(presence(false) >= 1, (IdleTimeoutS + 10) * 1000);
        const qint64 offlineAfter = sinceCut.elapsed();
        qInfo("offline %lld ms after the cut (idle timeout %d s)", offlineAfter, IdleTimeoutS);
        QVERIFY(offlineAfter <= IdleTimeoutS * 1000 + 2000);
        // The joiner notices too (its pings go unanswered) and starts reconnecting.
        QVERIFY2(ben.waitForLine(u"^hearth: connection lost"_s, (IdleTimeoutS + 10) * 1000),
                 qPrintable(ben.output()));
        QTest::qWait(2000); // a failed attempt or two while the network is still cut

        QVERIFY(heal());
        QTRY_VERIFY2_WITH_TIMEOUT(presence(true) >= 1, qPrintable(ben.output()), 35000);
        QVERIFY2(ben.waitForLine(u"^hearth: reconnected"_s, 10000), qPrintable(ben.output()));
        // The same seat, and the line typed during the cut arrives, once.
        QTRY_VERIFY_WITH_TIMEOUT(log.count<Events::Chat>() >= 1, 10000);
        QTest::qWait(500);
        QCOMPARE(log.count<Events::Chat>(), 1);
        QCOMPARE(log.events.last().as<Events::Chat>()->text, u"typed during the cut"_s);
        QCOMPARE(log.count<Events::ParticipantLeft>(), 0);
        QCOMPARE(log.count<Events::ParticipantJoined>(), 1);
        QVERIFY(log.contiguousFrom(log.events.first().seq));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty(NamespaceVariable)) {
        QString why;
        const int code = runInNamespace(QCoreApplication::arguments(), &why);
        if (code >= 0)
            return code;
        qputenv(SkipVariable, why.toLocal8Bit());
    }
    tst_NetCut test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_netcut.moc"
