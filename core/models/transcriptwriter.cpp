#include "transcriptwriter.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtCore/QSaveFile>

using namespace Qt::StringLiterals;

namespace {

// Characters that start or end Markdown (CommonMark and the GitHub extensions Qt reads: code,
// emphasis, links, HTML and entities, headings, strikethrough, tables) wherever they stand.
bool alwaysEscaped(QChar c)
{
    switch (c.unicode()) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '<':
    case '>':
    case '&':
    case '#':
    case '~':
    case '|':
        return true;
    default:
        return false;
    }
}

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

// Markdown drops white space at either end of a line (and reads four leading spaces as code):
// it is written as non-breaking spaces, which render as spaces. A tab becomes four of them.
void appendBlanks(QString &out, QStringView blanks)
{
    for (QChar c : blanks)
        out += c == u'\t' ? u"&nbsp;&nbsp;&nbsp;&nbsp;"_s : u"&nbsp;"_s;
}

void appendLine(QString &out, QStringView line)
{
    qsizetype begin = 0;
    while (begin < line.size() && isBlank(line.at(begin)))
        ++begin;
    qsizetype end = line.size();
    while (end > begin && isBlank(line.at(end - 1)))
        --end;
    appendBlanks(out, line.first(begin));
    // At the start of a line "-", "+", "=" make lists, breaks and headings, and "1." or "1)"
    // an ordered list.
    qsizetype listMarker = -1;
    if (begin < end) {
        qsizetype i = begin;
        while (i < end && line.at(i).isDigit() && line.at(i).unicode() < 128)
            ++i;
        if (i > begin && i < end && (line.at(i) == u'.' || line.at(i) == u')'))
            listMarker = i;
    }
    for (qsizetype i = begin; i < end; ++i) {
        const QChar c = line.at(i);
        const bool lineStart = i == begin && (c == u'-' || c == u'+' || c == u'=');
        // Qt reads GitHub's autolinks: "http://", "www." and "a@b.c" would become links.
        const bool autolink = c == u'@' || (c == u':' && line.sliced(i + 1).startsWith(u"//")) ||
                              (c == u'.' && i >= 3 &&
                               line.sliced(i - 3, 3).compare(u"www", Qt::CaseInsensitive) == 0);
        if (alwaysEscaped(c) || lineStart || autolink || i == listMarker)
            out += u'\\';
        out += c;
    }
    appendBlanks(out, line.sliced(end));
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

QString TranscriptWriter::utcOffset(const QDateTime &time)
{
    const int minutes = time.offsetFromUtc() / 60;
    const auto twoDigits = [](int n) { return QString::number(n).rightJustified(2, u'0'); };
    return u"UTC"_s + (minutes < 0 ? u"−"_s : u"+"_s) + twoDigits(qAbs(minutes) / 60) + u':' +
           twoDigits(qAbs(minutes) % 60);
}

QString TranscriptWriter::escapeMarkdown(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 4);
    const QList<QStringView> lines = QStringView(text).split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += u"\\\n"_s; // a hard line break: the message stays one paragraph
        appendLine(out, lines.at(i));
    }
    // A hard break needs something after it: an empty last line is a non-breaking space.
    if (lines.size() > 1 && lines.last().isEmpty())
        out += u"&nbsp;"_s;
    return out;
}

QString TranscriptWriter::markdown() const
{
    const QLocale locale;
    QString out = u"# "_s +
                  tr("Hearth room “%1” (code %2)").arg(escapeMarkdown(roomName), roomCode) +
                  u"\n\n"_s;
    const QDateTime local = exportedAt.toLocalTime();
    out += tr("Exported %1. Times are local (%2).")
               .arg(local.toString(u"yyyy-MM-dd HH:mm:ss"_s), escapeMarkdown(utcOffset(local))) +
           u"\n\n"_s;
    // What is missing comes first, where nobody can overlook it.
    if (trimmedEvents > 0)
        out += u"**"_s +
               (trimmedEvents == 1 ? tr("One earlier event was no longer kept by the host.")
                                   : tr("%1 earlier events were no longer kept by the host.")
                                         .arg(locale.toString(trimmedEvents))) +
               u"**\n\n"_s;
    if (const qint64 n = unavailableEvents(); n > 0)
        out += u"**"_s +
               (n == 1 ? tr("One event (%1) could not be fetched: the connection to the host was "
                            "gone. What came before and after it is here.")
                             .arg(locale.toString(unavailableFrom))
                       : tr("%1 events (%2 to %3) could not be fetched: the connection to the "
                            "host was gone. What came before and after them is here.")
                             .arg(locale.toString(n), locale.toString(unavailableFrom),
                                  locale.toString(unavailableTo))) +
               u"**\n\n"_s;
    for (const TranscriptEntry &e : entries) {
        const QString when =
            QDateTime::fromMSecsSinceEpoch(e.ts).toString(u"yyyy-MM-dd HH:mm:ss"_s);
        out += u"\\["_s + when + u"\\] "_s;
        if (e.chat)
            out += u"**"_s + escapeMarkdown(e.authorName) + u":** "_s + escapeMarkdown(e.text);
        else
            out += u'*' + escapeMarkdown(e.text) + u'*';
        out += u"\n\n"_s;
    }
    if (!unsent.isEmpty()) {
        out += u"## "_s + tr("Your messages the host did not get") + u"\n\n"_s;
        // Your name is gone from the participants once you have left.
        const QString name = selfName.isEmpty() ? tr("You") : selfName;
        for (const QString &text : unsent)
            out += u"**"_s + escapeMarkdown(name) + u":** "_s + escapeMarkdown(text) + u"\n\n"_s;
    }
    return out;
}

QByteArray TranscriptWriter::json() const
{
    QJsonArray messages;
    for (const TranscriptEntry &e : entries) {
        messages.append(QJsonObject{
            {"seq"_L1, double(e.seq)},
            {"time"_L1, isoUtc(e.ts)},
            {"authorId"_L1, e.authorId},
            {"authorName"_L1, e.authorName},
            {"kind"_L1, e.chat ? u"chat"_s : u"system"_s},
            {"text"_L1, e.text},
        });
    }
    const QJsonObject root{
        {"room"_L1, roomCode},
        {"name"_L1, roomName},
        {"exportedAt"_L1, exportedAt.toUTC().toString(Qt::ISODateWithMs)},
        {"trimmedEvents"_L1, double(trimmedEvents)},
        {"unavailableEvents"_L1, double(unavailableEvents())},
        {"messages"_L1, messages},
        {"unsent"_L1, QJsonArray::fromStringList(unsent)},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool TranscriptWriter::write(const QString &basePath, QString *error) const
{
    const auto save = [error](const QString &path, const QByteArray &bytes) {
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
            return true;
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    };
    return save(basePath + u".md"_s, markdown().toUtf8()) && save(basePath + u".json"_s, json());
}
