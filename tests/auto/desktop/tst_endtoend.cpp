// Two real `hearth` processes: one hosts a room headless, the other joins it with the printed
// address and code. A line typed into one appears as a chat message in the other, both ways;
// stopping the host (SIGTERM) tells the joiner the room closed, and both exit cleanly.
//
// Each process has its own profile and its own config/data directories. The identities go to
// the real keychain when a Secret Service runs (the entries are deleted afterwards), else to
// the documented file fallback — the processes choose, exactly as installed copies would.

#include "desktoptest.h"
#include "relayserver.h"
#include "security/fingerprint.h"
#include "testserver.h"

#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace {

// A `hearth` process whose stdout is collected line by line.
class Hearth
{
public:
    Hearth(const QTemporaryDir &dir, const QString &name)
        : m_profile(
              u"e2e-%1-%2"_s.arg(name.toLower()).arg(QRandomGenerator::global()->generate(), 0, 16))
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(name + u"/config"_s));
        env.insert(u"XDG_DATA_HOME"_s, dir.filePath(name + u"/data"_s));
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        env.remove(u"QT_QPA_PLATFORM"_s);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
    }

    ~Hearth()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        // The identity this run stored in the keychain, if it did.
        QKeychain::DeletePasswordJob job(u"hearth"_s);
        job.setAutoDelete(false);
        job.setKey(u"identity:"_s + m_profile);
        QSignalSpy finished(&job, &QKeychain::Job::finished);
        job.start();
        finished.wait(5000);
    }

    void start(const QStringList &arguments)
    {
        m_process.start(QStringLiteral(HEARTH_BINARY),
                        arguments + QStringList{u"--headless"_s, u"--profile"_s, m_profile});
    }

    // Waits for a stdout line matching `pattern`; returns its match (empty on timeout).
    QRegularExpressionMatch waitForLine(const QString &pattern, int timeoutMs = 15000)
    {
        const QRegularExpression re(pattern);
        QRegularExpressionMatch match;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                while (m_process.canReadLine()) {
                    const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
                    m_lines << line;
                }
                for (; m_scanned < m_lines.size(); ++m_scanned) {
                    match = re.match(m_lines.at(m_scanned));
                    if (match.hasMatch()) {
                        ++m_scanned;
                        return true;
                    }
                }
                return m_process.state() == QProcess::NotRunning && m_process.bytesAvailable() == 0;
            },
            timeoutMs);
        return match;
    }

    // True once the process has ended. Events are processed meanwhile: a server or TLS front
    // in this process must go on answering it.
    bool finished(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; },
                               timeoutMs);
    }

    void type(const QString &line) { m_process.write(line.toUtf8() + '\n'); }
    QProcess &process() { return m_process; }
    QString transcript() const
    {
        return m_lines.join(u'\n') + u"\n--- stderr:\n"_s +
               QString::fromUtf8(const_cast<QProcess &>(m_process).readAllStandardError());
    }

private:
    QString m_profile;
    QProcess m_process;
    QStringList m_lines;
    qsizetype m_scanned = 0;
};

} // namespace

