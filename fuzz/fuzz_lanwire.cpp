// LAN discovery datagrams (core/discovery/lanwire.h): anyone on the LAN can send them. A
// datagram that decodes must survive being encoded again (what a host or lobby would send on)
// and decode to the same message. Seeds: the discovery examples of docs/protocol.md.
#include "discovery/lanwire.h"
#include "fuzzcheck.h"

#include <cstddef>
#include <cstdint>

namespace {
QList<QByteArray> reencode(const LanWire::Message &m)
{
    switch (m.type) {
    case LanWire::Type::Query:
        return {LanWire::encodeQuery(m.nonce, m.proof)};
    case LanWire::Type::Answer:
        return {LanWire::encodeAnswer(m.nonce, m.port, m.instance, m.fingerprint, m.proof)};
    case LanWire::Type::List:
        return {LanWire::encodeList(m.nonce)};
    case LanWire::Type::Announce:
        return LanWire::encodeAnnounce(m.instance, m.port, m.fingerprint, m.ttlSeconds, m.rooms);
    case LanWire::Type::Gone:
        return {LanWire::encodeGone(m.instance, m.codes)};
    case LanWire::Type::Bye:
        return {LanWire::encodeBye(m.instance)};
    }
    return {};
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray datagram(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto message = LanWire::decode(datagram);
    if (!message)
        return 0;
    const QList<QByteArray> again = reencode(*message);
    FUZZ_CHECK(again.size() == 1);
    const auto decoded = LanWire::decode(again.first());
    FUZZ_CHECK(decoded.has_value());
    FUZZ_CHECK(decoded->type == message->type);
    FUZZ_CHECK(decoded->nonce == message->nonce && decoded->proof == message->proof);
    FUZZ_CHECK(decoded->instance == message->instance && decoded->port == message->port);
    FUZZ_CHECK(decoded->ttlSeconds == message->ttlSeconds &&
               decoded->fingerprint == message->fingerprint);
    FUZZ_CHECK(decoded->rooms == message->rooms && decoded->codes == message->codes);
    return 0;
}
