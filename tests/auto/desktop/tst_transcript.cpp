// The transcript: TranscriptWriter's Markdown read back by Qt's own Markdown reader (md4c,
// CommonMark) must give exactly the text people wrote, and its JSON every field; and
// TranscriptExport against a real server must save the whole history — not only what the
// view paged in — say what the host trimmed, and say what is missing when offline.

#include "desktoptest.h"
#include "models/messagesmodel.h"
#include "models/roomsession.h"
#include "models/transcriptexport.h"
#include "models/transcriptwriter.h"
#include "testserver.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtCore/QRegularExpression>
#include <QtGui/QTextBlock>
#include <QtGui/QTextDocument>
#include <QtGui/QTextList>

using namespace Client;
using namespace Qt::StringLiterals;

namespace {

QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Everything in `doc` is plain paragraphs of plain text: no heading, list, quote, code block,
// table, rule, emphasis, code span, link or image came out of the Markdown.
QString interpretedMarkup(const QTextDocument &doc, int firstBlock = 0)
{
    int n = 0;
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next(), ++n) {
        if (n < firstBlock)
            continue;
        const QTextBlockFormat f = b.blockFormat();
        if (b.textList())
            return u"a list in block %1"_s.arg(n);
        if (f.headingLevel() != 0)
            return u"a heading in block %1"_s.arg(n);
        if (f.hasProperty(QTextFormat::BlockQuoteLevel) ||
            f.hasProperty(QTextFormat::BlockCodeFence) ||
            f.hasProperty(QTextFormat::BlockCodeLanguage) || f.nonBreakableLines())
            return u"a quote or code block in block %1"_s.arg(n);
        if (f.hasProperty(QTextFormat::BlockTrailingHorizontalRulerWidth))
            return u"a rule in block %1"_s.arg(n);
        if (b.document()->rootFrame() != QTextCursor(b).currentFrame())
            return u"a table in block %1"_s.arg(n);
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat c = it.fragment().charFormat();
            if (c.fontWeight() > QFont::Normal || c.fontItalic() || c.fontStrikeOut() ||
                c.fontFixedPitch() || c.isAnchor() || c.isImageFormat())
                return u"formatting on “%1”"_s.arg(it.fragment().text());
        }
    }
    return {};
}

// `text` as a Markdown reader shows it. Two differences, where Markdown has no way to say it:
// a tab at either end of a line (Markdown drops white space there) is written as four spaces,
// and an empty last line (a message ending in a line break: a hard break needs something after
// it) holds one space.
QString asRendered(const QString &text)
{
    QStringList lines = text.split(u'\n');
    for (QString &line : lines) {
        qsizetype begin = 0;
        while (begin < line.size() && line.at(begin).isSpace())
            ++begin;
        qsizetype end = line.size();
        while (end > begin && line.at(end - 1).isSpace())
            --end;
        line = line.first(begin).replace(u'\t', u"    "_s) + line.sliced(begin, end - begin) +
               line.sliced(end).replace(u'\t', u"    "_s);
    }
    if (lines.size() > 1 && lines.last().isEmpty())
        lines.last() = u" "_s;
    return lines.join(u'\n');
}

// The texts people write that Markdown would take for markup.
const QStringList &nastyTexts()
{
    static const QStringList texts{
        u"<b>x</b>"_s,
        u"<script>alert(1)</script> <!-- c --> <div>"_s,
        u"# not a heading"_s,
        u"## neither"_s,
        u"1. not a list"_s,
        u"2026) not a list either"_s,
        u"- not a list"_s,
        u"+ nor this"_s,
        u"* nor this"_s,
        u"> not a quote"_s,
        u"*a* _b_ **c** __d__ ~~e~~"_s,
        u"`code` and ``more``"_s,
        u"```\nnot fenced\n```"_s,
        u"~~~\nnor this\n~~~"_s,
        u"\\"_s,
        u"a \\ b \\\\ c\\"_s,
        u"&amp; &lt; &#65; &copy;"_s,
        u"[link](x) ![img](y.png) <http://example.com>"_s,
        u"[ref]: http://example.com"_s,
        u"line one\nline two"_s,
        u"para one\n\npara two\n\n\nthree blank"_s,
        u"  two leading spaces"_s,
        u"    four: not code"_s,
        u"\tleading tab and trailing\t"_s,
        u"trailing spaces  "_s,
        u"hard  \nbreak"_s,
        u"inner   spaces\tand tab"_s,
        u"heading?\n==="_s,
        u"heading?\n---"_s,
        u"***"_s,
        u"| a | b |\n|---|---|\n| 1 | 2 |"_s,
        u"- [ ] task"_s,
        u"\nstarts with a line break"_s,
        u"ends with a line break\n"_s,
        u"ends with two\n\n"_s,
        u"🎲 👍🏽 👨‍👩‍👧 café — “quotes” ½"_s,
        u"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"_s,
        u"www.example.com a@b.cd http://x.y/z_(1) WWW.X.ORG ftp://q mailto:a@b.c"_s,
    };
    return texts;
}

