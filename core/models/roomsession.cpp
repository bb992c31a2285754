#include "roomsession.h"

#include "protocol/textrules.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QStandardPaths>

using namespace Qt::StringLiterals;
using namespace Client;

namespace {

Role roleOf(const QList<ParticipantInfo> &participants, const QString &id)
{
    for (const ParticipantInfo &p : participants) {
        if (p.id == id)
            return p.role;
    }
    return Role::Member;
}

} // namespace

RoomSession::RoomSession(RoomClient *client, const RoomSnapshot &snapshot, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_code(snapshot.room.code)
    , m_limits(client->limits())
    , m_room(new RoomObject(snapshot.room, snapshot.self,
                            roleOf(snapshot.participants, snapshot.self), this))
    , m_participants(new ParticipantsModel(this))
    , m_messages(new MessagesModel(this))
    , m_joinRequests(new JoinRequestsModel(this))
    , m_transcriptExport(new TranscriptExport(this))
    // Everything the client has delivered so far comes from history; what it delivers from
    // now on is appended live.
    , m_oldestLoadedSeq(qMax(snapshot.room.lastSeq, client->lastSeq(snapshot.room.code)) + 1)
{
    m_participants->reset(snapshot.participants, snapshot.self);
    m_messages->setSelf(snapshot.self);
    m_messages->setRoom(snapshot.room);
    m_messages->setNameLookup(
        [participants = m_participants](const QString &id) { return participants->nameOf(id); });
    syncCounts();

    connect(client, &RoomClient::eventReceived, this, [this](const RoomEvent &event) {
        if (event.room == m_code)
            onEvent(event);
    });
    connect(client, &RoomClient::noticeReceived, this, &RoomSession::onNotice);
    connect(client, &RoomClient::roomLeft, this, &RoomSession::onRoomLeft);
    connect(client, &RoomClient::stateChanged, this, &RoomSession::connectedChanged);
    connect(client, &RoomClient::unsentMessagesChanged, this, &RoomSession::unsentMessagesChanged);
    connect(client, &RoomClient::roomResumed, this, &RoomSession::onResumed);
    connect(client, &RoomClient::historyMissing, this,
            [this](const QString &room, qint64 afterSeq, qint64 count) {
                if (room == m_code)
                    m_messages->appendGap(afterSeq, count);
            });
    connect(m_room, &RoomObject::changed, this, &RoomSession::connectedChanged);
}

RoomSession::~RoomSession() = default;

void RoomSession::start(int firstPageSize)
{
    requestHistory(m_oldestLoadedSeq, firstPageSize);
}

void RoomSession::detach()
{
    if (m_client)
        m_client->disconnect(this);
    m_client = nullptr;
    Q_EMIT connectedChanged();
}

bool RoomSession::isConnected() const
{
    return m_client && m_client->state() == RoomClient::State::Joined &&
           m_client->rooms().contains(m_code) && !m_room->hasEnded();
}

bool RoomSession::canChat() const
{
    if (isConnected())
        return true;
    return m_client && m_client->state() == RoomClient::State::Reconnecting &&
           m_client->seats().contains(m_code) && !m_room->hasEnded();
}

int RoomSession::unsentMessages() const
{
    return m_client ? m_client->unsentMessages() : 0;
}

void RoomSession::onResumed(const RoomSnapshot &snapshot)
{
    if (snapshot.room.code != m_code)
        return;
    // The missed events have been applied one by one; the snapshot is the same state, and
    // corrects it where events were no longer kept.
    m_participants->reset(snapshot.participants, snapshot.self);
    m_room->setInfo(snapshot.room);
    syncCounts();
    Q_EMIT selfStatusChanged();
    if (m_historyFailed)
        requestHistory(m_oldestLoadedSeq, 100);
    Q_EMIT resumed();
}

QString RoomSession::defaultExportDirectory()
{
    // For tests and for people who keep transcripts elsewhere.
    if (const QString dir = qEnvironmentVariable("HEARTH_EXPORT_DIR"); !dir.isEmpty())
        return dir;
    QString base = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (base.isEmpty())
        base = QDir::homePath();
    return base + u"/Hearth"_s;
}

void RoomSession::exportTranscript(const QString &directory)
{
    TranscriptExport::Source source;
    source.client = m_client;
    source.room = m_code;
    source.roomName = m_room->name();
    source.selfId = m_room->selfId();
    source.selfName = m_participants->nameOf(source.selfId);
    source.view = m_messages;
    source.viewFrom = m_oldestLoadedSeq;
    source.viewTrimmed = m_hasMoreHistory ? -1 : m_missingHistory;
    source.names = [participants = QPointer<ParticipantsModel>(m_participants)](const QString &id) {
        return participants ? participants->nameOf(id) : QString();
    };
    source.unsent = m_undelivered;
    if (m_client)
        source.unsent += m_client->unsentTexts(m_code);
    m_transcriptExport->start(source, directory.isEmpty() ? defaultExportDirectory() : directory);
}

bool RoomSession::selfFlag(StatusFlags::Flag flag) const
{
    const ParticipantInfo *self = m_participants->find(m_room->selfId());
    return self && self->status.test(flag);
}

void RoomSession::setError(const QString &text)
{
    if (m_errorText == text)
        return;
    m_errorText = text;
    Q_EMIT errorTextChanged();
}

void RoomSession::syncCounts()
{
    m_room->setCounts(m_participants->seatCount(), m_participants->spectatorCount(),
                      m_participants->onlineCount());
    if (m_room->isHost())
        m_room->setWaitingToJoin(m_joinRequests->rowCount());
}

void RoomSession::onEvent(const RoomEvent &event)
{
    const QString selfId = m_room->selfId();
    // The chat row first: it names people (a leaver, the old host) before they change, and
    // it is in place by the time listeners of the state changes below look.
    m_messages->appendEvent(event);
    std::visit(Overloaded{
                   [this](const Events::ParticipantJoined &e) {
                       m_participants->add(e.participant);
                       m_joinRequests->remove(e.participant.id); // admitted
                   },
                   [this, &selfId](const Events::ParticipantLeft &e) {
                       m_participants->remove(e.participant);
                       if (e.participant == selfId)
                           m_room->markEnded(wireName(e.reason));
                   },
                   [this, &selfId](const Events::ParticipantUpdated &e) {
                       // Only the flags that changed: the others stay as they are.
                       m_participants->updateStatus(e.participant,
                                                    StatusFlags::Update{e.changed, e.status.bits});
                       if (e.participant == selfId)
                           Q_EMIT selfStatusChanged();
                   },
                   [this](const Events::Presence &e) {
                       m_participants->setPresence(e.participant, e.online, e.lastSeen);
                   },
                   [this](const Events::RoomUpdated &e) { m_room->setInfo(e.room); },
                   [this, &selfId](const Events::HostChanged &e) {
                       m_participants->setHost(e.from, e.to);
                       const ParticipantInfo *self = m_participants->find(selfId);
                       m_room->setHost(e.to, self ? self->role : m_room->selfRole());
                       if (!m_room->isHost())
                           m_joinRequests->clear(); // the new host gets the waiting list instead
                   },
                   [this](const Events::RoomClosed &e) { m_room->markEnded(wireName(e.reason)); },
                   [](const Events::Chat &) {},
                   [](const Events::Unknown &) {},
               },
               event.data);
    syncCounts();
    Q_EMIT eventApplied(event);
}

void RoomSession::onNotice(const Notice &notice)
{
    if (notice.room != m_code)
        return;
    if (const auto *request = notice.as<Notices::JoinRequest>())
        m_joinRequests->add(request->participant, request->name, wireName(request->role));
    else if (const auto *cancelled = notice.as<Notices::JoinRequestCancelled>())
        m_joinRequests->remove(cancelled->participant);
    syncCounts();
}

void RoomSession::onRoomLeft(const QString &room, const QString &reason)
{
    if (room == m_code)
        m_room->markEnded(reason);
}

void RoomSession::requestHistory(qint64 before, int pageSize)
{
    if (!m_client || m_loadingHistory)
        return;
    m_loadingHistory = true;
    Q_EMIT historyChanged();
    m_client->history(m_code, before, 0, pageSize, this, [this](const Result<HistoryPage> &result) {
        m_loadingHistory = false;
        m_historyFailed = !result.ok();
        if (!result.ok()) {
            // A lost connection is shown by the banner, and the page is asked again after
            // the resume.
            if (result.error.kind == RequestError::Kind::Server)
                setError(result.error.text());
            Q_EMIT historyChanged();
            return;
        }
        const HistoryPage &page = *result.value;
        m_messages->prependPage(page.events);
        if (!page.events.isEmpty())
            m_oldestLoadedSeq = page.events.first().seq;
        m_hasMoreHistory = page.hasMore && !page.events.isEmpty();
        if (!m_hasMoreHistory) {
            // Whatever lies before the oldest stored event was trimmed by the server.
            const qint64 oldest = page.events.isEmpty() ? page.firstSeq : page.events.first().seq;
            m_missingHistory = int(qMax<qint64>(0, oldest - 1));
        }
        Q_EMIT historyChanged();
    });
}

void RoomSession::loadOlder(int pageSize)
{
    if (!m_hasMoreHistory)
        return;
    requestHistory(m_oldestLoadedSeq, pageSize);
}

int RoomSession::chatLength(const QString &text) const
{
    return TextRules::codePointCount(text);
}

bool RoomSession::sendChat(const QString &text)
{
    if (!m_client || TextRules::checkChat(text, m_limits.maxChatLength) != TextRules::Verdict::Ok)
        return false;
    // The pending row goes in first: the answer (even a failure at once) comes after it.
    const QString clientMsgId = m_client->newClientMsgId();
    m_messages->addPending(clientMsgId, text, QDateTime::currentMSecsSinceEpoch());
    transmitChat(text, clientMsgId);
    return true;
}

void RoomSession::transmitChat(const QString &text, const QString &clientMsgId)
{
    m_client->sendChat(
        m_code, text, this,
        [this, text, clientMsgId](const Result<ChatAck> &result) {
            onChatAnswered(clientMsgId, text, result);
        },
        clientMsgId);
}

void RoomSession::onChatAnswered(const QString &clientMsgId, const QString &text,
                                 const Result<ChatAck> &result)
{
    if (result.ok()) {
        setError({});
        // The chat event normally settles the row; one the host had before (a resend after a
        // reconnect whose event came with the missed ones) is settled already.
        if (result.value->seq <= m_messages->lastSeq())
            m_messages->removePending(clientMsgId);
        return;
    }
    const QString message = result.error.text();
    m_undelivered.append(text); // kept for the transcript
    // The host said no (it stored nothing: docs/protocol.md); otherwise (given up with the
    // connection) it may have stored it before the answer was lost.
    if (result.error.kind == RequestError::Kind::Server)
        m_refusedIds.insert(clientMsgId);
    m_messages->setPendingFailed(clientMsgId, message);
    setError(message);
    Q_EMIT chatFailed(text, message);
    Q_EMIT actionFailed(message);
}

void RoomSession::retryChat(const QString &clientMsgId)
{
    const QString text = m_messages->pendingText(clientMsgId);
    if (!m_client || text.isEmpty() || !canChat())
        return;
    m_undelivered.removeOne(text);
    // A message the host refused is a new message: a new clientMsgId, so that nothing the host
    // remembers of the refused attempt can stand in for it. One whose answer was lost keeps
    // its clientMsgId: should the host have stored it after all, it answers with that message
    // instead of storing it twice.
    const QString id = m_refusedIds.remove(clientMsgId) ? m_client->newClientMsgId() : clientMsgId;
    m_messages->setPendingSending(clientMsgId, id);
    transmitChat(text, id);
}

void RoomSession::discardChat(const QString &clientMsgId)
{
    const QString text = m_messages->pendingText(clientMsgId);
    if (m_messages->removePending(clientMsgId)) {
        m_undelivered.removeOne(text);
        m_refusedIds.remove(clientMsgId);
    }
}

RoomClient::Callback<Done> RoomSession::doneHandler()
{
    return [this](const Result<Done> &result) {
        if (result.ok()) {
            setError({});
            return;
        }
        const QString message = result.error.text();
        setError(message);
        Q_EMIT actionFailed(message);
    };
}

void RoomSession::setStatusFlag(const QString &flag, bool on)
{
    for (int i = 0; i < StatusFlags::Count; ++i) {
        if (flag == QLatin1String(StatusFlags::name(i))) {
            StatusFlags::Update update;
            update.mask = quint8(1 << i);
            update.values = on ? update.mask : quint8(0);
            if (m_client)
                m_client->setStatus(m_code, update, this, doneHandler());
            return;
        }
    }
    qWarning("RoomSession::setStatusFlag: unknown flag %s", qPrintable(flag));
}

void RoomSession::leave()
{
    if (!m_client || !isConnected()) {
        Q_EMIT leaveFinished();
        return;
    }
    m_client->leaveRoom(m_code, this, [this](const Result<Done> &) { Q_EMIT leaveFinished(); });
}

void RoomSession::updateSettings(const QVariantMap &changes)
{
    if (!m_client)
        return;
    Requests::UpdateSettings change;
    change.room = m_code;
    const auto boolOf = [&changes](const QString &key) -> std::optional<bool> {
        if (!changes.contains(key))
            return std::nullopt;
        return changes.value(key).toBool();
    };
    if (changes.contains(u"name"_s))
        change.name = changes.value(u"name"_s).toString().trimmed();
    if (changes.contains(u"capacity"_s))
        change.capacity = changes.value(u"capacity"_s).toInt();
    change.settings.spectators = boolOf(u"spectators"_s);
    change.settings.approval = boolOf(u"approval"_s);
    change.settings.locked = boolOf(u"locked"_s);
    change.settings.isPublic = boolOf(u"isPublic"_s);
    if (changes.contains(u"password"_s))
        change.settings.password = changes.value(u"password"_s).toString();
    m_client->updateSettings(change, this, doneHandler());
}

void RoomSession::startSession()
{
    if (m_client)
        m_client->setRoomState(m_code, RoomState::Active, this, doneHandler());
}

void RoomSession::finishSession()
{
    if (m_client)
        m_client->setRoomState(m_code, RoomState::Finished, this, doneHandler());
}

void RoomSession::hostAction(HostAction action, const QString &participantId)
{
    if (!m_client)
        return;
    auto done = doneHandler();
    if (action == HostAction::Deny) {
        // The server sends no event for a denial: the row goes once the request is answered.
        done = [this, participantId, handler = std::move(done)](const Result<Done> &r) {
            if (r.ok() || r.error.code() == ErrorCode::ParticipantNotFound) {
                m_joinRequests->remove(participantId);
                syncCounts();
            }
            handler(r);
        };
    }
    m_client->hostAction(m_code, action, participantId, this, std::move(done));
}

void RoomSession::act(const QString &action, const QString &participantId)
{
    if (const auto hostActionValue = fromWireName<HostAction>(action))
        hostAction(*hostActionValue, participantId);
    else
        qWarning() << "RoomSession::act: no such host action" << action;
}

void RoomSession::refreshStats()
{
    if (!m_client)
        return;
    m_client->roomInfo(m_code, this, [this](const Result<RoomInfoResult> &result) {
        if (!result.ok()) {
            setError(result.error.text());
            return;
        }
        if (result.value->stats) {
            const RoomStats &s = *result.value->stats;
            m_stats = QVariantMap{{u"messages"_s, s.messages}, {u"events"_s, s.events},
                                  {u"joins"_s, s.joins},       {u"peakSeats"_s, s.peakSeats},
                                  {u"kicks"_s, s.kicks},       {u"bans"_s, s.bans}};
            Q_EMIT statsChanged();
        }
    });
}

void RoomSession::closeRoom()
{
    if (!m_client || !isConnected()) {
        Q_EMIT leaveFinished();
        return;
    }
    m_client->closeRoom(m_code, this, [this](const Result<Done> &result) {
        if (!result.ok())
            setError(result.error.text());
        Q_EMIT leaveFinished();
    });
}
