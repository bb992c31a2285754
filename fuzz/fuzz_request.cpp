// A request frame as the room server reads it (server/roomserver.cpp, onText): the protocol
// codec's request decoder (core/protocol/requests.h), step by step in the server's order —
// RequestFrame::read, emptyOfType, decodeInto. A request that decodes is encoded again with
// encodeRequest, as a client would send it: that frame must decode to a request of the same type
// whose encoding is the same bytes (what the server accepts, a client can say, and nothing is
// lost on the way). A refusal must say why, with a code of the step that refused.
// Seeds: the request examples of docs/protocol.md and fuzz/seeds/request/.
#include "fuzzcheck.h"
#include "protocol/requests.h"

#include <cstddef>
#include <cstdint>

namespace {
bool isAny(ErrorCode code, std::initializer_list<ErrorCode> family)
{
    return std::find(family.begin(), family.end(), code) != family.end();
}

void checkRefusal(const RequestRefusal &refusal, qint64 id, std::initializer_list<ErrorCode> family)
{
    FUZZ_CHECK(!refusal.message.isEmpty());
    FUZZ_CHECK(refusal.id == id);
    FUZZ_CHECK(isAny(refusal.code, family));
}

// The server's order; the refusal checks are the ones of each step.
std::optional<Request> decodeAsServer(const QByteArray &bytes, qint64 *id)
{
    auto read = RequestFrame::read(bytes);
    if (const auto *refusal = std::get_if<RequestRefusal>(&read)) {
        checkRefusal(*refusal, -1, {ErrorCode::BadJson, ErrorCode::BadRequest});
        return std::nullopt;
    }
    const RequestFrame &frame = std::get<RequestFrame>(read);
    FUZZ_CHECK(frame.id >= 0 && frame.id <= MaxJsonInteger);
    *id = frame.id;
    auto typed = frame.emptyOfType();
    if (const auto *refusal = std::get_if<RequestRefusal>(&typed)) {
        checkRefusal(*refusal, frame.id, {ErrorCode::BadRequest, ErrorCode::UnknownType});
        return std::nullopt;
    }
    Request request = std::get<Request>(std::move(typed));
    const QLatin1String type = requestTypeName(request);
    if (const auto refusal = frame.decodeInto(request)) {
        checkRefusal(*refusal, frame.id, {ErrorCode::BadRequest});
        return std::nullopt;
    }
    // Reading the fields never changes the type the frame named.
    FUZZ_CHECK(requestTypeName(request) == type);
    return request;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    qint64 id = -1;
    const std::optional<Request> request = decodeAsServer(bytes, &id);
    if (!request)
        return 0;

    // encode∘decode is stable: the client's frame for this request decodes to the same request.
    const QByteArray encoded = encodeRequest(id, *request);
    qint64 againId = -1;
    const std::optional<Request> again = decodeAsServer(encoded, &againId);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(againId == id);
    FUZZ_CHECK(again->index() == request->index());
    FUZZ_CHECK(requestTypeName(*again) == requestTypeName(*request));
    FUZZ_CHECK(encodeRequest(againId, *again) == encoded);
    return 0;
}
