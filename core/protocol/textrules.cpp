#include "textrules.h"

namespace TextRules {

int codePointCount(QStringView text)
{
    int count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

namespace {
bool isForbiddenControl(QChar c, bool allowLineBreaks)
{
    if (allowLineBreaks && (c == u'\n' || c == u'\t' || c == u'\r'))
        return false;
    const auto category = c.category();
    return category == QChar::Other_Control || c == QChar::LineSeparator ||
           c == QChar::ParagraphSeparator;
}
} // namespace

Verdict checkName(QStringView name, int maxLength, QString *cleaned)
{
    const QStringView trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return Verdict::Empty;
    if (codePointCount(trimmed) > maxLength)
        return Verdict::TooLong;
    for (QChar c : trimmed) {
        if (isForbiddenControl(c, false))
            return Verdict::ControlCharacters;
    }
    if (cleaned)
        *cleaned = trimmed.toString();
    return Verdict::Ok;
}

QString nameKey(QStringView name)
{
    return name.toString()
        .normalized(QString::NormalizationForm_KC)
        .simplified()
        .toCaseFolded()
        .normalized(QString::NormalizationForm_KC);
}

Verdict checkChat(QStringView text, int maxLength)
{
    if (text.trimmed().isEmpty())
        return Verdict::Empty;
    // Cheap bound first: UTF-16 length is at least the code point count.
    if (text.size() > maxLength && codePointCount(text) > maxLength)
        return Verdict::TooLong;
    for (QChar c : text) {
        if (isForbiddenControl(c, true))
            return Verdict::ControlCharacters;
    }
    return Verdict::Ok;
}

} // namespace TextRules
