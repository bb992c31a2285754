// LAN discovery between two separate hosts, with discovery in its automatic mode (broadcast on
// every up interface, the IPv6 group on every multicast interface) as installed copies use it.
// The hosts are two network namespaces joined by a veth pair that exists only for this test:
// nothing reaches a real network. A headless `hearth` hosts a room in one; `hearth join CODE`
// in the other finds it by the code alone and joins, and a wrong code finds nothing.
//
// A second layout puts a machine in the middle (Mallory) between the joiner and the host: it does
// not know the code, but relays the joiner's queries to the host and the host's answers back —
// once with its own certificate's fingerprint put in (the joiner drops every such answer and
// finds nothing), once untouched (the joiner goes on to Mallory's address with the real host's
// port and certificate, meets the room server Mallory runs there with her own certificate, and
// refuses it). The relay is this test binary run with --relay in Mallory's
// namespace.
//
// Needs root and `ip netns` (iproute2); where the machine does not allow it, the test skips and
// says why.

#include "discovery/discoveryconfig.h"
#include "discovery/lanwire.h"
#include "security/fingerprint.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QCryptographicHash>
#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkDatagram>
#include <QtNetwork/QUdpSocket>
#include <QtTest/QTest>

#include <cstdio>

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
    enum class Kind { Person, Server };
    // A Person runs headless with its own name and identity file; a Server is `hearth serve`
    // with exactly `args`.
    NsHearth(const QString &ns, const QTemporaryDir &dir, const QString &name,
             const QStringList &args, Kind kind = Kind::Person)
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
        const QStringList person{u"--headless"_s, u"--name"_s, name, u"--identity-file"_s,
                                 dir.filePath(name + u".json"_s)};
        m_process.start(u"ip"_s,
                        QStringList{u"netns"_s, u"exec"_s, ns, QStringLiteral(HEARTH_BINARY)} +
                            args + (kind == Kind::Person ? person : QStringList()));
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

