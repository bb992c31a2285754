#pragma once

// Constants of protocol v2; docs/protocol.md is the normative description.

#include <QtCore/qglobal.h>

namespace Protocol {

// The protocol version this build speaks (hello.version). 2: hello's identity secret is the
// one derived for the host (HostSecret), never the identity's own; servers of version 1 stored
// hashes of the raw secrets.
inline constexpr int Version = 2;

// The TCP port `hearth serve` listens on unless told otherwise.
inline constexpr quint16 DefaultPort = 47800;

// WebSocket close codes the server uses besides the RFC 6455 ones.
inline constexpr quint16 CloseReplaced = 4001;

} // namespace Protocol
