// The host's certificate, fingerprints and their words, and per-host identity secrets
// (core/security).
#include "security/fingerprint.h"
#include "security/hostcertificate.h"
#include "security/hostsecret.h"

#include <QtNetwork/QSslConfiguration>
#include <QtTest/QTest>

class tst_Security : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generatesUsableCertificates();
    void fingerprintHexRoundTrips();
    void wordsAreStableAndSpreadOut();
    void hostSecretsDifferPerHost();
};

void tst_Security::generatesUsableCertificates()
{
    QString error;
    const HostCertificate a = HostCertificate::generate(QStringLiteral("Hearth test"), &error);
    QVERIFY2(a.isValid(), qPrintable(error));
    const QSslCertificate certificate = a.certificate();
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName),
             QStringList{QStringLiteral("Hearth test")});
    QVERIFY(certificate.isSelfSigned());
    QVERIFY(certificate.effectiveDate() < QDateTime::currentDateTimeUtc());
    QVERIFY(certificate.expiryDate() > QDateTime::currentDateTimeUtc().addYears(19));
    QCOMPARE(certificate.publicKey().algorithm(), QSsl::Ec);
    QCOMPARE(a.privateKey().algorithm(), QSsl::Ec);
    QCOMPARE(a.privateKey().type(), QSsl::PrivateKey);
    const HostCertificate b = HostCertificate::generate(QStringLiteral("Hearth test"));
    QVERIFY(b.isValid());
    QVERIFY(a.privateKeyPem != b.privateKeyPem);
    QVERIFY(Fingerprint::of(a.certificate()) != Fingerprint::of(b.certificate()));
    QCOMPARE(Fingerprint::of(a.certificate()).size(), Fingerprint::Size);
    QVERIFY(Fingerprint::of(QSslCertificate()).isEmpty());
    // The public key's hash: the SubjectPublicKeyInfo's SHA-256, not the certificate's.
    const QByteArray keyHash = Fingerprint::ofPublicKey(a.certificate());
    QCOMPARE(keyHash.size(), Fingerprint::Size);
    QVERIFY(keyHash != Fingerprint::of(a.certificate()));
    QVERIFY(keyHash != Fingerprint::ofPublicKey(b.certificate()));
    QCOMPARE(keyHash, QCryptographicHash::hash(a.certificate().publicKey().toDer(),
                                               QCryptographicHash::Sha256));
    QVERIFY(Fingerprint::ofPublicKey(QSslCertificate()).isEmpty());
}

void tst_Security::fingerprintHexRoundTrips()
{
    const QByteArray fp = QCryptographicHash::hash("x", QCryptographicHash::Sha256);
    const QString hex = Fingerprint::toHex(fp);
    QCOMPARE(hex.size(), 64);
    QCOMPARE(Fingerprint::fromHex(hex), fp);
    QCOMPARE(Fingerprint::fromHex(hex.toUpper()), fp);
    QString colons;
    for (int i = 0; i < hex.size(); i += 2)
        colons += (i ? QStringLiteral(":") : QString()) + hex.mid(i, 2);
    QCOMPARE(Fingerprint::fromHex(colons), fp);
    QVERIFY(Fingerprint::fromHex(hex.left(62)).isEmpty());
    QVERIFY(Fingerprint::fromHex(QString(hex.left(63) + QLatin1Char('g'))).isEmpty());
    QVERIFY(Fingerprint::fromHex(QString()).isEmpty());
}

void tst_Security::wordsAreStableAndSpreadOut()
{
    // The first 44 bits pick the words: all zero bits are word 0 ("abandon") four times, all
    // one bits word 2047 ("zoo").
    QCOMPARE(Fingerprint::words(QByteArray(32, '\0')), QStringList(4, QStringLiteral("abandon")));
    QCOMPARE(Fingerprint::words(QByteArray(32, '\xff')), QStringList(4, QStringLiteral("zoo")));
    // Bit 10 (from the left, from 0) is the low bit of the first word: index 1, "ability".
    QByteArray first(32, '\0');
    first[1] = 0x20;
    QCOMPARE(Fingerprint::words(first),
             QStringList({QStringLiteral("ability"), QStringLiteral("abandon"),
                          QStringLiteral("abandon"), QStringLiteral("abandon")}));
    QCOMPARE(Fingerprint::wordsText(QByteArray(32, '\0')),
             QStringLiteral("abandon · abandon · abandon · abandon"));
    // Different certificates give different words (with overwhelming probability).
    QSet<QString> seen;
    for (int i = 0; i < 20; ++i) {
        const QByteArray fp =
            QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256);
        const QStringList w = Fingerprint::words(fp);
        QCOMPARE(w.size(), Fingerprint::WordCount);
        QCOMPARE(Fingerprint::words(fp), w); // stable
        seen.insert(w.join(QLatin1Char(' ')));
    }
    QCOMPARE(seen.size(), 20);
    QVERIFY(Fingerprint::words(QByteArray(3, 'x')).isEmpty());
}

void tst_Security::hostSecretsDifferPerHost()
{
    const QString secret = QStringLiteral("s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-xx");
    const QByteArray fpA = QCryptographicHash::hash("a", QCryptographicHash::Sha256);
    const QByteArray fpB = QCryptographicHash::hash("b", QCryptographicHash::Sha256);
    const QUrl url(QStringLiteral("wss://192.168.1.5:47800/"));
    const QString keyA = HostSecret::hostKey(url, fpA);
    const QString keyB = HostSecret::hostKey(url, fpB);
    QCOMPARE(keyA, Fingerprint::toHex(fpA));
    QCOMPARE(HostSecret::hostKey(QUrl(QStringLiteral("ws://LocalHost:5000/x")), {}),
             QStringLiteral("ws://localhost"));
    // A plain host keeps its key when its port changes between runs.
    QCOMPARE(HostSecret::hostKey(QUrl(QStringLiteral("ws://localhost:5001/")), {}),
             QStringLiteral("ws://localhost"));
    const QString forA = HostSecret::derive(secret, keyA);
    QCOMPARE(forA.size(), 43);
    QCOMPARE(HostSecret::derive(secret, keyA), forA); // stable
    QVERIFY(HostSecret::derive(secret, keyB) != forA);
    QVERIFY(HostSecret::derive(secret + QLatin1Char('y'), keyA) != forA);
    QVERIFY(!forA.contains(secret));
    for (QChar c : forA)
        QVERIFY(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_'));
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
