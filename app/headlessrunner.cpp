#include "headlessrunner.h"

#include "appcontroller.h"

#include <QtCore/QDateTime>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h> // portable: the commands on standard input (POSIX only)
#endif

using namespace Qt::StringLiterals;
using namespace Client;

namespace {
void writeOut(const QString &line)
{
    std::fputs(line.toLocal8Bit().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout); // scripts and tests read line by line
}

void writeErr(const QString &line)
{
    std::fputs(line.toLocal8Bit().constData(), stderr);
    std::fputc('\n', stderr);
}

QString stamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(u"[HH:mm:ss]"_s);
}
} // namespace

HeadlessRunner::HeadlessRunner(AppController *app, Options options, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_options(std::move(options))
{
    connect(m_app, &AppController::phaseChanged, this, &HeadlessRunner::onPhaseChanged);
    connect(m_app, &AppController::sessionChanged, this, &HeadlessRunner::onSessionChanged);
    connect(m_app, &AppController::joinPending, this,
            [] { writeOut(u"hearth: waiting for the host to let you in"_s); });
    connect(m_app, &AppController::shutdownFinished, this, [this] { end(m_exitCode); });
}

HeadlessRunner::~HeadlessRunner() = default;

void HeadlessRunner::start()
{
    if (m_app->isIdentityReady()) {
        begin();
        return;
    }
    connect(m_app, &AppController::identityChanged, this, [this] {
        if (m_app->isIdentityReady() && !m_started)
            begin();
    });
}

void HeadlessRunner::begin()
{
    m_started = true;
    if (!m_app->identityWarning().isEmpty())
        writeErr(u"hearth: warning: "_s + m_app->identityWarning());
    if (m_options.join) {
        m_app->joinRoom(m_options.host, m_options.code, m_options.spectator, m_options.password);
    } else {
        m_app->hostRoom(m_options.roomName, m_options.capacity, m_options.roomOptions);
    }
    // Validation errors come back synchronously, without a phase change.
    if (m_app->phase() == AppController::Phase::Lobby && !m_app->errorText().isEmpty()) {
        writeErr(u"hearth: "_s + m_app->errorText());
        end(2);
    }
}

void HeadlessRunner::stop()
{
    if (m_ending)
        return;
    writeOut(m_app->isHosting() ? u"hearth: closing the room"_s : u"hearth: leaving"_s);
    m_app->shutdown();
}

void HeadlessRunner::onPhaseChanged()
{
    if (!m_started || m_ending)
        return;
    switch (m_app->phase()) {
    case AppController::Phase::Lobby:
        if (!m_app->certificateWarning().isEmpty()) {
            writeErr(u"hearth: warning: "_s + m_app->certificateWarning());
            if (m_options.trustNewCertificate) {
                writeOut(u"hearth: trusting the new certificate (%1) as asked"_s.arg(
                    m_app->newCertificateWords()));
                // Not from inside the failure being reported: it closes the connection last.
                QTimer::singleShot(0, m_app, &AppController::trustNewCertificate);
                break;
            }
            writeErr(u"hearth: not joined. If the host did reinstall Hearth, join again with "
                     "--trust-new-certificate."_s);
            m_exitCode = 1;
            m_app->shutdown();
            break;
        }
        // Back in the lobby without being asked: the attempt failed.
        writeErr(u"hearth: "_s + m_app->errorText());
        m_exitCode = 1;
        m_app->shutdown();
        break;
    case AppController::Phase::Room:
        printRoomBanner();
#ifdef Q_OS_UNIX
        // Commands on standard input. Elsewhere (Windows: a console handle is not a socket a
        // QSocketNotifier can watch) the headless runner takes none; /quit is Ctrl+C there.
        if (!m_stdin) {
            m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
            connect(m_stdin, &QSocketNotifier::activated, this, &HeadlessRunner::readStdin);
        }
#endif
        break;
    case AppController::Phase::Starting:
    case AppController::Phase::Connecting:
        break;
    }
}

void HeadlessRunner::onSessionChanged()
{
    RoomSession *session = m_app->session();
    if (!session)
        return;
    MessagesModel *messages = session->messages();
    // Live rows are appended at the end; pages of history go in at the top and are not
    // printed (the banner says how many there are).
    connect(messages, &QAbstractItemModel::rowsInserted, this,
            [this, messages](const QModelIndex &, int first, int last) {
                if (last != messages->rowCount() - 1 || first == 0)
                    return;
                for (int row = first; row <= last; ++row) {
                    const QModelIndex i = messages->index(row);
                    const qint64 ts =
                        i.data(MessagesModel::TimestampRole).toDateTime().toMSecsSinceEpoch();
                    const QString text = i.data(MessagesModel::TextRole).toString();
                    if (i.data(MessagesModel::KindRole).toString() == "chat"_L1)
                        printLine(stamp(ts) + u" <"_s +
                                  i.data(MessagesModel::AuthorNameRole).toString() + u"> "_s +
                                  text);
                    else
                        printLine(stamp(ts) + u" * "_s + text);
                }
            });
    connect(session, &RoomSession::eventApplied, this, [this, session](const RoomEvent &event) {
        if (const auto *presence = event.as<Events::Presence>()) {
            printLine(stamp(event.ts) + u" * "_s +
                      (presence->online ? tr("%1 is back online.") : tr("%1 went offline."))
                          .arg(session->participants()->nameOf(presence->participant)));
        }
    });
    connect(session->room(), &RoomObject::changed, this, [this, session] {
        if (session->room()->hasEnded() && !m_ending) {
            const QString reason = session->room()->endReason();
            writeOut(u"hearth: the room ended ("_s + reason + u')');
            m_exitCode = (reason == "kicked"_L1 || reason == "banned"_L1) ? 3 : 0;
            m_ending = true; // what follows (back to the lobby) is not a failure
            QTimer::singleShot(0, this, [this] {
                m_app->backToLobby();
                end(m_exitCode);
            });
        }
    });
    connect(session->joinRequests(), &QAbstractItemModel::rowsInserted, this,
            [this, session](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    const QModelIndex i = session->joinRequests()->index(row);
                    const QString name = i.data(JoinRequestsModel::NameRole).toString();
                    const QString id = i.data(JoinRequestsModel::IdRole).toString();
                    printLine(
                        u"hearth: %1 asks to join; type /admit %2 or /deny %2"_s.arg(name, id));
                }
            });
    connect(m_app->client(), &RoomClient::connectionClosed, this,
            [this](int code, const QString &reason) {
                if (m_ending || m_app->isHosting())
                    return;
                if (m_app->client()->state() == RoomClient::State::Reconnecting) {
                    writeOut(u"hearth: connection lost (%1); reconnecting"_s.arg(code));
                    return;
                }
                writeErr(u"hearth: connection closed (%1) %2"_s.arg(code).arg(reason));
                end(1);
            });
    connect(m_app->client(), &RoomClient::reconnecting, this, [this](int attempt, int delayMs) {
        if (!m_ending)
            writeOut(u"hearth: reconnecting (attempt %1 in %2 ms)"_s.arg(attempt).arg(delayMs));
    });
    connect(m_app->client(), &RoomClient::stateChanged, this, [this](RoomClient::State state) {
        // Given up (replaced by another connection of ours, refused): nothing more will come.
        if (!m_ending && !m_app->isHosting() && !m_app->isBusy() &&
            state == RoomClient::State::Disconnected && m_app->session() &&
            !m_app->session()->room()->hasEnded()) {
            writeErr(u"hearth: disconnected: "_s + m_app->client()->errorString());
            end(1);
        }
    });
    connect(session, &RoomSession::resumed, this,
            [] { writeOut(u"hearth: reconnected; the room is resumed"_s); });
}

