#pragma once

#include "client/roomclient.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>

class MessagesModel;

// Saves a room's whole chat: what the chat view holds (the newest events), and before it the
// older history paged from the server, newest page first, back to the start (or to where the
// host trimmed it); then writes it all with TranscriptWriter as Markdown and JSON. Long
// histories take a while, so it runs asynchronously and says how far it is. When the
// connection is gone (the room ended, offline) or a page fails, it writes what is known and
// says at the top of the file which events are missing.
class TranscriptExport : public QObject
{
    Q_OBJECT
    // An export is under way; start() does nothing until it is done.
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    // Events known so far (those the view holds count) of those the host has.
    Q_PROPERTY(int fetched READ fetched NOTIFY progressChanged)
    Q_PROPERTY(int total READ total NOTIFY progressChanged)
    // "Saving transcript… 3,400 of 10,000" while running.
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged)
    // The two files of the last export that succeeded (empty before).
    Q_PROPERTY(QString markdownPath READ markdownPath NOTIFY finished)
    Q_PROPERTY(QString jsonPath READ jsonPath NOTIFY finished)
    // How the last export ended, in plain words: where the files are, or why it failed.
    Q_PROPERTY(QString resultText READ resultText NOTIFY finished)

public:
    // What an export starts from.
    struct Source {
        QPointer<RoomClient> client; // null or disconnected: only what the view holds
        QString room;
        QString roomName;
        QString selfId;
        QString selfName;
        // The chat view's rows, which hold every event from `viewFrom` on (and, while the
        // connection is down, everything that is known of the newest ones).
        const MessagesModel *view = nullptr;
        qint64 viewFrom = 1;
        // Events the host had trimmed, as the view learnt when it paged back to the start
        // (-1: not known).
        qint64 viewTrimmed = -1;
        // Names of people still present, for system lines about them.
        std::function<QString(const QString &)> names;
        // Your messages the host never acknowledged.
        QStringList unsent;
    };

    explicit TranscriptExport(QObject *parent = nullptr);

    // Starts an export into `directory` (created if needed); finished() follows, never
    // inside this call.
    void start(const Source &source, const QString &directory);

    bool isRunning() const { return m_running; }
    int fetched() const { return int(m_fetched); }
    int total() const { return int(m_total); }
    QString progressText() const;
    QString markdownPath() const { return m_markdownPath; }
    QString jsonPath() const { return m_jsonPath; }
    QString resultText() const { return m_resultText; }

Q_SIGNALS:
    void runningChanged();
    void progressChanged();
    // `ok`: both files were written (complete or not: see the files' first lines).
    void finished(bool ok);

private:
    void updateProgress();
    void requestPage();
    void onPage(const Client::Result<HistoryPage> &result);
    void finish(bool complete);

    Source m_source;
    QString m_directory;
    bool m_running = false;
    QList<QList<RoomEvent>> m_pages; // fetched, newest page first, each ascending
    qint64 m_before = 0;             // every event from this seq on is known
    qint64 m_end = 0;                // the newest seq when the export started
    qint64 m_trimmed = -1;           // events the host no longer keeps; -1: not known
    qint64 m_fetched = 0;
    qint64 m_total = 0;
    QString m_markdownPath;
    QString m_jsonPath;
    QString m_resultText;
};
