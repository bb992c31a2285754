// LAN discovery between two separate hosts, with discovery in its automatic mode (broadcast on
// every up interface, the IPv6 group on every multicast interface) as installed copies use it.
// The hosts are two network namespaces joined by a veth pair that exists only for this test:
// nothing reaches a real network. A headless `hearth` hosts a room in one; `hearth join CODE`
// in the other finds it by the code alone and joins, and a wrong code finds nothing.
//
// Needs root and `ip netns` (iproute2); where the machine does not allow it, the test skips and
// says why.

#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;

namespace {

// Runs `ip ARGS`; true on success, `error` gets stderr otherwise.
bool ip(const QStringList &args, QString *error = nullptr)
{
    QProcess p;
    p.start(u"ip"_s, args);
    if (!p.waitForFinished(10000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = u"ip %1: %2"_s.arg(args.join(u' '),
                                        QString::fromUtf8(p.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

// A `hearth` process inside a namespace, its stdout collected.
class NsHearth
{
public:
    NsHearth(const QString &ns, const QTemporaryDir &dir, const QString &name,
             const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // The automatic mode: every interface of the namespace.
        env.remove(u"HEARTH_DISCOVERY_TARGETS"_s);
        env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(name + u"/config"_s));
        env.insert(u"XDG_DATA_HOME"_s, dir.filePath(name + u"/data"_s));
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        env.remove(u"QT_QPA_PLATFORM"_s);
        m_process.setProcessEnvironment(env);
        m_process.start(
            u"ip"_s, QStringList{u"netns"_s, u"exec"_s, ns, QStringLiteral(HEARTH_BINARY)} + args +
                         QStringList{u"--headless"_s, u"--name"_s, name, u"--identity-file"_s,
                                     dir.filePath(name + u".json"_s)});
    }
    ~NsHearth()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }
    QRegularExpressionMatch waitForLine(const QString &pattern, int timeoutMs = 15000)
    {
        const QRegularExpression re(pattern, QRegularExpression::MultilineOption);
        QRegularExpressionMatch match;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                m_out += QString::fromUtf8(m_process.readAllStandardOutput());
                match = re.match(m_out);
                return match.hasMatch() || m_process.state() == QProcess::NotRunning;
            },
            timeoutMs);
        if (!match.hasMatch())
            m_out += QString::fromUtf8(m_process.readAllStandardOutput());
        return re.match(m_out);
    }
    QString transcript()
    {
        return m_out + u"\n--- stderr:\n"_s + QString::fromUtf8(m_process.readAllStandardError());
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QString m_out;
};

} // namespace

class tst_LanDiscoveryNetns : public QObject
{
    Q_OBJECT

    QString m_hostNs;
    QString m_joinerNs;
    bool m_ready = false;

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(u"ip"_s).isEmpty())
            QSKIP("`ip` (iproute2) is not installed: cannot make separate test hosts");
        const QString tag = QString::number(QRandomGenerator::global()->generate() % 100000);
        m_hostNs = u"hearth-h"_s + tag;
        m_joinerNs = u"hearth-j"_s + tag;
        QString why;
        if (!ip({u"netns"_s, u"add"_s, m_hostNs}, &why))
            QSKIP(qPrintable(u"network namespaces are not allowed here (%1): the two-host "
                             "discovery test cannot run"_s.arg(why)));
        m_ready = true;
        // Entering a namespace needs more than making one (ip -n remounts /sys; some containers
        // refuse that): probe it before building the two hosts.
        if (!ip({u"-n"_s, m_hostNs, u"link"_s, u"set"_s, u"lo"_s, u"up"_s}, &why))
            QSKIP(qPrintable(u"cannot enter a network namespace here (%1): the two-host "
                             "discovery test cannot run"_s.arg(why)));
        const QString a = u"vh"_s + tag, b = u"vj"_s + tag;
        const QList<QStringList> steps{
            {u"netns"_s, u"add"_s, m_joinerNs},
            {u"link"_s, u"add"_s, a, u"type"_s, u"veth"_s, u"peer"_s, u"name"_s, b},
            {u"link"_s, u"set"_s, a, u"netns"_s, m_hostNs},
            {u"link"_s, u"set"_s, b, u"netns"_s, m_joinerNs},
            {u"-n"_s, m_hostNs, u"addr"_s, u"add"_s, u"10.77.0.1/24"_s, u"brd"_s, u"+"_s, u"dev"_s,
             a},
            {u"-n"_s, m_joinerNs, u"addr"_s, u"add"_s, u"10.77.0.2/24"_s, u"brd"_s, u"+"_s,
             u"dev"_s, b},
            {u"-n"_s, m_hostNs, u"link"_s, u"set"_s, a, u"up"_s},
            {u"-n"_s, m_joinerNs, u"link"_s, u"set"_s, b, u"up"_s},
            {u"-n"_s, m_joinerNs, u"link"_s, u"set"_s, u"lo"_s, u"up"_s},
        };
        for (const QStringList &step : steps)
            QVERIFY2(ip(step, &why), qPrintable(why));
    }

    void cleanupTestCase()
    {
        if (!m_ready)
            return;
        // Deleting a namespace deletes its end of the veth pair, and with it the other end.
        ip({u"netns"_s, u"del"_s, m_hostNs});
        ip({u"netns"_s, u"del"_s, m_joinerNs});
    }

    void codeAloneFindsTheOtherHost()
    {
        QTemporaryDir dir;
        NsHearth host(m_hostNs, dir, u"Ana"_s, {u"--room-name"_s, u"Netns night"_s});
        const auto hosting =
            host.waitForLine(uR"(^hearth: hosting room "Netns night" with code ([A-Z2-9]{6})$)"_s);
        QVERIFY2(hosting.hasMatch(), qPrintable(host.transcript()));
        const QString code = hosting.captured(1);
        // wss:// once the host serves TLS: the code then vouches for its certificate.
        const auto address = host.waitForLine(uR"(^hearth: address (wss?://10\.77\.0\.1:\d+/)$)"_s);
        QVERIFY2(address.hasMatch(), qPrintable(host.transcript()));

        NsHearth joiner(m_joinerNs, dir, u"Ben"_s, {u"join"_s, code.toLower()});
        const auto joined =
            joiner.waitForLine(uR"(^hearth: joined room "Netns night" with code )"_s + code);
        QVERIFY2(joined.hasMatch(), qPrintable(joiner.transcript()));
        // The joiner went where the code's answer sent it, with the host's own scheme.
        QVERIFY2(joiner
                     .waitForLine(u"^hearth: address "_s +
                                  QRegularExpression::escape(address.captured(1)) + u"$"_s)
                     .hasMatch(),
                 qPrintable(joiner.transcript()));
        joiner.process().write("/quit\n");
        QVERIFY(joiner.process().waitForFinished(10000));

        NsHearth lost(m_joinerNs, dir, u"Chloe"_s,
                      {u"join"_s, code == u"ZZZZZZ"_s ? u"YYYYYY"_s : u"ZZZZZZ"_s});
        QVERIFY(lost.process().waitForFinished(15000));
        QVERIFY(lost.process().exitCode() != 0);
        const QString why = lost.transcript();
        QVERIFY2(why.contains(u"No host on this network answered"_s), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(tst_LanDiscoveryNetns)
#include "tst_landiscovery_netns.moc"
