#pragma once

#include <QtCore/QHash>
#include <QtCore/QString>

// A token bucket: `rate` tokens a second, holding at most `burst`. Time is passed in (ms) so
// the rules can be tested without waiting.
class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(double rate, double burst, qint64 nowMs);

    // Takes one token; false (and the wait until one is available) when empty.
    bool take(qint64 nowMs, qint64 *retryAfterMs = nullptr);
    bool isFull(qint64 nowMs) const;

private:
    void refill(qint64 nowMs);

    double m_rate = 1;
    double m_burst = 1;
    double m_tokens = 1;
    qint64 m_updatedMs = 0;
};

// Failed join attempts (unknown code, wrong password), limited per source address and in total,
// so that guessing codes is hopeless from one machine and from many.
class JoinThrottle
{
public:
    JoinThrottle(int burstPerAddress, int refillSeconds, int totalPerMinute);

    // Whether `address` may try a join now; if not, how long to wait.
    bool allowed(const QString &address, qint64 nowMs, qint64 *retryAfterMs) const;
    // Records a failed attempt.
    void recordFailure(const QString &address, qint64 nowMs);
    // Drops buckets that are full again, so the table does not grow without bound.
    void prune(qint64 nowMs);

private:
    int m_burst;
    int m_refillSeconds;
    int m_totalPerMinute;
    mutable QHash<QString, TokenBucket> m_perAddress;
    TokenBucket m_total;
};
