#pragma once

#include <QtCore/QObject>
#include <QtCore/QVariantMap>

class AppController;
class QSocketNotifier;
class QTextStream;

// Hearth without a window: hosts a room (or joins one) through the same AppController the
// window uses, prints the room's code and address and then one line per chat message and
// room event on stdout, and sends each line typed on stdin as a chat message.
//
// Output lines meant for scripts start with "hearth: " (see printRoomBanner()); chat lines
// look like "[14:03:12] <Ana> hello" and system lines like "[14:03:12] * Ben joined.".
// Commands on stdin: /who lists the participants, /quit leaves (the host closes the room).
class HeadlessRunner : public QObject
{
    Q_OBJECT
public:
    struct Options {
        bool join = false;
        // Host.
        QString roomName;
        int capacity = 10;
        QVariantMap roomOptions; // as AppController::hostRoom() takes them
        // Join.
        QString host;
        QString code;
        bool spectator = false;
        QString password;
        // A host whose pinned certificate changed is joined anyway (and pinned anew), rather
        // than the run failing with the warning.
        bool trustNewCertificate = false;
    };

    HeadlessRunner(AppController *app, Options options, QObject *parent = nullptr);
    ~HeadlessRunner() override;

    // Begins once the identity is ready; finished() ends the run.
    void start();
    // SIGINT/SIGTERM: leave or close the room cleanly, then finish.
    void stop();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void begin();
    void onPhaseChanged();
    void onSessionChanged();
    void printRoomBanner();
    void printLine(const QString &line);
    void readStdin();
    void handleInput(const QString &line);
    void end(int exitCode);

    AppController *m_app;
    Options m_options;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_inputBuffer;
    bool m_started = false;
    bool m_ending = false;
    bool m_finished = false;
    int m_exitCode = 0;
};
