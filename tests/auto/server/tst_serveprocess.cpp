// The real `hearth serve` process: version, bad options, a clean stop on SIGTERM/SIGINT (close
// code 1001, exit code 0, everything back after a restart) and kill -9 right after a burst of
// acknowledged messages (every acknowledged message is in the history after a restart). TLS by
// default (its own certificate, made once in an owner-only file and kept; its fingerprint words
// printed), an operator's certificate, --no-tls and its warning, --transport.

#include "protocol/identity.h"
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "serverprocess.h"
#include "storage/sqlstorage.h"
#include "testclient.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QMap>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <csignal>
#include <memory>
#include <vector>

#include "protocolhelpers.h"

using namespace ProtocolHelpers;

namespace {
// `hearth` with arguments, to the end; (exit code, stdout, stderr). Exit code -1: crashed or hung.
struct Finished {
    int exitCode = -1;
    QString out;
    QString err;
};

Finished runHearth(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(HEARTH_BINARY), arguments);
    Finished f;
    if (!process.waitForFinished(15000)) {
        process.kill();
        process.waitForFinished(5000);
        return f;
    }
    f.out = QString::fromUtf8(process.readAllStandardOutput());
    f.err = QString::fromUtf8(process.readAllStandardError());
    if (process.exitStatus() == QProcess::NormalExit)
        f.exitCode = process.exitCode();
    return f;
}

// `hearth serve` for the signal tests: unlike ServerProcess::terminate(), which blocks this
// thread (so clients cannot answer the server's close) and signals whatever processId() is, this
// one sends the signal only to a running child and waits with the event loop running.
class Serve
{
public:
    explicit Serve(QString database, QStringList extra = {})
        : m_database(std::move(database))
        , m_extra(std::move(extra))
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
    }
    ~Serve()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool start()
    {
        m_out.clear();
        m_url.clear();
        m_process.start(QStringLiteral(HEARTH_BINARY),
                        QStringList{str("serve"), str("--port"), str("0"), str("--bind"),
                                    str("127.0.0.1"), str("--db"), m_database} +
                            m_extra);
        if (!m_process.waitForStarted(10000))
            return false;
        const QString marker = str("hearth: listening on ");
        const bool ready = QTest::qWaitFor(
            [&] {
                m_out += QString::fromUtf8(m_process.readAllStandardOutput());
                const qsizetype at = m_out.indexOf(marker);
                const qsizetype end = at < 0 ? -1 : m_out.indexOf(u'\n', at);
                if (end < 0)
                    return m_process.state() == QProcess::NotRunning;
                m_url = QUrl(m_out.mid(at + marker.size(), end - at - marker.size()).trimmed());
                // The lines after it (transport, certificate) are printed at once.
                return m_out.contains(str("hearth: LAN discovery"));
            },
            10000);
        return ready && m_url.isValid() && m_process.state() == QProcess::Running;
    }

    bool signal(int number)
    {
        if (m_process.state() != QProcess::Running || m_process.processId() <= 0)
            return false;
        return ::kill(pid_t(m_process.processId()), number) == 0;
    }

    // With the event loop running, so that clients can answer the close handshake.
    bool waitForExit(int timeoutMs)
    {
        return QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; },
                               timeoutMs);
    }

    bool exitedNormally() const { return m_process.exitStatus() == QProcess::NormalExit; }
    int exitCode() const { return m_process.exitCode(); }
    QString errors() { return QString::fromUtf8(m_process.readAllStandardError()); }
    QUrl url() const { return m_url; }
    QString output() const { return m_out; }

private:
    QString m_database;
    QStringList m_extra;
    QProcess m_process;
    QString m_out;
    QUrl m_url;
};

// Every event of a room, through history pages of 200 from the start.
QList<QJsonObject> wholeHistory(TestClient &c, const QString &room)
{
    QList<QJsonObject> all;
    qint64 after = 0;
    for (;;) {
        const QJsonObject reply = c.request(
            req("history", {{str("room"), room}, {str("after"), after}, {str("limit"), 200}}));
        if (!ok(reply))
            return {};
        const QJsonObject result = reply.value(str("result")).toObject();
        const QJsonArray events = result.value(str("events")).toArray();
        for (const QJsonValue &e : events)
            all.append(e.toObject());
        if (!result.value(str("hasMore")).toBool() || events.isEmpty())
            return all;
        after = events.last().toObject().value(str("seq")).toInteger();
    }
}