// A server with relaxed rate limits (and `historyLimit` events kept per room, 0: all), a room
// on it, and `messages` chat messages from its host, "message 1" to "message N".
struct FilledRoom {
    std::unique_ptr<TestServer> server;
    std::unique_ptr<RoomClient> client;
    RoomSnapshot snapshot;

    bool fill(int messages, qint64 historyLimit = 0)
    {
        server = std::make_unique<TestServer>([historyLimit](ServerConfig &config) {
            config.limits.chatPerSecond = 100000;
            config.limits.requestsPerSecond = 100000;
            config.historyLimit = historyLimit;
        });
        if (!server->start())
            return false;
        client = readyClient(server->url());
        if (!client)
            return false;
        CreateRoomArgs args;
        args.name = u"Long night"_s;
        args.displayName = u"Archivist"_s;
        const auto created = createRoom(client.get(), args);
        if (!created)
            return false;
        snapshot = *created;
        // Shared with the callbacks: they may outlive this call when it gives up waiting.
        auto acked = std::make_shared<int>(0);
        for (int i = 1; i <= messages; ++i) {
            client->sendChat(snapshot.room.code, u"message %1"_s.arg(i), client.get(),
                             [acked](const Result<ChatAck> &r) { *acked += r.ok() ? 1 : 0; });
        }
        return QTest::qWaitFor([&] { return *acked == messages; }, 60000);
    }
};

} // namespace

