#include "requesttable.h"

#include <QtCore/QTimer>

using namespace Client;

Q_LOGGING_CATEGORY(lcClient, "hearth.client")

RequestError Client::localError(RequestError::Kind kind, const QString &message)
{
    RequestError e;
    e.kind = kind;
    e.error.code = ErrorCode::InternalError;
    e.error.message = message;
    return e;
}

RequestTable::RequestTable(QObject *parent)
    : QObject(parent)
    , m_timeoutTimer(new QTimer(this))
{
    m_clock.start();
    m_timeoutTimer->setInterval(500);
    connect(m_timeoutTimer, &QTimer::timeout, this, &RequestTable::checkTimeouts);
}

RequestTable::~RequestTable() = default;

void RequestTable::add(qint64 id, QLatin1String type, bool joins, QObject *context, Completion done,
                       int timeoutMs)
{
    Pending pending;
    pending.type = type;
    pending.joins = joins;
    pending.context = context;
    pending.hasContext = context != nullptr;
    pending.done = std::move(done);
    pending.deadline = m_clock.elapsed() + timeoutMs;
    if (joins)
        ++m_joins;
    m_pending.emplace(id, std::move(pending));
    if (!m_timeoutTimer->isActive())
        m_timeoutTimer->start();
}

bool RequestTable::complete(const Reply &reply)
{
    const auto it = m_pending.find(reply.id);
    if (it == m_pending.end())
        return false;
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    Result<QJsonObject> result;
    if (reply.ok) {
        result.value = reply.result;
    } else {
        result.error.kind = RequestError::Kind::Server;
        result.error.error = reply.error;
    }
    finish(std::move(pending), result);
    return true;
}

void RequestTable::failAll(const RequestError &error)
{
    std::map<qint64, Pending> pending;
    pending.swap(m_pending);
    m_timeoutTimer->stop();
    for (auto &entry : pending) {
        Result<QJsonObject> result;
        result.error = error;
        finish(std::move(entry.second), result);
    }
}

void RequestTable::finish(Pending pending, const Result<QJsonObject> &result)
{
    if (pending.joins)
        m_joins = qMax(0, m_joins - 1);
    if (m_pending.empty())
        m_timeoutTimer->stop();
    if (!(pending.hasContext && !pending.context) && pending.done)
        pending.done(result);
    Q_EMIT finished();
}

void RequestTable::checkTimeouts()
{
    const qint64 now = m_clock.elapsed();
    QList<qint64> expired;
    for (const auto &[id, pending] : m_pending) {
        if (pending.deadline <= now)
            expired.append(id);
    }
    for (qint64 id : std::as_const(expired)) {
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            continue; // finished by an earlier completion in this loop
        Pending pending = std::move(it->second);
        m_pending.erase(it);
        qCWarning(lcClient) << "request" << id << pending.type << "timed out";
        Result<QJsonObject> result;
        result.error = localError(RequestError::Kind::Timeout, tr("No reply in time."));
        finish(std::move(pending), result);
    }
}
