#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant a decoder promises (beyond "no crash, no sanitizer report"): when it does not
// hold, the fuzzer stops with the input that broke it, as it does for a crash.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__,             \
                         #condition);                                                              \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
