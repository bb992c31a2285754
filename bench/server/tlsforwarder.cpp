// hearth-bench-tls-forwarder: a test-only stand-in for a `hearth serve` that serves wss://, so
// that the load generator's TLS path runs end to end (ctest bench_server_tiny_tls_forwarded)
// whatever the server of the build can do. It takes the command line of `hearth serve`, starts
// the real one on plain ws:// behind it, terminates TLS with Qt's QSslServer and pipes every
// connection's bytes through unchanged. Its figures measure the two processes together and are
// not Hearth's: the real ones come from a `hearth serve` that serves TLS itself.

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QStringList>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslServer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

#include <csignal>
#include <cstdio>
#include <vector>

#include <unistd.h>

#include <sys/prctl.h>

#ifndef HEARTH_BENCH_HEARTH_BINARY
#define HEARTH_BENCH_HEARTH_BINARY ""
#endif

namespace {

const char help[] = R"(Usage: hearth-bench-tls-forwarder serve [hearth serve options]
                                     --tls-cert FILE --tls-key FILE

A test-only stand-in for a `hearth serve` that serves wss://: it starts the real hearth serve
($HEARTH_BIN, or the one built with it) on plain ws:// and terminates TLS in front of it.
  --tls-cert FILE          the certificate to serve (PEM)
  --tls-key FILE           its private key (PEM)
  --no-tls                 no TLS: runs hearth serve itself
  --transport qt|native    accepted and ignored (the real server's own transport serves)
  --port N, --bind ADDR    where to listen (default: any free port on 127.0.0.1)
Every other option goes to hearth serve.
)";

int fail(const QString &message)
{
    std::fprintf(stderr, "hearth-bench-tls-forwarder: %s\n", qPrintable(message));
    return 2;
}

// Both directions of one connection, closed together.
void pipe(QSslSocket *front, quint16 backendPort)
{
    auto *back = new QTcpSocket(front);
    // A side that ends ends the other once its last bytes are written.
    auto frontToBack = [front, back] {
        if (back->state() == QAbstractSocket::ConnectedState)
            back->write(front->readAll());
    };
    QObject::connect(back, &QTcpSocket::connected, front, frontToBack);
    QObject::connect(front, &QSslSocket::readyRead, back, frontToBack);
    QObject::connect(back, &QTcpSocket::readyRead, front,
                     [front, back] { front->write(back->readAll()); });
    QObject::connect(back, &QTcpSocket::disconnected, front,
                     [front] { front->disconnectFromHost(); });
    QObject::connect(back, &QTcpSocket::errorOccurred, front, [front, back] {
        if (back->state() != QAbstractSocket::ConnectedState)
            front->disconnectFromHost();
    });
    QObject::connect(front, &QSslSocket::disconnected, front, [front, back] {
        back->disconnectFromHost();
        front->deleteLater(); // and back with it
    });
    back->connectToHost(QStringLiteral("127.0.0.1"), backendPort);
}

void onTerm(int)
{
    // hearth serve follows through PR_SET_PDEATHSIG and stops by itself.
    _exit(0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() != QLatin1String("serve"))
        return fail(QStringLiteral("the first argument must be serve"));
    if (args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"))) {
        std::fputs(help, stdout);
        return 0;
    }
    QString hearth = qEnvironmentVariable("HEARTH_BIN");
    if (hearth.isEmpty())
        hearth = QStringLiteral(HEARTH_BENCH_HEARTH_BINARY);

    QString certFile, keyFile, bind = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    bool tls = true;
    QStringList backendArgs;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (a == QLatin1String("--tls-cert") && hasValue)
            certFile = args.at(++i);
        else if (a == QLatin1String("--tls-key") && hasValue)
            keyFile = args.at(++i);
        else if (a == QLatin1String("--transport") && hasValue)
            ++i;
        else if (a == QLatin1String("--no-tls"))
            tls = false;
        else if (a == QLatin1String("--port") && hasValue)
            port = static_cast<quint16>(args.at(++i).toUInt());
        else if (a == QLatin1String("--bind") && hasValue)
            bind = args.at(++i);
        else
            backendArgs << a;
    }
    if (!tls) {
        // Nothing to terminate: become the server itself.
        const QByteArray path = hearth.toLocal8Bit();
        std::vector<QByteArray> storage;
        for (const QString &a : args)
            if (a != QLatin1String("--no-tls"))
                storage.push_back(a.toLocal8Bit());
        std::vector<char *> argvOut{const_cast<char *>(path.constData())};
        for (auto &a : storage)
            argvOut.push_back(a.data());
        argvOut.push_back(nullptr);
        std::fflush(stdout);
        execv(argvOut[0], argvOut.data());
        return fail(QStringLiteral("cannot run %1").arg(hearth));
    }
    if (certFile.isEmpty() || keyFile.isEmpty())
        return fail(QStringLiteral("--tls-cert and --tls-key are needed (or --no-tls)"));