bool gapless(const QList<QJsonObject> &events)
{
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events[i].value(str("seq")).toInteger() != i + 1)
            return false;
    }
    return true;
}
} // namespace

class tst_ServeProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString freshDatabase()
    {
        static int n = 0;
        return m_dir.filePath(QStringLiteral("db%1/hearth.sqlite").arg(++n));
    }

    // Where `hearth serve` keeps its own certificate: the data directory, here the test's.
    QString ownCertificatePath() const
    {
        return m_dir.filePath(QStringLiteral("data/hearth/serve-tls.pem"));
    }

    QSslCertificate ownCertificate() const
    {
        QFile file(ownCertificatePath());
        if (!file.open(QIODevice::ReadOnly))
            return QSslCertificate();
        const auto all = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        return all.isEmpty() ? QSslCertificate() : all.first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The processes keep their certificate here, never in the real data directory.
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    }

    void version_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--version") << str("--version");
        QTest::newRow("-v") << str("-v");
    }

    void version()
    {
        QFETCH(QString, option);
        const Finished f = runHearth({option});
        QCOMPARE(f.exitCode, 0);
        QCOMPARE(f.out, str("hearth " HEARTH_VERSION "\n"));
        QVERIFY2(f.err.isEmpty(), qPrintable(f.err));
    }

    void badOptions_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions"); // what stderr must say
        QTest::newRow("port abc") << QStringList{str("--port"), str("abc")} << str("--port");
        QTest::newRow("port 70000") << QStringList{str("--port"), str("70000")} << str("--port");
        QTest::newRow("port -1") << QStringList{str("--port"), str("-1")} << str("--port");
        QTest::newRow("bind to a name")
            << QStringList{str("--bind"), str("not-an-address")} << str("--bind");
        QTest::newRow("sync sometimes")
            << QStringList{str("--sync"), str("sometimes")} << str("--sync");
        QTest::newRow("grace 0") << QStringList{str("--grace"), str("0")} << str("--grace");
        QTest::newRow("idle-timeout x")
            << QStringList{str("--idle-timeout"), str("x")} << str("--idle-timeout");
        QTest::newRow("empty-room-expiry -5")
            << QStringList{str("--empty-room-expiry"), str("-5")} << str("--empty-room-expiry");
        QTest::newRow("history-limit -1")
            << QStringList{str("--history-limit"), str("-1")} << str("--history-limit");
        QTest::newRow("unknown option") << QStringList{str("--frobnicate")} << str("frobnicate");
        QTest::newRow("missing value") << QStringList{str("--grace")} << str("grace");
        QTest::newRow("database in a place that cannot be made")
            << QStringList{str("--db"), str("/proc/hearth-test/x/hearth.sqlite")} << str("/proc");
        QTest::newRow("database of a newer schema")
            << QStringList{str("--db"), str("@NEWER@")} << str("newer");
        QTest::newRow("port in use")
            << QStringList{str("--port"), str("@BUSY@")} << str("cannot listen");
        QTest::newRow("transport carrier-pigeon")
            << QStringList{str("--transport"), str("carrier-pigeon")} << str("--transport");
#ifdef HEARTH_NATIVE_TRANSPORT
        QTest::newRow("native without --no-tls")
            << QStringList{str("--transport"), str("native")} << str("--no-tls");
#else
        QTest::newRow("native not in this build")
            << QStringList{str("--transport"), str("native"), str("--no-tls")}
            << str("HEARTH_NATIVE_TRANSPORT");