class tst_Transcript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapedTextRendersAsWritten_data()
    {
        QTest::addColumn<QString>("text");
        for (const QString &text : nastyTexts())
            QTest::newRow(qPrintable(text.left(24).replace(u'\n', u'⏎'))) << text;
    }

    void escapedTextRendersAsWritten()
    {
        QFETCH(QString, text);
        const QString markdown = TranscriptWriter::escapeMarkdown(text);
        QTextDocument doc;
        doc.setMarkdown(markdown);
        // toPlainText() gives line breaks as \n and the non-breaking spaces that keep white
        // space at the ends of lines as spaces: what a reader sees.
        QCOMPARE(doc.toPlainText(), asRendered(text));
        const QString markup = interpretedMarkup(doc);
        QVERIFY2(markup.isEmpty(), qPrintable(markup + u" from: "_s + markdown));
        // One paragraph: a line break inside a message is a hard break, not a new paragraph.
        QVERIFY2(!markdown.contains(u"\n\n"_s), qPrintable(markdown));
    }

    // A whole transcript read back: every message as "[time] Name: text", names escaped too,
    // what is missing at the top; and the JSON beside it, field by field.
    void utcOffsetNamesTheZone()
    {
        const QDateTime utc(QDate(2026, 7, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(TranscriptWriter::utcOffset(utc), u"UTC+00:00"_s);
        QCOMPARE(TranscriptWriter::utcOffset(utc.toOffsetFromUtc(5 * 3600 + 1800)), u"UTC+05:30"_s);
        QCOMPARE(TranscriptWriter::utcOffset(utc.toOffsetFromUtc(-3 * 3600)), u"UTC−03:00"_s);
    }

    void transcriptRoundTrip()
    {
        TranscriptWriter writer;
        writer.roomCode = u"XJ9K2M"_s;
        writer.roomName = u"<i>Game</i> # night *"_s;
        writer.exportedAt = QDateTime(QDate(2026, 11, 22), QTime(14, 3, 5, 120), Qt::UTC);
        writer.trimmedEvents = 1234;
        writer.unavailableFrom = 1300;
        writer.unavailableTo = 1399;
        writer.selfId = u"5f0c2a9e41d7b3c8"_s;
        writer.selfName = u"Ana_*"_s;
        writer.unsent = {u"never *arrived*\nat all"_s};
        qint64 seq = 1235;
        for (const QString &text : nastyTexts()) {
            TranscriptEntry e;
            e.seq = seq++;
            e.ts = 1763760000000 + e.seq * 1017;
            e.chat = true;
            e.authorId = u"9d1e0b7c3a5f2e84"_s;
            e.authorName = e.seq % 2 ? u"[Ben](x)"_s : u"#Cleo <3"_s;
            e.text = text;
            writer.entries.append(e);
        }
        TranscriptEntry left;
        left.seq = seq;
        left.ts = 1763760000000 + seq * 1017;
        left.text = u"*Ben* was removed by <Ana>."_s;
        writer.entries.append(left);

        const QLocale locale;
        QStringList expected{
            u"Hearth room “<i>Game</i> # night *” (code XJ9K2M)"_s,
            u"Exported %1. Times are local (%2)."_s.arg(
                writer.exportedAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s),
                TranscriptWriter::utcOffset(writer.exportedAt.toLocalTime())),
            u"%1 earlier events were no longer kept by the host."_s.arg(locale.toString(1234)),
            u"%1 events (%2 to %3) could not be fetched: the connection to the host was gone. "
            "What came before and after them is here."_s.arg(
                locale.toString(100), locale.toString(1300), locale.toString(1399)),
        };
        for (const TranscriptEntry &e : std::as_const(writer.entries)) {
            const QString when =
                QDateTime::fromMSecsSinceEpoch(e.ts).toString(u"yyyy-MM-dd HH:mm:ss"_s);
            expected << (e.chat ? u"[%1] %2: %3"_s.arg(when, e.authorName, asRendered(e.text))
                                : u"[%1] %2"_s.arg(when, e.text));
        }
        expected << u"Your messages the host did not get"_s << u"Ana_*: never *arrived*\nat all"_s;

        QTextDocument doc;
        doc.setMarkdown(writer.markdown());
        QCOMPARE(doc.toPlainText(), expected.join(u'\n'));
        // The title is the one heading (the unsent section the other); the rest is text.
        QCOMPARE(doc.begin().blockFormat().headingLevel(), 1);

        const QJsonObject json = QJsonDocument::fromJson(writer.json()).object();
        QCOMPARE(json.value("room"_L1).toString(), u"XJ9K2M"_s);
        QCOMPARE(json.value("name"_L1).toString(), writer.roomName);
        QCOMPARE(json.value("exportedAt"_L1).toString(), u"2026-11-22T14:03:05.120Z"_s);
        QCOMPARE(json.value("trimmedEvents"_L1).toInteger(), 1234);
        QCOMPARE(json.value("unavailableEvents"_L1).toInteger(), 100);
        QCOMPARE(json.value("unsent"_L1).toArray(), QJsonArray{writer.unsent.first()});
        const QJsonArray messages = json.value("messages"_L1).toArray();
        QCOMPARE(messages.size(), writer.entries.size());
        for (int i = 0; i < messages.size(); ++i) {
            const QJsonObject m = messages.at(i).toObject();
            const TranscriptEntry &e = writer.entries.at(i);
            QCOMPARE(m.keys(), (QStringList{u"authorId"_s, u"authorName"_s, u"kind"_s, u"seq"_s,
                                            u"text"_s, u"time"_s}));
            QCOMPARE(m.value("seq"_L1).toInteger(), e.seq);
            const QDateTime time =
                QDateTime::fromString(m.value("time"_L1).toString(), Qt::ISODateWithMs);
            QCOMPARE(time.toMSecsSinceEpoch(), e.ts);
            QCOMPARE(time.timeSpec(), Qt::UTC);
            QVERIFY(m.value("time"_L1).toString().endsWith(u'Z'));
            QCOMPARE(m.value("authorId"_L1).toString(), e.authorId);
            QCOMPARE(m.value("authorName"_L1).toString(), e.authorName);
            QCOMPARE(m.value("kind"_L1).toString(), e.chat ? u"chat"_s : u"system"_s);
            QCOMPARE(m.value("text"_L1).toString(), e.text);
        }
    }

    // 1,500 messages, a view that has paged in only the newest 100: the export has every one,
    // in order, once, and says nothing is missing.
    void exportHasTheWholeHistory()
    {
        FilledRoom room;
        QVERIFY(room.fill(1500));
        RoomSession session(room.client.get(), room.snapshot);
        session.start(100);
        QTRY_VERIFY(!session.isLoadingHistory());
        QCOMPARE(session.messages()->rowCount(), 100);
        QVERIFY(session.hasMoreHistory());

        TranscriptExport *exporter = session.transcriptExport();
        QSignalSpy finished(exporter, &TranscriptExport::finished);
        QStringList progress;
        connect(exporter, &TranscriptExport::progressChanged, this, [&] {
            if (exporter->isRunning())
                progress << exporter->progressText();
        });
        QTemporaryDir dir;
        session.exportTranscript(dir.path());
        QVERIFY(exporter->isRunning());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!exporter->isRunning());
        // The 100 the view holds, then pages of at most 200 older events, up to all 1,501.
        const QLocale locale;
        QVERIFY2(progress.size() >= 8, qPrintable(progress.join(u" | "_s)));
        QCOMPARE(progress.first(), u"Saving transcript… 100 of %1"_s.arg(locale.toString(1501)));
        QCOMPARE(progress.last(), u"Saving transcript… %1 of %1"_s.arg(locale.toString(1501)));
        QVERIFY2(progress.contains(u"Saving transcript… %1 of %2"_s.arg(locale.toString(300),
                                                                        locale.toString(1501))),
                 qPrintable(progress.join(u" | "_s)));
        QVERIFY(exporter->resultText().contains(exporter->markdownPath()));
        QVERIFY(exporter->resultText().contains(exporter->jsonPath()));
        QCOMPARE(QFileInfo(exporter->jsonPath()).completeBaseName(),
                 QFileInfo(exporter->markdownPath()).completeBaseName());

        const QJsonObject json = readJson(exporter->jsonPath());
        QCOMPARE(json.value("room"_L1).toString(), session.code());
        QCOMPARE(json.value("name"_L1).toString(), u"Long night"_s);
        QCOMPARE(json.value("trimmedEvents"_L1).toInteger(), 0);
        QCOMPARE(json.value("unavailableEvents"_L1).toInteger(), 0);
        const QJsonArray messages = json.value("messages"_L1).toArray();
        QCOMPARE(messages.size(), 1501); // "Archivist joined." and the 1,500 messages
        QCOMPARE(messages.at(0).toObject().value("text"_L1).toString(), u"Archivist joined."_s);
        QCOMPARE(messages.at(0).toObject().value("kind"_L1).toString(), u"system"_s);
        for (int i = 1; i < messages.size(); ++i) {
            const QJsonObject m = messages.at(i).toObject();
            QCOMPARE(m.value("seq"_L1).toInteger(), i + 1);
            QCOMPARE(m.value("text"_L1).toString(), u"message %1"_s.arg(i));
            QCOMPARE(m.value("authorId"_L1).toString(), room.client->participantId());
            QCOMPARE(m.value("authorName"_L1).toString(), u"Archivist"_s);
        }

        const QString markdown = readText(exporter->markdownPath());
        QCOMPARE(markdown.count(u"**Archivist:** message "_s), 1500);
        QVERIFY(markdown.indexOf(u"**Archivist:** message 1\n"_s) <
                markdown.indexOf(u"**Archivist:** message 2\n"_s));
        QVERIFY(markdown.contains(u"**Archivist:** message 1500\n"_s));
        QVERIFY(!markdown.contains(u"no longer kept"_s));
        QVERIFY(!markdown.contains(u"could not be fetched"_s));
        // The chat view is left as it was.
        QCOMPARE(session.messages()->rowCount(), 100);
    }

    // Someone who came, spoke and left long before the view's page: the fetched history names
    // them as the chat would have (their join is read before their leaving).
    void peopleWhoLeftAreNamed()
    {
        FilledRoom room;
        QVERIFY(room.fill(0));
        const QString code = room.snapshot.room.code;
        auto guest = readyClient(room.server->url());
        QVERIFY(guest);
        Caught<RoomSnapshot> joined;
        guest->joinRoom(JoinRoomArgs{code, u"Ben"_s, Role::Member, {}}, this, joined.callback());
        QTRY_VERIFY(joined.ok());
        Caught<ChatAck> said;
        guest->sendChat(code, u"hi from Ben"_s, this, said.callback());
        QTRY_VERIFY(said.ok());
        Caught<Done> left;
        guest->leaveRoom(code, this, left.callback());
        QTRY_VERIFY(left.ok());
        auto acked = std::make_shared<int>(0);
        for (int i = 1; i <= 250; ++i)
            room.client->sendChat(code, u"later %1"_s.arg(i), this,
                                  [acked](const Result<ChatAck> &r) { *acked += r.ok() ? 1 : 0; });
        QTRY_COMPARE(*acked, 250);

        RoomSession session(room.client.get(), room.snapshot);
        session.start(100);
        QTRY_VERIFY(!session.isLoadingHistory());
        QSignalSpy finished(session.transcriptExport(), &TranscriptExport::finished);
        QTemporaryDir dir;
        session.exportTranscript(dir.path());
        QVERIFY(finished.wait(30000));
        const QJsonArray messages =
            readJson(session.transcriptExport()->jsonPath()).value("messages"_L1).toArray();
        QCOMPARE(messages.size(), 254); // Archivist joined, Ben joined, hi, Ben left, 250
        const auto text = [&](int i) {
            return messages.at(i).toObject().value("text"_L1).toString();
        };
        QCOMPARE(text(1), u"Ben joined."_s);
        QCOMPARE(text(2), u"hi from Ben"_s);
        QCOMPARE(messages.at(2).toObject().value("authorId"_L1).toString(), guest->participantId());
        QCOMPARE(text(3), u"Ben left."_s);
        QCOMPARE(text(253), u"later 250"_s);
    }

    // The host keeps 300 events: the export starts where it still has them and says at the top
    // how many earlier ones are gone.
    void trimmedHistoryIsSaid()
    {
        FilledRoom room;
        QVERIFY(room.fill(599, 300)); // events 1..600; at 512 the host trims through 212
        RoomSession session(room.client.get(), room.snapshot);
        session.start(100);
        QTRY_VERIFY(!session.isLoadingHistory());
        QSignalSpy finished(session.transcriptExport(), &TranscriptExport::finished);
        QTemporaryDir dir;
        session.exportTranscript(dir.path());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);

        const QJsonObject json = readJson(session.transcriptExport()->jsonPath());
        QCOMPARE(json.value("trimmedEvents"_L1).toInteger(), 212);
        QCOMPARE(json.value("unavailableEvents"_L1).toInteger(), 0);
        const QJsonArray messages = json.value("messages"_L1).toArray();
        QCOMPARE(messages.size(), 600 - 212);
        QCOMPARE(messages.first().toObject().value("seq"_L1).toInteger(), 213);
        QCOMPARE(messages.first().toObject().value("text"_L1).toString(), u"message 212"_s);
        QCOMPARE(messages.last().toObject().value("seq"_L1).toInteger(), 600);

        const QString markdown = readText(session.transcriptExport()->markdownPath());
        const QString line = u"**%1 earlier events were no longer kept by the host.**"_s.arg(
            QLocale().toString(212));
        // At the top: right after the title and the export time.
        QVERIFY2(markdown.indexOf(line) > 0 && markdown.indexOf(line) < markdown.indexOf(u"\\["_s),
                 qPrintable(markdown.left(400)));
    }

    // The connection goes while the export pages: what was fetched and what the view holds is
    // written, and the top of the file says which events are missing.
    void offlineExportSaysWhatIsMissing()
    {
        FilledRoom room;
        QVERIFY(room.fill(1500));
        RoomSession session(room.client.get(), room.snapshot);
        session.start(100); // the view holds events 1402..1501
        QTRY_VERIFY(!session.isLoadingHistory());
        TranscriptExport *exporter = session.transcriptExport();
        QSignalSpy finished(exporter, &TranscriptExport::finished);
        connect(exporter, &TranscriptExport::progressChanged, this, [&] {
            if (exporter->isRunning() && exporter->fetched() >= 300)
                room.client->close(); // after the first page
        });
        QTemporaryDir dir;
        session.exportTranscript(dir.path());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);

        const QJsonObject json = readJson(exporter->jsonPath());
        QCOMPARE(json.value("trimmedEvents"_L1).toInteger(), 0);
        QCOMPARE(json.value("unavailableEvents"_L1).toInteger(), 1401 - 200);
        const QJsonArray messages = json.value("messages"_L1).toArray();
        QCOMPARE(messages.size(), 300);
        QList<qint64> seqs;
        for (const QJsonValue &m : messages)
            seqs << m.toObject().value("seq"_L1).toInteger();
        QCOMPARE(seqs.first(), 1202); // the newest page before what the view holds
        QCOMPARE(seqs.at(199), 1401);
        QCOMPARE(seqs.at(200), 1402);
        QCOMPARE(seqs.last(), 1501);
        QVERIFY(std::is_sorted(seqs.begin(), seqs.end()));
        QVERIFY(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());

        const QLocale locale;
        const QString markdown = readText(exporter->markdownPath());
        QVERIFY2(markdown.contains(u"%1 events (%2 to %3) could not be fetched"_s.arg(
                     locale.toString(1201), locale.toString(1), locale.toString(1201))),
                 qPrintable(markdown.left(400)));
        QVERIFY(exporter->resultText().contains(u"see the top of the file"_s));

        // Offline from the start: only the view's 100, and the 1,401 before them said missing.
        QSignalSpy again(exporter, &TranscriptExport::finished);
        session.exportTranscript(dir.path() + u"/again"_s);
        QVERIFY(again.wait(5000));
        const QJsonObject second = readJson(exporter->jsonPath());
        QCOMPARE(second.value("unavailableEvents"_L1).toInteger(), 1401);
        QCOMPARE(second.value("messages"_L1).toArray().size(), 100);
    }
};

QTEST_MAIN(tst_Transcript)
#include "tst_transcript.moc"
