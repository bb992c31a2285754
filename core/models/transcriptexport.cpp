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
    m_pages.clear();
    m_before = qMax<qint64>(1, source.viewFrom);
    m_trimmed = source.viewTrimmed;
    const qint64 viewLast = source.view ? source.view->lastSeq() : 0;
    m_end = qMax(viewLast, source.client ? source.client->lastSeq(source.room) : 0);
    m_running = true;
    updateProgress();
    Q_EMIT runningChanged();
    // Always later, as an answer from the server would be.
    QTimer::singleShot(0, this, &TranscriptExport::requestPage);
}

void TranscriptExport::updateProgress()
{
    m_fetched = qMax<qint64>(0, m_end - m_before + 1);
    m_total = qMax<qint64>(m_fetched, m_end - qMax<qint64>(m_trimmed, 0));
    Q_EMIT progressChanged();
}

void TranscriptExport::requestPage()
{
    // Back at the start, or where the host's history begins: complete.
    if (m_before <= 1 || (m_trimmed >= 0 && m_before <= m_trimmed + 1)) {
        finish(true);
        return;
    }
    RoomClient *client = m_source.client;
    // Offline (reconnecting, disconnected) or no longer in the room: a request would wait for
    // a connection that may never come back. Write what is known now.
    if (!client || client->state() != RoomClient::State::Joined ||
        !client->rooms().contains(m_source.room)) {
        finish(false);
        return;
    }
    const int pageSize = qMax(1, client->limits().historyPageMax);
    client->history(m_source.room, m_before, 0, pageSize, this,
                    [this](const Result<HistoryPage> &result) { onPage(result); });
}

void TranscriptExport::onPage(const Result<HistoryPage> &result)
{
    if (!result.ok()) {
        finish(false);
        return;
    }
    const HistoryPage &page = *result.value;
    // Whatever lies before the oldest stored event was trimmed by the server.
    if (page.firstSeq > 0)
        m_trimmed = page.firstSeq - 1;
    QList<RoomEvent> events;
    events.reserve(page.events.size());
    for (const RoomEvent &event : page.events) {
        if (event.seq >= m_before || (!events.isEmpty() && event.seq <= events.last().seq))
            continue; // each seq once, in order, none the view already holds
        events.append(event);
    }
    if (events.isEmpty() || !page.hasMore) {
        // The start of what the host keeps.
        if (!events.isEmpty())
            m_before = events.first().seq;
        if (m_trimmed < 0)
            m_trimmed = qMax<qint64>(0, m_before - 1);
        m_before = qMin(m_before, m_trimmed + 1);
    } else {
        m_before = events.first().seq;
    }
    if (!events.isEmpty())
        m_pages.append(events);
    updateProgress();
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
        QList<RoomEvent> events;
        for (auto page = m_pages.crbegin(); page != m_pages.crend(); ++page)
            events += *page;
        MessagesModel lines;
        lines.setSelf(m_source.selfId);
        if (m_source.names)
            lines.setNameLookup(m_source.names);
        lines.prependPage(events);
        appendRows(writer.entries, lines, 0);
    }
    writer.trimmedEvents = qMax<qint64>(m_trimmed, 0);
    if (!complete && m_before - 1 > writer.trimmedEvents) {
        writer.unavailableFrom = writer.trimmedEvents + 1;
        writer.unavailableTo = m_before - 1;
    }
    // Then what the view holds: everything from where the fetching began.
    if (m_source.view)
        appendRows(writer.entries, *m_source.view, m_source.viewFrom - 1);

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
                m_resultText += u' ' + tr("(some events could not be fetched: see the top of "
                                          "the file)");
        } else {
            m_resultText = error;
        }
    }
    m_pages.clear();
    m_running = false;
    Q_EMIT progressChanged();
    Q_EMIT runningChanged();
    Q_EMIT finished(ok);
}
