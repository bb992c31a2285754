#include "ratelimiter.h"

#include <algorithm>
#include <cmath>

TokenBucket::TokenBucket(double rate, double burst, qint64 nowMs)
    : m_rate(rate)
    , m_burst(burst)
    , m_tokens(burst)
    , m_updatedMs(nowMs)
{}

void TokenBucket::refill(qint64 nowMs)
{
    if (nowMs > m_updatedMs) {
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_updatedMs) * m_rate / 1000.0);
        m_updatedMs = nowMs;
    }
}

bool TokenBucket::take(qint64 nowMs, qint64 *retryAfterMs)
{
    refill(nowMs);
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return true;
    }
    if (retryAfterMs)
        *retryAfterMs = qint64(std::ceil((1.0 - m_tokens) * 1000.0 / m_rate));
    return false;
}

bool TokenBucket::isFull(qint64 nowMs) const
{
    TokenBucket copy = *this;
    copy.refill(nowMs);
    return copy.m_tokens >= m_burst;
}

JoinThrottle::JoinThrottle(int burstPerAddress, int refillSeconds, int totalPerMinute)
    : m_burst(burstPerAddress)
    , m_refillSeconds(refillSeconds)
    , m_totalPerMinute(totalPerMinute)
    , m_total(totalPerMinute / 60.0, totalPerMinute, 0)
{}

bool JoinThrottle::allowed(const QString &address, qint64 nowMs, qint64 *retryAfterMs) const
{
    // Peek without spending: a successful join costs nothing.
    const auto it = m_perAddress.constFind(address);
    if (it != m_perAddress.constEnd()) {
        TokenBucket probe = *it;
        if (!probe.take(nowMs, retryAfterMs))
            return false;
    }
    TokenBucket total = m_total;
    return total.take(nowMs, retryAfterMs);
}

void JoinThrottle::recordFailure(const QString &address, qint64 nowMs)
{
    auto it = m_perAddress.find(address);
    if (it == m_perAddress.end())
        it = m_perAddress.insert(address, TokenBucket(1.0 / m_refillSeconds, m_burst, nowMs));
    it->take(nowMs);
    m_total.take(nowMs);
}

void JoinThrottle::prune(qint64 nowMs)
{
    for (auto it = m_perAddress.begin(); it != m_perAddress.end();) {
        if (it->isFull(nowMs))
            it = m_perAddress.erase(it);
        else
            ++it;
    }
}