#endif
        QTest::newRow("tls-cert without tls-key")
            << QStringList{str("--tls-cert"), str("/nonexistent.pem")} << str("--tls-key");
        QTest::newRow("tls-cert that is not there")
            << QStringList{str("--tls-cert"), str("/nonexistent/cert.pem"), str("--tls-key"),
                           str("/nonexistent/key.pem")}
            << str("/nonexistent/cert.pem");
        QTest::newRow("tls-cert that is not a certificate")
            << QStringList{str("--tls-cert"), str("@GARBAGE@"), str("--tls-key"), str("@GARBAGE@")}
            << str("no PEM certificate");
        QTest::newRow("no-tls with tls-cert")
            << QStringList{str("--no-tls"), str("--tls-cert"), str("a"), str("--tls-key"), str("b")}
            << str("contradict");
    }

    void badOptions()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);

        QTcpServer busy;
        for (QString &a : arguments) {
            if (a == str("@NEWER@")) {
                a = freshDatabase();
                {
                    SqlStorage storage(a, false);
                    QVERIFY2(storage.open(), qPrintable(storage.errorString()));
                }
                {
                    QSqlDatabase db = QSqlDatabase::addDatabase(str("QSQLITE"), str("newer"));
                    db.setDatabaseName(a);
                    QVERIFY(db.open());
                    QSqlQuery q(db);
                    QVERIFY(q.exec(str("INSERT INTO schema_version (version, applied_at) "
                                       "VALUES (999, 0)")));
                    q.finish();
                    db.close();
                }
                QSqlDatabase::removeDatabase(str("newer"));
            } else if (a == str("@GARBAGE@")) {
                a = m_dir.filePath(str("garbage.pem"));
                QFile garbage(a);
                QVERIFY(garbage.open(QIODevice::WriteOnly));
                garbage.write("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n");
            } else if (a == str("@BUSY@")) {
                QVERIFY(busy.listen(QHostAddress(QHostAddress::LocalHost), 0));
                a = QString::number(busy.serverPort());
            }
        }
        QStringList all{str("serve"), str("--bind"), str("127.0.0.1")};
        if (!arguments.contains(str("--db")))
            all += {str("--db"), freshDatabase()};
        if (!arguments.contains(str("--port")))
            all += {str("--port"), str("0")};
        all += arguments;

        const Finished f = runHearth(all);
        QVERIFY2(f.exitCode != 0, qPrintable(f.out));
        QVERIFY2(f.err.contains(mentions), qPrintable(f.err));
        QVERIFY2(!f.out.contains(str("listening on")), qPrintable(f.out));
        QCOMPARE(f.exitCode, 2);
    }

    void stopsCleanlyOnSignal_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    void stopsCleanlyOnSignal()
    {
        QFETCH(int, signal);
        const QString database = freshDatabase();
        Serve server(database); // wss:// with its own certificate
        QVERIFY(server.start());
        QCOMPARE(server.url().scheme(), str("wss"));
        const QSslCertificate certificate = ownCertificate();
        QVERIFY(!certificate.isNull());

        auto host = std::make_unique<TestClient>(), ben = std::make_unique<TestClient>(),
             lurker = std::make_unique<TestClient>(), mute = std::make_unique<TestClient>();
        for (TestClient *c : {host.get(), ben.get(), lurker.get(), mute.get()}) {
            c->trustCertificate(certificate);
            QVERIFY(c->connectTo(server.url()));
        }
        QVERIFY(host->hello() && ben->hello() && lurker->hello()); // mute never says hello
        const Identity hostIdentity = host->identity(), benIdentity = ben->identity();
        const QString code = host->createRoom(str("Durable"), str("Ana"))
                                 .value(str("room"))
                                 .toObject()
                                 .value(str("code"))
                                 .toString();
        QVERIFY(!code.isEmpty());
        QVERIFY(!ben->joinRoom(code, str("Ben")).isEmpty());
        QStringList texts;
        for (int i = 0; i < 10; ++i) {
            texts.append(str("line %1 \xE2\x9C\x93 \"quoted\"").arg(i));
            QVERIFY(ok((i % 2 ? ben : host)
                           ->request(req("send_chat",
                                         {{str("room"), code}, {str("text"), texts.last()}}))));
        }

        QVERIFY(server.signal(signal));
        for (TestClient *c : {host.get(), ben.get(), lurker.get(), mute.get()}) {
            QVERIFY(c->waitForDisconnected(10000));
            QCOMPARE(c->closeCode(), 1001);
        }
        QVERIFY(server.waitForExit(10000));
        QVERIFY(server.exitedNormally());
        QCOMPARE(server.exitCode(), 0);

        // Restart on the same file: the room, its people and its history are back.
        Serve again(database);
        QVERIFY(again.start());
        TestClient back;
        back.trustCertificate(certificate);
        QVERIFY(back.connectTo(again.url()));
        QVERIFY(back.hello(hostIdentity));
        const QJsonObject snapshot = back.joinRoom(code, str("Ana"));
        QCOMPARE(back.lastError(), QString());
        QVERIFY(snapshot.value(str("rejoined")).toBool());
        QCOMPARE(snapshot.value(str("room")).toObject().value(str("name")).toString(),
                 str("Durable"));
        QCOMPARE(snapshot.value(str("participants")).toArray().size(), 2);
        const QList<QJsonObject> history = wholeHistory(back, code);
        QVERIFY(gapless(history));
        QStringList chats;
        for (const QJsonObject &e : history) {
            if (e.value(str("event")).toString() == str("chat"))
                chats.append(e.value(str("data")).toObject().value(str("text")).toString());
        }
        QCOMPARE(chats, texts);
        // Ben is still a member, shown offline until he comes back.
        TestClient benBack;
        benBack.trustCertificate(certificate);
        QVERIFY(benBack.connectTo(again.url()));
        QVERIFY(benBack.hello(benIdentity));
        QVERIFY(benBack.joinRoom(code, str("Ben")).value(str("rejoined")).toBool());

        QVERIFY(again.signal(SIGTERM));
        QVERIFY(again.waitForExit(10000));
        QCOMPARE(again.exitCode(), 0);
    }

    void tlsByDefault()
    {
        QFile::remove(ownCertificatePath());
        Serve first(freshDatabase());
        QVERIFY(first.start());
        QCOMPARE(first.url().scheme(), str("wss"));
        // Made now, owner-only, and what the process printed is its fingerprint.
        QVERIFY2(first.output().contains(str("certificate made now in")),
                 qPrintable(first.output()));
        QCOMPARE(QFile::permissions(ownCertificatePath()),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser |
                     QFileDevice::WriteUser);
        const QSslCertificate certificate = ownCertificate();
        QVERIFY(!certificate.isNull());
        const QByteArray fingerprint = Fingerprint::of(certificate);
        QVERIFY2(first.output().contains(str("hearth: certificate words: ") +
                                         Fingerprint::wordsText(fingerprint) + u'\n'),
                 qPrintable(first.output()));
        QVERIFY(first.output().contains(Fingerprint::toHex(fingerprint)));
        QVERIFY(!first.output().contains(str("WARNING")));

        // A client that trusts exactly that certificate talks; one that trusts another does not.
        TestClient trusting;
        trusting.trustCertificate(certificate);
        QVERIFY(trusting.connectTo(first.url()));
        QVERIFY(trusting.hello());
        TestClient other;
        other.trustCertificate(HostCertificate::generate(str("someone else")).certificate());
        QVERIFY(!other.connectTo(first.url(), 3000));
        QVERIFY(!other.sslErrors().isEmpty());
        QVERIFY(first.signal(SIGTERM));
        QVERIFY(first.waitForExit(10000));

        // Kept: the next start serves the same certificate.
        Serve second(freshDatabase());
        QVERIFY(second.start());
        QVERIFY2(second.output().contains(str("certificate from")), qPrintable(second.output()));
        QVERIFY(second.output().contains(Fingerprint::wordsText(fingerprint)));
        QCOMPARE(ownCertificate(), certificate);
        QVERIFY(second.signal(SIGTERM));
        QVERIFY(second.waitForExit(10000));
    }

    void operatorCertificate()
    {
        const HostCertificate mine = HostCertificate::generate(str("operator"));
        QVERIFY(mine.isValid());
        const QString certPath = m_dir.filePath(str("op-cert.pem"));
        const QString keyPath = m_dir.filePath(str("op-key.pem"));
        for (const auto &[path, pem] :
             {std::pair{certPath, mine.certificatePem}, std::pair{keyPath, mine.privateKeyPem}}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(pem);
        }
        Serve server(freshDatabase(), {str("--tls-cert"), certPath, str("--tls-key"), keyPath});
        QVERIFY(server.start());
        QCOMPARE(server.url().scheme(), str("wss"));
        QVERIFY2(
            server.output().contains(Fingerprint::wordsText(Fingerprint::of(mine.certificate()))),
            qPrintable(server.output()));
        TestClient client;
        client.trustCertificate(mine.certificate());
        QVERIFY(client.connectTo(server.url()));
        QVERIFY(client.hello());
        QVERIFY(server.signal(SIGTERM));
        QVERIFY(server.waitForExit(10000));
    }

    void plainWithWarning_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::newRow("qt") << str("qt");
