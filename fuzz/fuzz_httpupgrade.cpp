// The server's reading of the HTTP Upgrade request (server/net/httpupgrade.h): whatever a
// connection sends before it speaks WebSocket. Seeds: fuzz/seeds/httpupgrade.
#include "fuzzcheck.h"
#include "net/httpupgrade.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    constexpr qsizetype maxRequestBytes = 8192;
    const HttpUpgrade::Result result = HttpUpgrade::parse(bytes, "hearth/fuzz", maxRequestBytes);
    switch (result.status) {
    case HttpUpgrade::Status::Incomplete:
        FUZZ_CHECK(result.consumed == 0 && result.response.isEmpty());
        FUZZ_CHECK(bytes.size() <= maxRequestBytes);
        break;
    case HttpUpgrade::Status::Accepted:
        FUZZ_CHECK(result.consumed > 0 && result.consumed <= bytes.size());
        FUZZ_CHECK(result.response.startsWith("HTTP/1.1 101 "));
        FUZZ_CHECK(result.response.endsWith("\r\n\r\n"));
        break;
    case HttpUpgrade::Status::Refused:
        FUZZ_CHECK(result.consumed >= 0 && result.consumed <= bytes.size());
        FUZZ_CHECK(result.response.startsWith("HTTP/1.1 4"));
        break;
    }
    FUZZ_CHECK(HttpUpgrade::acceptKey(bytes.first(qMin<qsizetype>(bytes.size(), 64))).size() == 28);
    return 0;
}
