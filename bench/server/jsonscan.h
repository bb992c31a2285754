#pragma once

// A minimal, allocation-free JSON scanner for the load generator's per-message path only: each
// chat event it counts and each chat's acknowledgement. Everything else it sends and reads goes
// through the protocol codec (core/protocol). Why not the codec here too: reading a 218-byte chat
// event costs about 2.1 µs with readServerMessage (1.1 µs of it QJsonDocument::fromJson) against
// 0.16 µs here (-O2, this 2-core machine, December 2026). At the knee's 200,000–250,000
// deliveries a second (docs/benchmarks.md) that is 0.4–0.5 of a core taken from the server under
// test, against 0.04. It walks the members of one object without building a tree and validates
// structure only as far as it needs to find member boundaries; values are returned as raw spans
// and decoded by the caller.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace jsonscan {

struct Span {
    const char *b = nullptr;
    const char *e = nullptr;

    bool isNull() const { return b == nullptr; }
    std::size_t size() const { return static_cast<std::size_t>(e - b); }
    template <std::size_t N> bool is(const char (&lit)[N]) const
    {
        return size() == N - 1 && std::memcmp(b, lit, N - 1) == 0;
    }
};

inline const char *skipWs(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        ++p;
    return p;
}

// p points at the opening quote; returns the position after the closing quote, or nullptr.
inline const char *skipString(const char *p, const char *e)
{
    const char *from = p + 1;
    for (;;) {
        const void *hit = std::memchr(from, '"', static_cast<std::size_t>(e - from));
        if (!hit)
            return nullptr;
        const char *q = static_cast<const char *>(hit);
        // A quote preceded by an odd number of backslashes is escaped.
        std::size_t slashes = 0;
        for (const char *r = q; r > from && r[-1] == '\\'; --r)
            ++slashes;
        if (slashes % 2 == 0)
            return q + 1;
        from = q + 1;
    }
}

// p points at the first character of a value; returns the position after it, or nullptr.
inline const char *skipValue(const char *p, const char *e)
{
    if (p >= e)
        return nullptr;
    if (*p == '"')
        return skipString(p, e);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < e) {
            const char c = *p;
            if (c == '"') {
                p = skipString(p, e);
                if (!p)
                    return nullptr;
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return p + 1;
            }
            ++p;
        }
        return nullptr;
    }
    // A number, true, false or null: runs to the next delimiter.
    const char *start = p;
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' &&
           *p != '\t')
        ++p;
    return p == start ? nullptr : p;
}

// Calls f(key, value) for each member of the object in `object` (key without its quotes, value
// raw). f returns false to stop early. Returns false when the text is not a well-formed object.
template <class F> bool forEachMember(Span object, F &&f)
{
    const char *e = object.e;
    const char *p = skipWs(object.b, e);
    if (p >= e || *p != '{')
        return false;
    p = skipWs(p + 1, e);
    if (p < e && *p == '}')
        return true;
    for (;;) {
        p = skipWs(p, e);
        if (p >= e || *p != '"')
            return false;
        const char *keyEnd = skipString(p, e);
        if (!keyEnd)
            return false;
        const Span key{p + 1, keyEnd - 1};
        p = skipWs(keyEnd, e);
        if (p >= e || *p != ':')
            return false;
        p = skipWs(p + 1, e);
        const char *valueEnd = skipValue(p, e);
        if (!valueEnd)
            return false;
        if (!f(key, Span{p, valueEnd}))
            return true;
        p = skipWs(valueEnd, e);
        if (p >= e)
            return false;
        if (*p == ',') {
            ++p;
            continue;
        }
        return *p == '}';
    }
}

// The member `name` of an object, or a null span.
template <std::size_t N> Span member(Span object, const char (&name)[N])
{
    Span found;
    forEachMember(object, [&](Span key, Span value) {
        if (key.is(name)) {
            found = value;
            return false;
        }
        return true;
    });
    return found;
}

inline bool toInt(Span v, std::int64_t &out)
{
    if (v.isNull() || v.size() == 0)
        return false;
    const char *p = v.b;
    bool negative = false;
    if (*p == '-') {
        negative = true;
        ++p;
    }
    if (p == v.e)
        return false;
    std::int64_t n = 0;
    for (; p < v.e; ++p) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
    }
    out = negative ? -n : n;
    return true;
}

// The characters between the quotes of a string value (escapes are left as they are: every
// string the load generator inspects is one it wrote itself, or a code of [A-Z0-9]).
inline Span stringContent(Span v)
{
    if (v.size() < 2 || *v.b != '"' || v.e[-1] != '"')
        return Span{};
    return Span{v.b + 1, v.e - 1};
}

} // namespace jsonscan
