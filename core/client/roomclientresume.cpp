// RoomClient's resume after a reconnect (docs/protocol.md, "Reconnect and resume"): every seat
// is taken back with join_room "resume", the events missed are fetched from history up to the
// snapshot and delivered before the live ones held meanwhile, then unsent chat goes out again.

#include "roomclient.h"

#include <QtCore/QTimer>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;
using namespace Client;

namespace {

// Why a seat could not be taken back, in the words of participant_left / room_closed.
QString seatLostReason(const RequestError &error)
{
    switch (error.code()) {
    case ErrorCode::RoomNotFound:
    case ErrorCode::RoomClosed:
        return wireName(CloseReason::Closed); // it closed (or expired) while we were away
    case ErrorCode::Banned:
        return wireName(LeaveReason::Banned);
    default:
        return error.error.reason.isEmpty() ? wireName(LeaveReason::TimedOut) : error.error.reason;
    }
}

} // namespace

void RoomClient::restartConnection(const QString &why)
{
    qCWarning(lcClient) << "starting the connection over:" << why;
    // Not from inside the reply being handled: the socket is still delivering it.
    QTimer::singleShot(0, this, [this, socket = QPointer<QWebSocket>(m_socket)] {
        if (socket == m_socket && !m_connectionEnded)
            abortSocket();
    });
}

void RoomClient::resumeRooms()
{
    if (m_seats.isEmpty()) {
        finishReconnect();
        return;
    }
    const int timeout = joinTimeoutMs();
    for (auto it = m_seats.cbegin(); it != m_seats.cend(); ++it) {
        const QString room = it.key();
        const Seat &seat = it.value();
        m_resuming.insert(room, Resume{});
        Requests::JoinRoom join;
        join.code = room;
        join.displayName = seat.displayName;
        join.role = seat.role == Role::Spectator ? Role::Spectator : Role::Member;
        if (!seat.password.isEmpty())
            join.password = seat.password;
        join.resume = true;
        request<RoomSnapshot>(
            join, this,
            [this, room](const Result<RoomSnapshot> &result) { onResumeJoined(room, result); },
            timeout);
    }
}

void RoomClient::onResumeJoined(const QString &room, const Result<RoomSnapshot> &result)
{
    if (!m_resuming.contains(room))
        return;
    if (!result.ok()) {
        const RequestError &error = result.error;
        if (error.kind == RequestError::Kind::ConnectionLost)
            return; // the next attempt resumes it
        if (error.isTransient()) {
            restartConnection(u"resuming room "_s + room + u": "_s + error.text());
            return;
        }
        const QString reason = seatLostReason(error);
        qCInfo(lcClient) << "the seat in" << room << "is gone:" << reason;
        m_resuming.remove(room);
        giveUpRoom(room, reason);
        if (m_resuming.isEmpty())
            finishReconnect();
        return;
    }
    Resume &resume = m_resuming[room];
    resume.joined = true;
    resume.snapshot = *result.value;
    qCInfo(lcClient) << "seat in" << room << "taken back; seen up to" << lastSeq(room) << "of"
                     << resume.snapshot.room.lastSeq;
    if (lastSeq(room) >= resume.snapshot.room.lastSeq)
        finishResume(room);
    else
        fetchMissed(room);
}

void RoomClient::fetchMissed(const QString &room)
{
    const qint64 target = m_resuming.value(room).snapshot.room.lastSeq;
    const qint64 after = lastSeq(room);
    Requests::History page{room, target + 1, after, qMax(1, m_limits.historyPageMax)};
    request<HistoryPage>(page, this, [this, room, target](const Result<HistoryPage> &result) {
        onMissedPage(room, target, result);
    });
}

void RoomClient::onMissedPage(const QString &room, qint64 target, const Result<HistoryPage> &result)
{
    if (!m_resuming.contains(room))
        return;
    if (!result.ok()) {
        if (result.error.kind != RequestError::Kind::ConnectionLost)
            restartConnection(u"catching up in "_s + room + u": "_s + result.error.text());
        return;
    }
    const HistoryPage &page = *result.value;
    if (page.missing > 0) {
        const qint64 from = lastSeq(room);
        qCWarning(lcClient) << page.missing << "events of" << room << "after" << from
                            << "are no longer kept by the server";
        m_sequencer.setLastSeq(room, from + page.missing);
        Q_EMIT historyMissing(room, from, page.missing);
    }
    for (const RoomEvent &event : page.events) {
        if (event.seq <= target)
            deliverEvent(event);
    }
    if (lastSeq(room) < target && page.events.isEmpty()) {
        // Nothing more is stored up to the snapshot: the rest is gone too.
        const qint64 from = lastSeq(room);
        m_sequencer.setLastSeq(room, target);
        Q_EMIT historyMissing(room, from, target - from);
    }
    if (lastSeq(room) >= target)
        finishResume(room);
    else
        fetchMissed(room);
}

void RoomClient::finishResume(const QString &room)
{
    const Resume resume = m_resuming.take(room);
    m_joined.insert(room);
    qCInfo(lcClient) << "room" << room << "resumed at seq" << lastSeq(room);
    Q_EMIT roomResumed(resume.snapshot);
    flushBufferedEvents(room);
    resendOutbox(room);
    if (m_resuming.isEmpty())
        finishReconnect();
}

void RoomClient::finishReconnect()
{
    // Messages for rooms we have no seat in: let the server answer them.
    const QList<quint64> seatless =
        m_outbox.idle([this](const OutgoingChat &entry) { return !m_seats.contains(entry.room); });
    for (const quint64 serial : seatless) {
        QTimer::singleShot(0, this, [this, serial] {
            const OutgoingChat *entry = m_outbox.find(serial);
            if (entry && !entry->inFlight)
                transmitChat(serial);
        });
    }
    if (m_attempt != 0) {
        m_attempt = 0;
        Q_EMIT reconnectAttemptChanged();
    }
    m_errorString.clear();
    qCInfo(lcClient) << "reconnected; rooms resumed:" << m_joined.values();
    updateJoinedState();
    Q_EMIT resumed();
}

void RoomClient::giveUpRoom(const QString &room, const QString &reason)
{
    m_seats.remove(room);
    m_sequencer.dropHeld(room);
    RequestError error;
    error.error.code = ErrorCode::NotMember;
    error.error.message = tr("You are no longer in room %1.").arg(room);
    failOutbox(room, error);
    Q_EMIT roomLeft(room, reason);
}
