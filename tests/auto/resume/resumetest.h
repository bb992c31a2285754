#pragma once

// Helpers shared by the reconnect and resume tests.

#include "client/roomclient.h"

#include <QtCore/QList>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <QtTest/QTest>

// Everything one RoomClient delivers for one room, in delivery order: the test's view of "the
// sequence it holds".
class EventLog : public QObject
{
public:
    EventLog(RoomClient *client, const QString &room, QObject *parent = nullptr)
        : QObject(parent)
        , m_room(room)
    {
        connect(client, &RoomClient::eventReceived, this, [this](const RoomEvent &e) {
            if (e.room == m_room)
                events.append(e);
        });
        connect(client, &RoomClient::sequenceGap, this,
                [this](const QString &which, qint64, qint64) {
                    if (which == m_room)
                        ++gaps;
                });
        connect(client, &RoomClient::historyMissing, this,
                [this](const QString &which, qint64, qint64 count) {
                    if (which == m_room)
                        missing += count;
                });
    }

    QList<qint64> seqs() const
    {
        QList<qint64> out;
        for (const RoomEvent &e : events)
            out.append(e.seq);
        return out;
    }
    qint64 lastSeq() const { return events.isEmpty() ? 0 : events.last().seq; }
    // How many events of type E (Events::Chat, …).
    template <typename E> int count() const
    {
        int n = 0;
        for (const RoomEvent &e : events)
            n += e.as<E>() ? 1 : 0;
        return n;
    }
    // How often each clientMsgId of a chat event was delivered.
    QHash<QString, int> clientMsgIds() const
    {
        QHash<QString, int> out;
        for (const RoomEvent &e : events) {
            if (const auto *chat = e.as<Events::Chat>())
                ++out[chat->clientMsgId];
        }
        return out;
    }
    // True when the seqs are first, first+1, ... without a gap or a repeat.
    bool contiguousFrom(qint64 first) const
    {
        qint64 expected = first;
        for (const RoomEvent &e : events) {
            if (e.seq != expected)
                return false;
            ++expected;
        }
        return true;
    }

    QList<RoomEvent> events;
    int gaps = 0;
    qint64 missing = 0;

private:
    QString m_room;
};

// Reads a room's whole stored history through `client` (a member), oldest first.
inline QList<RoomEvent> wholeHistory(RoomClient *client, const QString &room, qint64 after = 0,
                                     qint64 *missing = nullptr)
{
    QList<RoomEvent> out;
    for (int page = 0; page < 1000; ++page) {
        // As a request of its own: RoomClient::history() cannot say "after 0".
        std::optional<Client::Result<HistoryPage>> result;
        client->request<HistoryPage>(
            Requests::History{room, {}, after, 200}, client,
            [&result](const Client::Result<HistoryPage> &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000) || !result->ok())
            return {};
        const HistoryPage &p = *result->value;
        if (missing)
            *missing += p.missing;
        out += p.events;
        if (!p.hasMore || p.events.isEmpty())
            break;
        after = p.events.last().seq;
    }
    return out;
}
