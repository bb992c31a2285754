// The server's RFC 6455 decoder (server/net/websocketframe.h) over a client's byte stream.
// The first input byte chooses how the stream is cut into reads (TCP delivers any split), the
// rest is the stream. Seeds: masked frames built from the protocol's request examples.
#include "fuzzcheck.h"
#include "net/websocketframe.h"

#include <cstddef>
#include <cstdint>

namespace {
constexpr qint64 maxFrameBytes = 4096;
constexpr qint64 maxMessageBytes = 16384;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunk = qsizetype(data[0] % 32) + 1; // bytes per read; 32 means "all"
    const QByteArray stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    WebSocketFrame::Decoder decoder(maxFrameBytes, maxMessageBytes);
    qsizetype at = 0;
    while (at < stream.size() && !decoder.failed()) {
        const qsizetype n = chunk == 32 ? stream.size() : chunk;
        decoder.append(stream.mid(at, n));
        at += n;
        while (const auto message = decoder.next()) {
            // What the connection hands on is within the limits, and text is valid UTF-8.
            FUZZ_CHECK(message->payload.size() <= maxMessageBytes);
            if (message->kind == WebSocketFrame::Decoder::Kind::Text ||
                message->kind == WebSocketFrame::Decoder::Kind::Close)
                FUZZ_CHECK(WebSocketFrame::isValidUtf8(message->payload));
            if (message->kind == WebSocketFrame::Decoder::Kind::Close)
                FUZZ_CHECK(message->closeCode == WebSocketFrame::CloseNoStatus ||
                           WebSocketFrame::isValidCloseCode(message->closeCode));
        }
        FUZZ_CHECK(decoder.bufferedBytes() >= 0);
    }
    if (decoder.failed())
        FUZZ_CHECK(decoder.failureCode() >= 1000);
    return 0;
}
