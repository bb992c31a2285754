#pragma once

#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <vector>

class WebSocketConnection;

// Writes every connection's queued frames once per event-loop pass. A connection that queues
// output registers here; a zero-interval timer (which Qt runs after the pass's socket
// notifiers and posted events) then hands each one's whole queue to the kernel in one write.
// So a burst of events costs one write() per socket, not one per frame.
class OutputFlusher : public QObject
{
    Q_OBJECT
public:
    explicit OutputFlusher(QObject *parent = nullptr);
    ~OutputFlusher() override;

    void schedule(WebSocketConnection *connection);
    void forget(WebSocketConnection *connection);
    void flushAll();

private:
    QTimer m_timer;
    std::vector<WebSocketConnection *> m_dirty;
};
