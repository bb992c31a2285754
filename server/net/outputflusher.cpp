#include "outputflusher.h"

#include "websocketconnection.h"

#include <algorithm>

OutputFlusher::OutputFlusher(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &OutputFlusher::flushAll);
}

OutputFlusher::~OutputFlusher() = default;

void OutputFlusher::schedule(WebSocketConnection *connection)
{
    m_dirty.push_back(connection);
    if (!m_timer.isActive())
        m_timer.start();
}

void OutputFlusher::forget(WebSocketConnection *connection)
{
    std::erase(m_dirty, connection);
}

void OutputFlusher::flushAll()
{
    // A flush can drop a connection (it does not read) or close it; neither deletes it now,
    // and whatever it schedules meanwhile lands in the next round.
    std::vector<WebSocketConnection *> dirty;
    dirty.swap(m_dirty);
    for (WebSocketConnection *connection : dirty)
        connection->flushScheduled();
}
