#include "transcriptexport.h"

#include "messagesmodel.h"
#include "transcriptwriter.h"

#include <QtCore/QDir>
#include <QtCore/QLocale>
#include <QtCore/QTimer>

using namespace Qt::StringLiterals;
using namespace Client;

namespace {

// Reads the rows of a messages model (the view's, or one filled from fetched history) with
// seq above `after`. Rows of other kinds (not on the server yet) are not history.
void appendRows(QList<TranscriptEntry> &entries, const MessagesModel &model, qint64 after)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex i = model.index(row);
        const qint64 seq = i.data(MessagesModel::SeqRole).toLongLong();
        const QString kind = i.data(MessagesModel::KindRole).toString();
        if (seq <= after || (kind != "chat"_L1 && kind != "system"_L1))
            continue;
        TranscriptEntry e;
        e.seq = seq;
        e.ts = i.data(MessagesModel::TimestampRole).toDateTime().toMSecsSinceEpoch();
        e.chat = kind == "chat"_L1;
        if (e.chat) {
            e.authorId = i.data(MessagesModel::AuthorIdRole).toString();
            e.authorName = i.data(MessagesModel::AuthorNameRole).toString();
        }
        e.text = i.data(MessagesModel::TextRole).toString();
        entries.append(e);
    }
}

} // namespace

TranscriptExport::TranscriptExport(QObject *parent)
    : QObject(parent)
{}

QString TranscriptExport::progressText() const
{
    if (!m_running)
        return {};
    const QLocale locale;
    return tr("Saving transcript… %1 of %2")
        .arg(locale.toString(m_fetched), locale.toString(qMax(m_total, m_fetched)));
}

void TranscriptExport::start(const Source &source, const QString &directory)
{
    if (m_running)
        return;
    m_source = source;
    m_directory = directory;
    m_events.clear();
    m_cursor = 0;
    m_trimmed = -1;
    m_fetched = 0;
    const qint64 viewLast = source.view ? source.view->lastSeq() : 0;
    m_end = qMax(viewLast, source.client ? source.client->lastSeq(source.room) : 0);
    m_total = m_end;
    m_running = true;
    Q_EMIT runningChanged();
    Q_EMIT progressChanged();
    // Always later, as an answer from the server would be.
    QTimer::singleShot(0, this, &TranscriptExport::requestPage);
}

void TranscriptExport::requestPage()
{
    RoomClient *client = m_source.client;
    if (m_cursor >= m_end) {
        finish(true);
        return;
    }
    // Offline (reconnecting, disconnected) or no longer in the room: a request would wait for
    // a connection that may never come back. Write what is known now.
    if (!client || client->state() != RoomClient::State::Joined ||
        !client->rooms().contains(m_source.room)) {
        finish(false);
        return;
    }
    const int pageSize = qMax(1, client->limits().historyPageMax);
    client->history(m_source.room, m_end + 1, m_cursor, pageSize, this,
                    [this](const Result<HistoryPage> &result) { onPage(result); });
}

void TranscriptExport::onPage(const Result<HistoryPage> &result)
{
    if (!result.ok()) {
        finish(false);
        return;
    }
    const HistoryPage &page = *result.value;
    if (m_trimmed < 0) {
        // Whatever lies before the oldest stored event was trimmed by the server.
        m_trimmed = qMax(page.missing, page.firstSeq - 1);
        m_cursor = qMax(m_cursor, m_trimmed);
        m_total = qMax<qint64>(0, m_end - m_trimmed);
    }
    qint64 last = m_cursor;
    for (const RoomEvent &event : page.events) {
        if (event.seq <= last || event.seq > m_end)
            continue; // each seq once, in order, none newer than the end
        m_events.append(event);
        last = event.seq;
    }
    const bool progressed = last > m_cursor;
    m_cursor = last;
    if (!page.hasMore || page.events.isEmpty())
        m_cursor = qMax(m_cursor, m_end); // nothing more up to the end
    m_fetched = qMax<qint64>(0, m_cursor - qMax<qint64>(m_trimmed, 0));
    Q_EMIT progressChanged();
    if (!progressed && m_cursor < m_end) {
        finish(false); // a page that brings nothing new would loop forever
        return;
    }
    requestPage();
}

void TranscriptExport::finish(bool complete)
{
    TranscriptWriter writer;
    writer.roomCode = m_source.room;
    writer.roomName = m_source.roomName;
    writer.exportedAt = QDateTime::currentDateTimeUtc();
    writer.selfId = m_source.selfId;
    writer.selfName = m_source.selfName;
    writer.unsent = m_source.unsent;

    // The fetched events become lines exactly as the chat view makes them.
    {
        MessagesModel lines;
        lines.setSelf(m_source.selfId);
        if (m_source.names)
            lines.setNameLookup(m_source.names);
        lines.prependPage(m_events);
        appendRows(writer.entries, lines, 0);
    }
    qint64 trimmed = m_trimmed;
    if (trimmed < 0)
        trimmed = qMax<qint64>(m_source.viewTrimmed, 0);
    writer.trimmedEvents = trimmed;
    const qint64 known = qMax(m_cursor, trimmed);
    if (!complete && m_source.viewFrom - 1 > known) {
        writer.unavailableFrom = known + 1;
        writer.unavailableTo = m_source.viewFrom - 1;
    }
    // What the view holds beyond the fetched events: newer ones that came in meanwhile, or
    // everything the view has when the fetching stopped short.
    if (m_source.view)
        appendRows(writer.entries, *m_source.view, known);

    m_markdownPath.clear();
    m_jsonPath.clear();
    bool ok = false;
    if (!QDir().mkpath(m_directory)) {
        m_resultText = tr("Cannot create the folder %1.").arg(m_directory);
    } else {
        const QString base =
            QDir(m_directory)
                .filePath(u"hearth-%1-%2"_s.arg(
                    m_source.room, QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s)));
        QString error;
        ok = writer.write(base, &error);
        if (ok) {
            m_markdownPath = base + u".md"_s;
            m_jsonPath = base + u".json"_s;
            m_resultText = tr("Saved to %1 and %2").arg(m_markdownPath, m_jsonPath);
            if (writer.unavailableEvents() > 0)
                m_resultText += u' ' + tr("(without %Ln event(s) the host could not send: "
                                          "see the file's first lines).",
                                          "", int(writer.unavailableEvents()));
        } else {
            m_resultText = error;
        }
    }
    m_events.clear();
    m_running = false;
    Q_EMIT progressChanged();
    Q_EMIT runningChanged();
    Q_EMIT finished(ok);
}
