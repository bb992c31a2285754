#pragma once

#include <QtCore/QtGlobal>

#include <functional>

// When to try again after a lost connection: exponential backoff with jitter.
//
// Attempt n (1-based) waits base·2^(n−1), capped at `maxMs`, of which the second half is
// random ("equal jitter"): the delay lies in [d/2, d]. The jitter spreads out the clients of
// a host that restarts, so they do not all knock at the same millisecond; the floor of d/2
// keeps a client from retrying in a tight loop. There is no last attempt: a client keeps
// trying (at `maxMs` intervals) until it is told to stop.
class ReconnectPolicy
{
public:
    ReconnectPolicy(int initialMs = 500, int maxMs = 8000)
        : m_initialMs(qMax(1, initialMs))
        , m_maxMs(qMax(m_initialMs, maxMs))
    {}

    int initialMs() const { return m_initialMs; }
    int maxMs() const { return m_maxMs; }

    // The ceiling d of attempt n (no jitter).
    int ceilingFor(int attempt) const;
    // The delay before attempt n, in [d/2, d]; `random` gives numbers in [0, bound) (tests
    // pass a fixed one; by default the process's PRNG).
    int delayFor(int attempt, const std::function<int(int bound)> &random = {}) const;

private:
    int m_initialMs;
    int m_maxMs;
};
