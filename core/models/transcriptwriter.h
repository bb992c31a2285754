#pragma once

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

// One line of a transcript: a chat message, or a system line ("Ben joined.") as the chat shows
// it.
struct TranscriptEntry {
    qint64 seq = 0;
    qint64 ts = 0; // server time, ms since the epoch
    bool chat = false;
    QString authorId;   // empty for system lines
    QString authorName; // as the message was sent; empty for system lines
    QString text;
};

// A room's chat as two files: Markdown for people, escaped so that it renders exactly as it was
// written (no HTML, no headings or lists made from someone's text, line breaks kept), and JSON
// beside it for tools. It only formats: what goes in is gathered by TranscriptExport.
class TranscriptWriter
{
    Q_DECLARE_TR_FUNCTIONS(TranscriptWriter)

public:
    QString roomCode;
    QString roomName;
    QDateTime exportedAt;
    // Events older than the first one kept that the host no longer had (trimmed history).
    qint64 trimmedEvents = 0;
    // Events between the two that could not be fetched (the connection was gone); 0 to 0 when
    // the history is complete.
    qint64 unavailableFrom = 0;
    qint64 unavailableTo = 0;
    // Messages oldest first, each seq once.
    QList<TranscriptEntry> entries;
    // Your messages the host never acknowledged (no seq, no time), oldest first.
    QString selfId;
    QString selfName;
    QStringList unsent;

    qint64 unavailableEvents() const
    {
        return unavailableTo >= unavailableFrom && unavailableFrom > 0
                   ? unavailableTo - unavailableFrom + 1
                   : 0;
    }

    // The Markdown file's text: a title, what is missing (if anything), then one paragraph per
    // entry, "[2026-11-22 14:03:05] **Ana:** text" in local time.
    QString markdown() const;
    // The JSON file: {"room": code, "name", "exportedAt", "trimmedEvents",
    // "unavailableEvents", "messages": [{seq, time, authorId, authorName, kind, text}],
    // "unsent": [text]}; times in ISO 8601 UTC.
    QByteArray json() const;
    // Writes `basePath` + ".md" and + ".json". False (and *error says why) when either fails.
    bool write(const QString &basePath, QString *error) const;

    // `text` as Markdown inline content that renders as exactly `text`: every character
    // Markdown or HTML would interpret is backslash-escaped, white space at either end of a
    // line becomes &nbsp; (Markdown drops it), and a line break is a hard break (a backslash at
    // the end of the line), so it stays one paragraph.
    static QString escapeMarkdown(const QString &text);
    // "UTC+01:00": the offset of `time` from UTC, as the transcript names its times' zone.
    static QString utcOffset(const QDateTime &time);
};
