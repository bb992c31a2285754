#pragma once

#include <QtCore/QObject>

class LocalHosting;
class RoomClient;
class RoomSession;

// Quitting cleanly: the host closes its room (joiners are told so before the server stops) and
// stops the server; a joiner leaves. finished() follows once, at the latest after a few
// seconds: quitting must not hang on a host that does not answer.
class QuitSequence : public QObject
{
    Q_OBJECT
public:
    QuitSequence(RoomClient *client, LocalHosting *hosting, QObject *parent = nullptr);

    // `session` is the room this app is in, or null.
    void start(RoomSession *session);

Q_SIGNALS:
    void finished();

private:
    void afterRoom();
    void finish();

    RoomClient *m_client;
    LocalHosting *m_hosting;
    bool m_finished = false;
};
