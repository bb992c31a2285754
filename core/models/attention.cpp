#include "attention.h"

#include "roomsession.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonObject>

using namespace Qt::StringLiterals;

namespace {

// A letter, digit, mark or connector (underscore) continues a word: "Ana" is not mentioned in
// "Banana" or "Ana_b", but is in "Ana," "@ana" and "ana's".
bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c.isMark() || c == u'_';
}

QString shortened(const QString &text)
{
    QString body = text.simplified();
    if (body.size() > Attention::MaxBodyLength)
        body = body.left(Attention::MaxBodyLength - 1) + u'…';
    return body;
}

} // namespace

Attention::Attention(QObject *parent)
    : QObject(parent)
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    m_clock = [timer] { return timer->elapsed(); };
}

Attention::~Attention() = default;

void Attention::setSession(RoomSession *session)
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_session = session;
    setUnread(0);
    if (!session) {
        setRoomName({});
        return;
    }
    RoomObject *room = session->room();
    setRoomName(room->name());
    m_connections << connect(room, &RoomObject::changed, this,
                             [this, room] { setRoomName(room->name()); });
    m_connections << connect(
        session, &RoomSession::eventApplied, this, [this, session](const RoomEvent &event) {
            const auto *chat = event.as<Events::Chat>();
            if (!chat)
                return;
            const QString selfId = session->room()->selfId();
            const ParticipantInfo *self = session->participants()->find(selfId);
            chatReceived(chat->name, chat->text, chat->author == selfId,
                         self ? self->name : QString());
        });
    JoinRequestsModel *requests = session->joinRequests();
    m_connections << connect(
        requests, &QAbstractItemModel::rowsInserted, this,
        [this, requests](const QModelIndex &, int first, int last) {
            for (int row = first; row <= last; ++row)
                joinRequested(requests->index(row).data(JoinRequestsModel::NameRole).toString());
        });
}

void Attention::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    if (active)
        setUnread(0); // you are looking at it now
    Q_EMIT windowActiveChanged();
}

QString Attention::titlePrefix() const
{
    if (!m_titleCount || m_unread == 0)
        return {};
    return u"(%1) "_s.arg(m_unread);
}

void Attention::setTitleCountEnabled(bool on)
{
    if (m_titleCount == on)
        return;
    m_titleCount = on;
    Q_EMIT settingsChanged();
    Q_EMIT unreadChanged(); // the title prefix
}

void Attention::setAlertEnabled(bool on)
{
    setFlag(m_alert, on);
}

void Attention::setNotificationsEnabled(bool on)
{
    setFlag(m_notifications, on);
}

void Attention::setSoundEnabled(bool on)
{
    setFlag(m_sound, on);
}

void Attention::setTrayEnabled(bool on)
{
    setFlag(m_tray, on);
}

void Attention::setFlag(bool &flag, bool on)
{
    if (flag == on)
        return;
    flag = on;
    Q_EMIT settingsChanged();
}

void Attention::chatReceived(const QString &authorName, const QString &text, bool own,
                             const QString &selfName)
{
    if (own || m_windowActive)
        return;
    setUnread(m_unread + 1);
    if (mentions(text, selfName)) {
        const QString summary = m_roomName.isEmpty()
                                    ? tr("%1 mentioned you").arg(authorName)
                                    : tr("%1 mentioned you in %2").arg(authorName, m_roomName);
        callForAttention(summary, shortened(text));
    }
}

void Attention::joinRequested(const QString &name)
{
    if (m_windowActive)
        return;
    const QString summary = m_roomName.isEmpty() ? tr("%1 asks to join").arg(name)
                                                 : tr("%1 asks to join %2").arg(name, m_roomName);
    callForAttention(summary, tr("Open Hearth to let them in or turn them away."));
}

void Attention::setRoomName(const QString &name)
{
    if (m_roomName == name)
        return;
    m_roomName = name;
    Q_EMIT roomChanged();
}

bool Attention::mentions(const QString &text, const QString &name)
{
    const QString needle = name.trimmed();
    if (needle.isEmpty())
        return false;
    qsizetype from = 0;
    while (true) {
        const qsizetype at = text.indexOf(needle, from, Qt::CaseInsensitive);
        if (at < 0)
            return false;
        const qsizetype end = at + needle.size();
        const bool startsWord = at == 0 || !isWordChar(text.at(at - 1));
        const bool endsWord = end >= text.size() || !isWordChar(text.at(end));
        if (startsWord && endsWord)
            return true;
        from = at + 1;
    }
}

void Attention::callForAttention(const QString &summary, const QString &body)
{
    if (m_alert)
        Q_EMIT alertRequested();
    if (m_notifications)
        Q_EMIT notificationRequested(summary, body);
    if (m_sound) {
        const qint64 now = m_clock();
        if (!m_soundPlayed || now - m_lastSound >= SoundGapMs) {
            m_soundPlayed = true;
            m_lastSound = now;
            Q_EMIT soundRequested();
        }
    }
}

void Attention::setUnread(int count)
{
    if (m_unread == count)
        return;
    m_unread = count;
    Q_EMIT unreadChanged();
}
