#include "roomcode.h"

#include <QtCore/QRandomGenerator>

namespace RoomCode {

namespace {
constexpr int alphabetSize = int(sizeof(Alphabet)) - 1;

bool inAlphabet(QChar c)
{
    for (int i = 0; i < alphabetSize; ++i) {
        if (c == QLatin1Char(Alphabet[i]))
            return true;
    }
    return false;
}

bool isSeparator(QChar c)
{
    // Any dash (hyphen, en and em dash, what keyboards autocorrect "--" into) and the minus sign.
    return c.isSpace() || c.category() == QChar::Punctuation_Dash || c == u'\u2212';
}
} // namespace

Partial normalizePartial(QStringView typed)
{
    Partial out;
    for (QChar c : typed) {
        if (isSeparator(c))
            continue;
        const QChar upper = c.toUpper();
        if (!inAlphabet(upper) || out.canonical.size() >= Length) {
            out.valid = false;
            continue;
        }
        out.canonical.append(upper);
    }
    return out;
}

std::optional<QString> normalize(QStringView typed)
{
    if (typed.size() > 64) // nobody types that; do not spend time on it
        return std::nullopt;
    const Partial p = normalizePartial(typed);
    if (!p.valid || p.canonical.size() != Length)
        return std::nullopt;
    return p.canonical;
}

QString generate()
{
    // QRandomGenerator::system() reads the OS CSPRNG. bounded() rejects samples outside a
    // multiple of the range, so every character is uniform over the alphabet.
    QString code(Length, Qt::Uninitialized);
    for (int i = 0; i < Length; ++i)
        code[i] = QLatin1Char(Alphabet[QRandomGenerator::system()->bounded(alphabetSize)]);
    return code;
}

} // namespace RoomCode