// Mallory's relay: `--relay JOINER_SIDE_BROADCAST HOST_SIDE_BROADCAST forge|pass`. Hears
// queries on the discovery port, passes them on to the host's side from a port of its own, and
// sends each answer back to the asker, with Mallory's fingerprint in place of the host's when
// forging. Prints "relayed" per answer.
int runRelay(const QStringList &args)
{
    if (args.size() < 5)
        return 2;
    const QHostAddress joinerSide(args.at(2));
    const QHostAddress hostSide(args.at(3));
    const bool forge = args.at(4) == "forge"_L1;
    const QByteArray malloryFingerprint =
        QCryptographicHash::hash("mallory", QCryptographicHash::Sha256);
    // The port the `hearth` processes use (ctest sets HEARTH_DISCOVERY_PORT for every test).
    const quint16 port = DiscoveryConfig::fromEnvironment().port;
    QUdpSocket listen;
    QUdpSocket ask;
    if (!listen.bind(QHostAddress::AnyIPv4, port,
                     QUdpSocket::ShareAddress | QUdpSocket::ReuseAddressHint) ||
        !ask.bind(QHostAddress::AnyIPv4, 0))
        return 3;
    QHostAddress asker;
    quint16 askerPort = 0;
    QObject::connect(&listen, &QUdpSocket::readyRead, [&] {
        while (listen.hasPendingDatagrams()) {
            const QNetworkDatagram datagram = listen.receiveDatagram();
            const auto m = LanWire::decode(datagram.data());
            // Only the joiner's side's queries (not Mallory's own, looped back).
            if (!m || m->type != LanWire::Type::Query ||
                !datagram.senderAddress().isInSubnet(joinerSide, 24))
                continue;
            asker = datagram.senderAddress();
            askerPort = quint16(datagram.senderPort());
            ask.writeDatagram(datagram.data(), hostSide, port);
        }
    });
    QObject::connect(&ask, &QUdpSocket::readyRead, [&] {
        while (ask.hasPendingDatagrams()) {
            const auto m = LanWire::decode(ask.receiveDatagram().data());
            if (!m || m->type != LanWire::Type::Answer || askerPort == 0)
                continue;
            listen.writeDatagram(LanWire::encodeAnswer(m->nonce, m->port, m->instance,
                                                       forge ? malloryFingerprint : m->fingerprint,
                                                       m->proof),
                                 asker, askerPort);
            std::printf("relayed\n");
            std::fflush(stdout);
        }
    });
    std::printf("relaying\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

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

    // Joiner —— Mallory —— host: the host is reachable from the joiner's network only through
    // Mallory's relay.
    void aRelayCannotVouchForAnotherCertificate()
    {
        if (!m_ready)
            QSKIP("no network namespaces here");
        const QString tag = QString::number(QRandomGenerator::global()->generate() % 100000);
        const QString hostNs = u"hearth-rh"_s + tag, joinerNs = u"hearth-rj"_s + tag,
                      malloryNs = u"hearth-rm"_s + tag;
        struct Cleanup {
            QStringList namespaces;
            ~Cleanup()
            {
                for (const QString &ns : namespaces)
                    ip({u"netns"_s, u"del"_s, ns});
            }
        } cleanup{{hostNs, joinerNs, malloryNs}};
        const QString j = u"rj"_s + tag, mj = u"rmj"_s + tag, mh = u"rmh"_s + tag,
                      h = u"rh"_s + tag;
        const QList<QStringList> steps{
            {u"netns"_s, u"add"_s, hostNs},
            {u"netns"_s, u"add"_s, joinerNs},
            {u"netns"_s, u"add"_s, malloryNs},
            {u"link"_s, u"add"_s, j, u"type"_s, u"veth"_s, u"peer"_s, u"name"_s, mj},
            {u"link"_s, u"add"_s, h, u"type"_s, u"veth"_s, u"peer"_s, u"name"_s, mh},
            {u"link"_s, u"set"_s, j, u"netns"_s, joinerNs},
            {u"link"_s, u"set"_s, mj, u"netns"_s, malloryNs},
            {u"link"_s, u"set"_s, mh, u"netns"_s, malloryNs},
            {u"link"_s, u"set"_s, h, u"netns"_s, hostNs},
            {u"-n"_s, joinerNs, u"addr"_s, u"add"_s, u"10.79.0.2/24"_s, u"brd"_s, u"+"_s, u"dev"_s,
             j},
            {u"-n"_s, malloryNs, u"addr"_s, u"add"_s, u"10.79.0.3/24"_s, u"brd"_s, u"+"_s, u"dev"_s,
             mj},
            {u"-n"_s, malloryNs, u"addr"_s, u"add"_s, u"10.80.0.3/24"_s, u"brd"_s, u"+"_s, u"dev"_s,
             mh},
            {u"-n"_s, hostNs, u"addr"_s, u"add"_s, u"10.80.0.1/24"_s, u"brd"_s, u"+"_s, u"dev"_s,
             h},
        };
        QString why;
        for (const QStringList &step : steps)
            QVERIFY2(ip(step, &why), qPrintable(why));
        for (const auto &[ns, dev] : {std::pair{joinerNs, j},
                                      {malloryNs, mj},
                                      {malloryNs, mh},
                                      {hostNs, h},
                                      {joinerNs, u"lo"_s},
                                      {hostNs, u"lo"_s},
                                      {malloryNs, u"lo"_s}})
            QVERIFY2(ip({u"-n"_s, ns, u"link"_s, u"set"_s, dev, u"up"_s}, &why), qPrintable(why));

        QTemporaryDir dir;
        NsHearth host(hostNs, dir, u"Ana"_s, {u"--room-name"_s, u"Relayed night"_s});
        const auto hosting = host.waitForLine(
            uR"(^hearth: hosting room "Relayed night" with code ([A-Z2-9]{6})$)"_s);
        QVERIFY2(hosting.hasMatch(), qPrintable(host.transcript()));
        const QString code = hosting.captured(1);
        const auto address =
            host.waitForLine(uR"(^hearth: address (wss?)://10\.80\.0\.1:(\d+)/$)"_s);
        QVERIFY2(address.hasMatch(), qPrintable(host.transcript()));
        const QString hostPort = address.captured(2);
        // The certificate the host really serves: its words, when it serves TLS.
        const auto words = host.waitForLine(u"^hearth: certificate words: (.+)$"_s, 5000);
        QVERIFY2(words.hasMatch(), qPrintable(host.transcript()));
        // Mallory also runs a room server of her own (her own certificate) at the address and
        // port the untouched answer leads to.
        NsHearth mallory(malloryNs, dir, u"Mallory"_s,
                         {u"serve"_s, u"--bind"_s, u"10.79.0.3"_s, u"--port"_s, hostPort, u"--db"_s,
                          dir.filePath(u"mallory.sqlite"_s), u"--no-discovery"_s},
                         NsHearth::Kind::Server);
        QVERIFY2(mallory.waitForLine(u"listening on wss://10\\.79\\.0\\.3:"_s).hasMatch(),
                 qPrintable(mallory.transcript()));

        for (const QString &mode : {u"forge"_s, u"pass"_s}) {
            QProcess relay;
            relay.start(u"ip"_s,
                        {u"netns"_s, u"exec"_s, malloryNs, QCoreApplication::applicationFilePath(),
                         u"--relay"_s, u"10.79.0.255"_s, u"10.80.0.255"_s, mode});
            QVERIFY(relay.waitForReadyRead(10000));
            QVERIFY(relay.readLine().startsWith("relaying"));

            NsHearth joiner(joinerNs, dir, u"Ben"_s + mode, {u"join"_s, code});
            QVERIFY(joiner.process().waitForFinished(20000));
            const QString transcript = joiner.transcript();
            relay.waitForReadyRead(1000);
            relay.kill();
            relay.waitForFinished(5000);
            const QByteArray relayed = relay.readAllStandardOutput();
            QVERIFY2(relayed.contains("relayed"), qPrintable(transcript));
            // Nothing joins: a forged answer is dropped, and an untouched one leads to
            // Mallory's address, where her server cannot present the host's certificate.
            QVERIFY2(joiner.process().exitCode() != 0, qPrintable(transcript));
            if (mode == "forge"_L1) {
                QVERIFY2(transcript.contains(u"does not prove the code"_s), qPrintable(transcript));
                QVERIFY2(transcript.contains(u"No host on this network answered"_s),
                         qPrintable(transcript));
                QVERIFY(!transcript.contains(u"the code vouches for certificate"_s));
            } else {
                // Found with the host's port and the host's own certificate (none while it
                // serves plain ws://).
                const QRegularExpression found(
                    uR"(room %1 is at %2://10\.79\.0\.3:%3/ after \d+ ms; the code vouches for certificate (\S+))"_s
                        .arg(code, address.captured(1), hostPort));
                const auto match = found.match(transcript);
                QVERIFY2(match.hasMatch(), qPrintable(transcript));
                QCOMPARE(Fingerprint::wordsText(QByteArray::fromHex(match.captured(1).toLatin1())),
                         words.captured(1));
                QVERIFY(!transcript.contains(u"does not prove the code"_s));
                // The joiner met Mallory's server and refused its certificate, naming the
                // words it expected (the host's).
                QVERIFY2(transcript.contains(u"but %1 were expected"_s.arg(words.captured(1))),
                         qPrintable(transcript));
                QVERIFY2(!transcript.contains(u"hearth: joined"_s), qPrintable(transcript));
            }
        }
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

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (app.arguments().value(1) == "--relay"_L1)
        return runRelay(app.arguments());
    tst_LanDiscoveryNetns test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_landiscovery_netns.moc"