class tst_EndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messagesCrossBetweenTwoProcesses()
    {
        QTemporaryDir dir;
        Hearth host(dir, u"Ana"_s);
        host.start({u"--name"_s, u"Ana"_s, u"--room-name"_s, u"End to end"_s, u"--port"_s, u"0"_s});
        const auto hosting =
            host.waitForLine(uR"(^hearth: hosting room "End to end" with code ([A-Z2-9]{6})$)"_s);
        QVERIFY2(hosting.hasMatch(), qPrintable(host.transcript()));
        const QString code = hosting.captured(1);
        // The host serves wss:// with its installation's certificate, and says its words.
        const auto address = host.waitForLine(uR"(^hearth: address wss://[^:/]+:(\d+)/$)"_s);
        QVERIFY2(address.hasMatch(), qPrintable(host.transcript()));
        const QString port = address.captured(1);
        const auto hostWords = host.waitForLine(u"^hearth: certificate words: (.+)$"_s);
        QVERIFY2(hostWords.hasMatch(), qPrintable(host.transcript()));
        QVERIFY2(!hostWords.captured(1).startsWith(u"none"_s), qPrintable(host.transcript()));

        Hearth joiner(dir, u"Ben"_s);
        // Typed the way a person would: lower case with a dash; the address as the host printed
        // it, on loopback (its first use: the certificate is pinned).
        joiner.start({u"join"_s, u"wss://127.0.0.1:%1/"_s.arg(port),
                      code.left(3).toLower() + u'-' + code.mid(3).toLower(), u"--name"_s,
                      u"Ben"_s});
        QVERIFY2(joiner.waitForLine(uR"(^hearth: joined room "End to end" with code )"_s + code)
                     .hasMatch(),
                 qPrintable(joiner.transcript()));
        // The joiner reached the host's own certificate: the same four words on both sides.
        QVERIFY2(joiner
                     .waitForLine(u"^hearth: certificate words: "_s +
                                  QRegularExpression::escape(hostWords.captured(1)) + u'$')
                     .hasMatch(),
                 qPrintable(joiner.transcript()));
        QVERIFY2(joiner.waitForLine(u"^hearth: in the room \\(2/10\\): Ana \\(host\\), Ben$"_s)
                     .hasMatch(),
                 qPrintable(joiner.transcript()));
        QVERIFY2(host.waitForLine(u"\\* Ben joined\\.$"_s).hasMatch(),
                 qPrintable(host.transcript()));

        // Typed into the joiner, shown by the host; and the other way round.
        joiner.type(u"hello from Ben <b>not bold</b>"_s);
        QVERIFY2(host.waitForLine(u"^\\[\\d\\d:\\d\\d:\\d\\d\\] <Ben> hello from Ben "
                                  "<b>not bold</b>$"_s)
                     .hasMatch(),
                 qPrintable(host.transcript()));
        host.type(u"hi Ben, welcome"_s);
        QVERIFY2(joiner.waitForLine(u"<Ana> hi Ben, welcome$"_s).hasMatch(),
                 qPrintable(joiner.transcript()));

        // Stopping the host closes the room for the joiner; both exit with 0.
        host.process().terminate();
        QVERIFY2(host.waitForLine(u"^hearth: closing the room$"_s).hasMatch(),
                 qPrintable(host.transcript()));
        QVERIFY(host.finished());
        QCOMPARE(host.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(host.process().exitCode(), 0);
        QVERIFY2(joiner.waitForLine(u"^hearth: the room ended \\(closed\\)$"_s).hasMatch(),
                 qPrintable(joiner.transcript()));
        QVERIFY(joiner.finished());
        QCOMPARE(joiner.process().exitCode(), 0);
    }

    // `hearth join --headless` over wss:// (a TLS front before an in-process server): it prints
    // the words of the certificate it reached, pins it, refuses another one later with the
    // warning and status 1, and joins with --trust-new-certificate.
    void headlessJoinerPinsAndStopsAtAChangedCertificate()
    {
        QString why;
        if (TestServer::postgresMissing(&why))
            QSKIP(qPrintable(why));
        QTemporaryDir dir;
        TestServer first;
        QVERIFY(first.start());
        auto firstHost = readyClient(first.url());
        QVERIFY(firstHost);
        const auto firstRoom = createRoom(firstHost.get(), {u"First"_s, {}, 4, {}, {}});
        QVERIFY(firstRoom);
        const HostCertificate certificate1 = HostCertificate::generate(u"one"_s);
        const QString words1 = Fingerprint::wordsText(Fingerprint::of(certificate1.certificate()));
        auto front = std::make_unique<RelayServer>(first.url(), certificate1);
        QVERIFY(front->listen());
        const QString address = front->url().toString();
        const quint16 port = front->port();

        Hearth ben(dir, u"Ben"_s);
        ben.start({u"join"_s, address, firstRoom->room.code, u"--name"_s, u"Ben"_s});
        QVERIFY2(ben.waitForLine(u"^hearth: certificate words: "_s +
                                 QRegularExpression::escape(words1) + u'$')
                     .hasMatch(),
                 qPrintable(ben.transcript()));
        ben.type(u"/quit"_s);
        QVERIFY(ben.finished());
        QCOMPARE(ben.process().exitCode(), 0);

        // The same address now shows another certificate (here: another host behind it).
        TestServer second;
        QVERIFY(second.start());
        auto secondHost = readyClient(second.url());
        QVERIFY(secondHost);
        const auto secondRoom = createRoom(secondHost.get(), {u"Second"_s, {}, 4, {}, {}});
        QVERIFY(secondRoom);
        const HostCertificate certificate2 = HostCertificate::generate(u"two"_s);
        const QString words2 = Fingerprint::wordsText(Fingerprint::of(certificate2.certificate()));
        front.reset();
        front = std::make_unique<RelayServer>(second.url(), certificate2);
        QVERIFY(front->listen(port));

        ben.start({u"join"_s, address, secondRoom->room.code, u"--name"_s, u"Ben"_s});
        QVERIFY(ben.finished(20000));
        QCOMPARE(ben.process().exitCode(), 1);
        const QString refused = ben.transcript();
        QVERIFY2(refused.contains(words1) && refused.contains(words2), qPrintable(refused));
        QVERIFY2(refused.contains(u"--trust-new-certificate"_s), qPrintable(refused));
        QVERIFY(front->received().isEmpty()); // not even hello

        ben.start({u"join"_s, address, secondRoom->room.code, u"--name"_s, u"Ben"_s,
                   u"--trust-new-certificate"_s});
        QVERIFY2(ben.waitForLine(u"^hearth: certificate words: "_s +
                                 QRegularExpression::escape(words2) + u'$')
                     .hasMatch(),
                 qPrintable(ben.transcript()));
        ben.type(u"/quit"_s);
        QVERIFY(ben.finished());
        QCOMPARE(ben.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_EndToEnd)
#include "tst_endtoend.moc"
