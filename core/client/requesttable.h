#pragma once

#include "protocol/replies.h"
#include "roomtypes.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>
#include <map>

class QTimer;

Q_DECLARE_LOGGING_CATEGORY(lcClient)

// The requests one connection has in flight. Each waits for the reply with its id until a
// deadline; its completion runs exactly once, with the reply's result (still JSON: its type
// depends on the request), the reply's error, a timeout, or the error failAll() gives when the
// connection goes away. A completion whose context object is gone is dropped silently.
class RequestTable : public QObject
{
    Q_OBJECT
public:
    using Completion = std::function<void(const Client::Result<QJsonObject> &)>;

    explicit RequestTable(QObject *parent = nullptr);
    ~RequestTable() override;

    // `joins`: a join_room or create_room, whose reply events of a new room may overtake.
    void add(qint64 id, QLatin1String type, bool joins, QObject *context, Completion done,
             int timeoutMs);
    // Completes the request `reply` answers; false when none waits for it (timed out before).
    bool complete(const Reply &reply);
    // Completes every request with `error` (the connection is gone).
    void failAll(const Client::RequestError &error);
    // Forgets every request without running a completion (the owner is being destroyed).
    void clear() { m_pending.clear(); }
    int joinsInFlight() const { return m_joins; }

Q_SIGNALS:
    // A completion has run (or was dropped): see joinsInFlight().
    void finished();

private:
    struct Pending {
        QLatin1String type;
        bool joins = false;
        QPointer<QObject> context;
        bool hasContext = false;
        Completion done;
        qint64 deadline = 0; // m_clock ms
    };

    void finish(Pending pending, const Client::Result<QJsonObject> &result);
    void checkTimeouts();

    std::map<qint64, Pending> m_pending; // ordered: timeouts are checked in id order
    int m_joins = 0;
    QElapsedTimer m_clock;
    QTimer *m_timeoutTimer = nullptr;
};

namespace Client {

// An error the client makes up itself (no reply came, or one it cannot read).
RequestError localError(RequestError::Kind kind, const QString &message);

// A completion that reads the result as T (T::fromJson) and hands `done` a Result<T>; a result
// that is not a T fails as Malformed.
template <typename T>
RequestTable::Completion decodingCompletion(std::function<void(const Result<T> &)> done,
                                            QLatin1String type)
{
    return [done = std::move(done), type](const Result<QJsonObject> &raw) {
        Result<T> result;
        if (!raw.ok()) {
            result.error = raw.error;
        } else if (Decoded<T> decoded = T::fromJson(*raw.value); decoded.value) {
            result.value = std::move(*decoded.value);
        } else {
            qCWarning(lcClient) << "reply to" << type << "not understood:" << decoded.error;
            result.error = localError(RequestError::Kind::Malformed, decoded.error);
        }
        if (done)
            done(result);
    };
}

} // namespace Client
