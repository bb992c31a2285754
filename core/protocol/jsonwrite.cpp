#include "jsonwrite.h"

namespace JsonWrite {

void string(QByteArray &out, QStringView text)
{
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    qsizetype runStart = 0;
    const auto appendRun = [&](qsizetype end) {
        if (end > runStart)
            out += text.sliced(runStart, end - runStart).toUtf8();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (QChar::isSurrogate(c)) {
            // A pair is written as UTF-8; a lone half has no UTF-8 form and is escaped, as
            // QJsonDocument does.
            if (QChar::isHighSurrogate(c) && i + 1 < text.size() &&
                QChar::isLowSurrogate(text[i + 1].unicode())) {
                ++i;
                continue;
            }
        } else if (c >= 0x20 && c != u'"' && c != u'\\') {
            continue;
        }
        appendRun(i);
        runStart = i + 1;
        switch (c) {
        case u'"':
            out += "\\\"";
            break;
        case u'\\':
            out += "\\\\";
            break;
        case u'\b':
            out += "\\b";
            break;
        case u'\f':
            out += "\\f";
            break;
        case u'\n':
            out += "\\n";
            break;
        case u'\r':
            out += "\\r";
            break;
        case u'\t':
            out += "\\t";
            break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char escaped[] = {
                '\\',        'u', hex[(c >> 12) & 0xf], hex[(c >> 8) & 0xf], hex[(c >> 4) & 0xf],
                hex[c & 0xf]};
            out.append(escaped, sizeof escaped);
        }
        }
    }
    appendRun(text.size());
    out += '"';
}

} // namespace JsonWrite
