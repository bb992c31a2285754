// What people type or click: invite links (core/invite/invitelink.h) and room codes
// (core/protocol/roomcode.h). A link that parses prints as a link that parses to the same
// value; a code that normalises is canonical. Seeds: fuzz/seeds/links and the links of
// docs/protocol.md.
#include "fuzzcheck.h"
#include "invite/invitelink.h"
#include "protocol/roomcode.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    if (const auto code = RoomCode::normalize(text)) {
        FUZZ_CHECK(code->size() == RoomCode::Length);
        FUZZ_CHECK(RoomCode::normalize(*code) == code);
    }
    const RoomCode::Partial partial = RoomCode::normalizePartial(text);
    FUZZ_CHECK(partial.canonical.size() <= RoomCode::Length);

    const bool looksLikeLink = InviteLink::looksLikeLink(text);
    if (const auto link = InviteLink::parse(text)) {
        FUZZ_CHECK(looksLikeLink);
        FUZZ_CHECK(link->port != 0);
        FUZZ_CHECK(RoomCode::normalize(link->code) == link->code);
        const QString printed = link->toString();
        const auto again = InviteLink::parse(printed);
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == *link);
        FUZZ_CHECK(link->serverUrl().isValid());
    }
    return 0;
}
