#include "reconnectpolicy.h"

#include <QtCore/QRandomGenerator>

int ReconnectPolicy::ceilingFor(int attempt) const
{
    qint64 ceiling = m_initialMs;
    for (int i = 1; i < attempt && ceiling < m_maxMs; ++i)
        ceiling *= 2;
    return int(qMin<qint64>(ceiling, m_maxMs));
}

int ReconnectPolicy::delayFor(int attempt, const std::function<int(int bound)> &random) const
{
    const int ceiling = ceilingFor(qMax(1, attempt));
    const int half = ceiling / 2;
    const int span = ceiling - half + 1;
    const int jitter = random ? random(span) : int(QRandomGenerator::global()->bounded(span));
    return half + qBound(0, jitter, span - 1);
}