    QFile certIn(certFile), keyIn(keyFile);
    if (!certIn.open(QIODevice::ReadOnly) || !keyIn.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1 or %2").arg(certFile, keyFile));
    const QSslCertificate certificate(certIn.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyIn.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
    if (certificate.isNull() || key.isNull())
        return fail(QStringLiteral("%1 and %2 are not a PEM certificate and key (or Qt has no TLS "
                                   "backend)")
                        .arg(certFile, keyFile));

    std::signal(SIGTERM, onTerm);
    QProcess backend;
    backend.setProgram(hearth);
    backend.setArguments(backendArgs << QStringLiteral("--port") << QStringLiteral("0")
                                     << QStringLiteral("--bind") << QStringLiteral("127.0.0.1"));
    backend.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    backend.setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGTERM); });

    QSslServer server;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificate);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    server.setSslConfiguration(configuration);
    quint16 backendPort = 0;
    QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, &server, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection())
            pipe(static_cast<QSslSocket *>(socket), backendPort);
    });
    QObject::connect(&server, &QSslServer::errorOccurred, &server,
                     [](QSslSocket *socket, QAbstractSocket::SocketError) {
                         std::fprintf(stderr, "hearth-bench-tls-forwarder: a TLS client: %s\n",
                                      qPrintable(socket->errorString()));
                     });

    // hearth serve's output, with its listening line replaced by ours once it is listening.
    QByteArray pending;
    QObject::connect(&backend, &QProcess::readyReadStandardOutput, &app, [&] {
        pending += backend.readAllStandardOutput();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(nl);
            pending.remove(0, nl + 1);
            const qsizetype at = line.indexOf("listening on ws://");
            if (at < 0 || backendPort != 0) {
                std::printf("%s\n", line.constData());
                continue;
            }
            const qsizetype colon = line.indexOf(':', at + 18);
            backendPort = static_cast<quint16>(line.mid(colon + 1).split('/').first().toUInt());
            if (backendPort == 0 || !server.listen(QHostAddress(bind), port)) {
                std::fprintf(stderr, "hearth-bench-tls-forwarder: cannot listen: %s\n",
                             qPrintable(server.errorString()));
                app.exit(2);
                return;
            }
            std::printf("hearth: listening on wss://%s:%u/ (hearth-bench-tls-forwarder in front "
                        "of ws://127.0.0.1:%u/)\n",
                        qPrintable(bind), unsigned(server.serverPort()), unsigned(backendPort));
        }
        std::fflush(stdout);
    });
    QObject::connect(&backend, &QProcess::finished, &app, [&](int code) {
        std::fprintf(stderr, "hearth-bench-tls-forwarder: hearth serve ended (%d)\n", code);
        app.exit(code == 0 ? 0 : 1);
    });
    backend.start();
    if (!backend.waitForStarted(10000))
        return fail(QStringLiteral("cannot start %1: %2").arg(hearth, backend.errorString()));
    return app.exec();
}
