// Room codes: what people type is made canonical (case, spaces, dashes), malformed input is
// refused, and fresh codes come uniformly from the 32-character alphabet.

#include "protocol/roomcode.h"

#include <QtCore/QSet>
#include <QtTest/QTest>

#include <algorithm>
#include <array>

namespace {
const QString alphabet = QString::fromLatin1(RoomCode::Alphabet);

QString u16(std::initializer_list<char16_t> units)
{
    QString s;
    for (char16_t u : units)
        s.append(QChar(u));
    return s;
}
} // namespace

class tst_RoomCode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alphabetHasNoLookAlikes()
    {
        QCOMPARE(alphabet.size(), 32);
        QCOMPARE(RoomCode::Length, 6);
        QSet<QChar> seen;
        for (QChar c : alphabet) {
            QVERIFY2(!seen.contains(c), qPrintable(QStringLiteral("duplicate %1").arg(c)));
            seen.insert(c);
            QVERIFY(c.isUpper() || c.isDigit());
        }
        for (char bad : {'I', 'O', '0', '1'})
            QVERIFY(!alphabet.contains(QLatin1Char(bad)));
    }

    void normalize_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected"); // empty: refused

        // Accepted, in the forms people type.
        QTest::newRow("canonical") << QStringLiteral("XJ9K2M") << QStringLiteral("XJ9K2M");
        QTest::newRow("lower case") << QStringLiteral("xj9k2m") << QStringLiteral("XJ9K2M");
        QTest::newRow("mixed case") << QStringLiteral("xJ9k2M") << QStringLiteral("XJ9K2M");
        QTest::newRow("dash") << QStringLiteral("xj9-k2m") << QStringLiteral("XJ9K2M");
        QTest::newRow("many dashes") << QStringLiteral("--XJ-9K-2M--") << QStringLiteral("XJ9K2M");
        QTest::newRow("spaces around") << QStringLiteral("  XJ9K2M  ") << QStringLiteral("XJ9K2M");
        QTest::newRow("space inside") << QStringLiteral("XJ9 K2M") << QStringLiteral("XJ9K2M");
        QTest::newRow("spaced out") << QStringLiteral("x j 9 k 2 m") << QStringLiteral("XJ9K2M");
        QTest::newRow("tab and newline")
            << QStringLiteral("\tXJ9K2M\n") << QStringLiteral("XJ9K2M");
        QTest::newRow("no-break space")
            << QString(QStringLiteral("XJ9") + QChar(0x00A0) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("hyphen U+2010")
            << QString(QStringLiteral("XJ9") + QChar(0x2010) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("non-breaking hyphen U+2011")
            << QString(QStringLiteral("XJ9") + QChar(0x2011) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("en dash U+2013")
            << QString(QStringLiteral("XJ9") + QChar(0x2013) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("em dash U+2014")
            << QString(QStringLiteral("XJ9") + QChar(0x2014) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("figure dash U+2012")
            << QString(QStringLiteral("XJ9") + QChar(0x2012) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("minus sign U+2212")
            << QString(QStringLiteral("XJ9") + QChar(0x2212) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("fullwidth hyphen-minus U+FF0D")
            << QString(QStringLiteral("XJ9") + QChar(0xFF0D) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("ideographic space U+3000")
            << QString(QStringLiteral("XJ9") + QChar(0x3000) + QStringLiteral("K2M"))
            << QStringLiteral("XJ9K2M");
        QTest::newRow("all digits of the alphabet")
            << QStringLiteral("234567") << QStringLiteral("234567");
        QTest::newRow("64 characters of input")
            << QString(QString(58, u' ') + QStringLiteral("xj9k2m")) << QStringLiteral("XJ9K2M");

        // Refused.
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("only separators") << QStringLiteral(" - - ") << QString();
        QTest::newRow("too short") << QStringLiteral("XJ9K2") << QString();
        QTest::newRow("too long") << QStringLiteral("XJ9K2MA") << QString();
        QTest::newRow("forbidden I") << QStringLiteral("XJ9KIM") << QString();
        QTest::newRow("forbidden O") << QStringLiteral("XJ9KOM") << QString();
        QTest::newRow("forbidden 0") << QStringLiteral("XJ9K0M") << QString();
        QTest::newRow("forbidden 1") << QStringLiteral("XJ9K1M") << QString();
        QTest::newRow("forbidden lower i") << QStringLiteral("xj9kim") << QString();
        QTest::newRow("forbidden lower o") << QStringLiteral("xj9kom") << QString();
        QTest::newRow("all forbidden") << QStringLiteral("IIIIII") << QString();
        QTest::newRow("dot") << QStringLiteral("XJ9.K2M") << QString();
        QTest::newRow("underscore") << QStringLiteral("XJ9_K2M") << QString();
        QTest::newRow("plus") << QStringLiteral("XJ9+K2M") << QString();
        QTest::newRow("tilde") << QStringLiteral("XJ9~K2M") << QString();
        QTest::newRow("umlaut") << QString(QStringLiteral("XJ9K2") + QChar(0x00DC)) << QString();
        QTest::newRow("dotless i upper-cases to I")
            << QString(QStringLiteral("XJ9K2") + QChar(0x0131)) << QString();
        QTest::newRow("emoji") << QString(QStringLiteral("XJ9K2") + u16({0xD83D, 0xDE00}))
                               << QString();
        QTest::newRow("lone surrogate")
            << QString(QStringLiteral("XJ9K2") + u16({0xD83D})) << QString();
        QTest::newRow("NUL") << QString(QStringLiteral("XJ9K2M") + QChar(0)) << QString();
        QTest::newRow("65 characters of input")
            << QString(QString(59, u' ') + QStringLiteral("xj9k2m")) << QString();
        QTest::newRow("1000 characters") << QString(1000, u'A') << QString();
        QTest::newRow("100000 dashes around a code")
            << QString(QString(50000, u'-') + QStringLiteral("XJ9K2M") + QString(50000, u'-'))
            << QString();
    }

    void normalize()
    {
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        const std::optional<QString> got = RoomCode::normalize(typed);
        QCOMPARE(got.value_or(QString()), expected);
        QCOMPARE(got.has_value(), !expected.isEmpty());
        if (got) {
            // Canonical output is a fixed point.
            QCOMPARE(RoomCode::normalize(*got).value_or(QString()), *got);
        }
    }

    void normalizePartial_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<bool>("valid");

        QTest::newRow("nothing yet") << QString() << QString() << true;
        QTest::newRow("one letter") << QStringLiteral("x") << QStringLiteral("X") << true;
        QTest::newRow("half with dash") << QStringLiteral("xj9-") << QStringLiteral("XJ9") << true;
        QTest::newRow("spaces only") << QStringLiteral("   ") << QString() << true;
        QTest::newRow("complete") << QStringLiteral("xj9-k2m") << QStringLiteral("XJ9K2M") << true;
        QTest::newRow("one too many")
            << QStringLiteral("xj9k2mq") << QStringLiteral("XJ9K2M") << false;
        QTest::newRow("forbidden letter kept out")
            << QStringLiteral("xi9") << QStringLiteral("X9") << false;
        QTest::newRow("forbidden digit kept out")
            << QStringLiteral("x0") << QStringLiteral("X") << false;
        QTest::newRow("punctuation") << QStringLiteral("ab!") << QStringLiteral("AB") << false;
        QTest::newRow("en dash while typing")
            << QString(QStringLiteral("ab") + QChar(0x2013) + QStringLiteral("c"))
            << QStringLiteral("ABC") << true;
    }

    void normalizePartial()
    {
        QFETCH(QString, typed);
        QFETCH(QString, canonical);
        QFETCH(bool, valid);
        const RoomCode::Partial p = RoomCode::normalizePartial(typed);
        QCOMPARE(p.canonical, canonical);
        QCOMPARE(p.valid, valid);
        QVERIFY(p.canonical.size() <= RoomCode::Length);
        // A valid complete partial is exactly what normalize() accepts.
        if (valid && canonical.size() == RoomCode::Length)
            QCOMPARE(RoomCode::normalize(typed).value_or(QString()), canonical);
    }

    void generateIsWellFormed()
    {
        for (int i = 0; i < 100; ++i) {
            const QString code = RoomCode::generate();
            QCOMPARE(code.size(), RoomCode::Length);
            for (QChar c : code)
                QVERIFY2(alphabet.contains(c), qPrintable(code));
            QCOMPARE(RoomCode::normalize(code).value_or(QString()), code);
            QCOMPARE(RoomCode::normalize(code.toLower()).value_or(QString()), code);
        }
    }

    void generateIsUniform()
    {
        constexpr int n = 10000;
        constexpr int k = 32;
        std::array<std::array<int, k>, RoomCode::Length> counts{};
        QSet<QString> seen;
        int duplicates = 0;
        for (int i = 0; i < n; ++i) {
            const QString code = RoomCode::generate();
            QCOMPARE(code.size(), RoomCode::Length);
            for (int pos = 0; pos < RoomCode::Length; ++pos) {
                const qsizetype index = alphabet.indexOf(code[pos]);
                QVERIFY2(index >= 0, qPrintable(code));
                ++counts[pos][index];
            }
            if (seen.contains(code))
                ++duplicates;
            seen.insert(code);
        }

        // Chi-square per position, 31 degrees of freedom: mean 31, P(X > 120) ~ 2e-12. A
        // generator that never draws one character scores ~320, so this catches real bias
        // without ever flaking.
        const double expected = double(n) / k;
        for (int pos = 0; pos < RoomCode::Length; ++pos) {
            double chi2 = 0;
            int smallest = n;
            for (int c = 0; c < k; ++c) {
                const double d = counts[pos][c] - expected;
                chi2 += d * d / expected;
                smallest = std::min(smallest, counts[pos][c]);
            }
            QVERIFY2(chi2 < 120.0,
                     qPrintable(QStringLiteral("position %1: chi-square %2").arg(pos).arg(chi2)));
            // 312.5 expected, sd ~17.4: 200 is six and a half sd away.
            QVERIFY2(smallest > 200,
                     qPrintable(QStringLiteral("position %1: a character drawn only %2 times")
                                    .arg(pos)
                                    .arg(smallest)));
        }

        // 32^6 ~ 1.07e9 codes: 10,000 draws collide 0.05 times on average.
        QVERIFY2(duplicates <= 5, qPrintable(QString::number(duplicates)));
    }
};

QTEST_GUILESS_MAIN(tst_RoomCode)
#include "tst_roomcode.moc"