void HeadlessRunner::printRoomBanner()
{
    RoomSession *session = m_app->session();
    if (!session)
        return;
    RoomObject *room = session->room();
    const QString address = m_app->serverAddress();
    // These lines are the machine-readable part: keep their shape stable.
    if (m_app->isHosting()) {
        writeOut(u"hearth: hosting room \"%1\" with code %2"_s.arg(room->name(), room->code()));
        writeOut(u"hearth: address %1"_s.arg(address));
        writeOut(u"hearth: others join with: hearth join %1 %2 --name NAME"_s.arg(address,
                                                                                  room->code()));
        writeOut(u"hearth: invite "_s + m_app->inviteLink());
        if (!m_app->hostCertificateWarning().isEmpty())
            writeErr(u"hearth: warning: "_s + m_app->hostCertificateWarning());
    } else {
        writeOut(u"hearth: joined room \"%1\" with code %2"_s.arg(room->name(), room->code()));
        writeOut(u"hearth: address %1"_s.arg(address));
    }
    // The host's and the joiner's lines are compared aloud: the same four words, or someone
    // is in between.
    const QString words = m_app->certificateWords();
    writeOut(words.isEmpty() ? u"hearth: certificate words: none (plain ws://, not encrypted)"_s
                             : u"hearth: certificate words: "_s + words);
    QStringList names;
    ParticipantsModel *people = session->participants();
    for (int row = 0; row < people->rowCount(); ++row) {
        const QModelIndex i = people->index(row);
        QString entry = i.data(ParticipantsModel::NameRole).toString();
        const QString role = i.data(ParticipantsModel::RoleRole).toString();
        if (role != "member"_L1)
            entry += u" ("_s + role + u')';
        names << entry;
    }
    writeOut(u"hearth: in the room (%1/%2): %3"_s.arg(room->seats())
                 .arg(room->capacity())
                 .arg(names.join(u", "_s)));
    writeOut(u"hearth: type a line to chat; /who lists participants; /quit leaves"_s);
}

void HeadlessRunner::printLine(const QString &line)
{
    writeOut(line);
}

void HeadlessRunner::readStdin()
{
#ifdef Q_OS_UNIX
    char buffer[4096];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        // End of input (or /dev/null): keep running until a signal, as a server does.
        m_stdin->setEnabled(false);
        return;
    }
    m_inputBuffer.append(buffer, qsizetype(n));
    qsizetype newline;
    while ((newline = m_inputBuffer.indexOf('\n')) >= 0) {
        const QString line = QString::fromLocal8Bit(m_inputBuffer.left(newline)).trimmed();
        m_inputBuffer.remove(0, newline + 1);
        if (!line.isEmpty())
            handleInput(line);
    }
#endif
}

void HeadlessRunner::handleInput(const QString &line)
{
    RoomSession *session = m_app->session();
    if (!session)
        return;
    if (line == "/quit"_L1) {
        stop();
    } else if (line == "/who"_L1) {
        printRoomBanner();
    } else if (line.startsWith("/admit "_L1)) {
        session->hostAction(HostAction::Admit, line.mid(7).trimmed());
    } else if (line.startsWith("/deny "_L1)) {
        session->hostAction(HostAction::Deny, line.mid(6).trimmed());
    } else if (line.startsWith(u'/') && !line.startsWith("//"_L1)) {
        writeErr(u"hearth: unknown command "_s + line);
    } else if (!session->sendChat(line.startsWith("//"_L1) ? line.mid(1) : line)) {
        writeErr(u"hearth: message not sent (empty or longer than %1 characters)"_s.arg(
            session->maxChatLength()));
    }
}

void HeadlessRunner::end(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_ending = true;
    if (m_stdin)
        m_stdin->setEnabled(false);
    Q_EMIT finished(exitCode);
}
