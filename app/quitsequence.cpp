#include "quitsequence.h"

#include "client/roomclient.h"
#include "localhosting.h"
#include "models/roomobject.h"
#include "models/roomsession.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>

// The same category as AppController's: quitting is part of the app's story in the log.
Q_LOGGING_CATEGORY(lcQuit, "hearth.app")

namespace {

constexpr int TimeoutMs = 4000;

} // namespace

QuitSequence::QuitSequence(RoomClient *client, LocalHosting *hosting, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_hosting(hosting)
{}

void QuitSequence::start(RoomSession *session)
{
    qCInfo(lcQuit) << "shutting down"
                   << (m_hosting->isHosting() ? "(closing the hosted room)" : "");
    QTimer::singleShot(TimeoutMs, this, [this] {
        qCWarning(lcQuit) << "shutdown took too long; quitting anyway";
        finish();
    });
    if (session && session->isConnected()) {
        connect(session, &RoomSession::leaveFinished, this, &QuitSequence::afterRoom,
                Qt::SingleShotConnection);
        if (session->room()->isHost() && m_hosting->isHosting())
            session->closeRoom();
        else
            session->leave();
        return;
    }
    afterRoom();
}

void QuitSequence::afterRoom()
{
    m_client->close();
    m_hosting->stop([this] { finish(); });
}

void QuitSequence::finish()
{
    if (std::exchange(m_finished, true))
        return;
    Q_EMIT finished();
}
