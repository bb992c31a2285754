// RoomClient's chat: messages wait in the outbox until the server acknowledges them, and go out
// again (same clientMsgId, so the server can tell a repeat) after a timeout or a resume.

#include "roomclient.h"

#include <QtCore/QTimer>

using namespace Qt::StringLiterals;
using namespace Client;

QString RoomClient::newClientMsgId()
{
    return u"c-"_s + m_clientMsgPrefix + u'-' + QString::number(++m_clientMsgCounter);
}

QString RoomClient::sendChat(const QString &room, const QString &text, QObject *context,
                             Callback<ChatAck> done, const QString &clientMsgId)
{
    OutgoingChat entry;
    entry.room = room;
    entry.text = text;
    entry.clientMsgId = clientMsgId.isEmpty() ? newClientMsgId() : clientMsgId;
    entry.context = context;
    entry.hasContext = context != nullptr;
    entry.done = std::move(done);
    const QString msgId = entry.clientMsgId;
    const quint64 serial = m_outbox.add(std::move(entry));
    Q_EMIT unsentMessagesChanged();
    // While the room is being taken back, the message waits and goes out after the resume.
    const bool waiting =
        m_resuming.contains(room) || (m_state == State::Reconnecting && m_seats.contains(room));
    if (!waiting)
        transmitChat(serial);
    return msgId;
}

void RoomClient::transmitChat(quint64 serial)
{
    OutgoingChat *entry = m_outbox.find(serial);
    if (!entry)
        return;
    entry->inFlight = true;
    request<ChatAck>(
        Requests::SendChat{entry->room, entry->text, entry->clientMsgId}, this,
        [this, serial](const Result<ChatAck> &result) { onChatReply(serial, result); });
}

void RoomClient::onChatReply(quint64 serial, const Result<ChatAck> &result)
{
    OutgoingChat *entry = m_outbox.find(serial);
    if (!entry)
        return;
    entry->inFlight = false;
    if (!result.ok() && retryLater(*entry, result.error))
        return;
    const OutgoingChat finished = *m_outbox.take(serial);
    Q_EMIT unsentMessagesChanged();
    finished.complete(result);
}

bool RoomClient::retryLater(const OutgoingChat &entry, const RequestError &error)
{
    const RequestError::Kind kind = error.kind;
    const bool lost = kind == RequestError::Kind::ConnectionLost ||
                      kind == RequestError::Kind::NotConnected ||
                      kind == RequestError::Kind::Timeout;
    if (lost && (m_state == State::Reconnecting || m_resuming.contains(entry.room)) &&
        m_seats.contains(entry.room))
        return true; // kept; resent once the room is resumed
    if (kind == RequestError::Kind::Timeout && m_joined.contains(entry.room)) {
        transmitChat(entry.serial); // the first may have arrived: the clientMsgId makes it safe
        return true;
    }
    if (kind == RequestError::Kind::Server && error.code() == ErrorCode::RateLimited) {
        const int wait = int(qBound(qint64(50), error.error.retryAfterMs, qint64(10000)));
        QTimer::singleShot(wait, this, [this, serial = entry.serial] {
            const OutgoingChat *again = m_outbox.find(serial);
            if (again && !again->inFlight && m_joined.contains(again->room))
                transmitChat(serial);
        });
        return true;
    }
    return false;
}

void RoomClient::resendOutbox(const QString &room)
{
    const QList<quint64> serials =
        m_outbox.idle([&room](const OutgoingChat &entry) { return entry.room == room; });
    if (!serials.isEmpty())
        qCInfo(lcClient) << "resending" << serials.size() << "unacknowledged messages to" << room;
    for (quint64 serial : serials)
        transmitChat(serial);
}

void RoomClient::failOutbox(const QString &room, const RequestError &error)
{
    const std::list<OutgoingChat> failed = m_outbox.takeRoom(room);
    if (failed.empty())
        return;
    Q_EMIT unsentMessagesChanged();
    Result<ChatAck> result;
    result.error = error;
    for (const OutgoingChat &entry : failed)
        entry.complete(result);
}