#ifdef HEARTH_NATIVE_TRANSPORT
        QTest::newRow("native") << str("native");
#endif
    }

    void plainWithWarning()
    {
        QFETCH(QString, transport);
        Serve server(freshDatabase(), {str("--no-tls"), str("--transport"), transport});
        QVERIFY(server.start());
        QCOMPARE(server.url().scheme(), str("ws"));
        QVERIFY2(server.output().contains(str("hearth: transport ") + transport),
                 qPrintable(server.output()));
        QVERIFY2(server.output().contains(str("WARNING: TLS is off")), qPrintable(server.output()));
        QVERIFY(!server.output().contains(str("certificate")));
        TestClient client;
        QVERIFY(client.connectTo(server.url()));
        QVERIFY(client.hello());
        QVERIFY(server.signal(SIGTERM));
        QVERIFY(server.waitForExit(10000));
        QCOMPARE(server.exitCode(), 0);
    }

    void killNineLosesNothingAcknowledged()
    {
        const QString database = freshDatabase();
        ServerProcess server(database, {str("--relaxed-limits")}); // durability: --sync full
        QVERIFY(server.start());
        TestClient host;
        QVERIFY(host.connectTo(server.url()));
        QVERIFY(host.hello());
        const Identity identity = host.identity();
        const QString code = host.createRoom(str("Crash"), str("Ana"))
                                 .value(str("room"))
                                 .toObject()
                                 .value(str("code"))
                                 .toString();
        QVERIFY(!code.isEmpty());

        // Acknowledgements as they arrive; kill -9 the moment the 100th comes in, with the rest
        // of the burst still on its way.
        constexpr int burst = 400;
        constexpr int killAt = 100;
        QMap<qint64, QString> acknowledged; // seq -> text
        QHash<qint64, QString> sentText;    // request id -> text
        bool killed = false;
        QObject guard;
        QObject::connect(
            &host.socket(), &QWebSocket::textMessageReceived, &guard, [&](const QString &frame) {
                const QJsonObject o = QJsonDocument::fromJson(frame.toUtf8()).object();
                if (killed || o.value(str("type")).toString() != str("reply") || !ok(o))
                    return;
                const qint64 id = o.value(str("id")).toInteger();
                if (!sentText.contains(id))
                    return;
                acknowledged.insert(o.value(str("result")).toObject().value(str("seq")).toInteger(),
                                    sentText.value(id));
                if (acknowledged.size() >= killAt) {
                    killed = true;
                    server.kill();
                }
            });
        for (int i = 0; i < burst; ++i) {
            const QString text = QStringLiteral("message %1 of the burst").arg(i);
            const qint64 id =
                host.send(req("send_chat", {{str("room"), code},
                                            {str("text"), text},
                                            {str("clientMsgId"), QStringLiteral("b-%1").arg(i)}}));
            sentText.insert(id, text);
        }
        QVERIFY(QTest::qWaitFor([&] { return killed; }, 20000));
        QVERIFY(host.waitForDisconnected(5000));
        QCOMPARE(acknowledged.size(), killAt);
        qInfo("killed with %d of %d acknowledged", int(acknowledged.size()), burst);

        QVERIFY(server.start()); // the same database file
        TestClient back;
        QVERIFY(back.connectTo(server.url()));
        QVERIFY(back.hello(identity));
        QVERIFY(back.joinRoom(code, str("Ana")).value(str("rejoined")).toBool());
        const QList<QJsonObject> history = wholeHistory(back, code);
        QVERIFY(gapless(history));
        QMap<qint64, QString> stored;
        for (const QJsonObject &e : history) {
            if (e.value(str("event")).toString() == str("chat"))
                stored.insert(e.value(str("seq")).toInteger(),
                              e.value(str("data")).toObject().value(str("text")).toString());
        }
        qInfo("after the restart: %d of the burst stored", int(stored.size()));
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
            QVERIFY2(stored.contains(it.key()),
                     qPrintable(QStringLiteral("acknowledged seq %1 lost").arg(it.key())));
            QCOMPARE(stored.value(it.key()), it.value());
        }
        // Resending an acknowledged message after the crash makes no second copy.
        const QJsonObject resend =
            back.request(req("send_chat", {{str("room"), code},
                                           {str("text"), str("message 0 of the burst")},
                                           {str("clientMsgId"), str("b-0")}}));
        QVERIFY(ok(resend));
        QVERIFY(resend.value(str("result")).toObject().value(str("duplicate")).toBool());
        QCOMPARE(resend.value(str("result")).toObject().value(str("seq")).toInteger(),
                 acknowledged.firstKey());
        back.disconnectNow();
        QCOMPARE(server.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ServeProcess)
#include "tst_serveprocess.moc"
