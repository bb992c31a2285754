#pragma once

// Constants of protocol v1; docs/protocol.md is the normative description.

#include <QtCore/qglobal.h>

namespace Protocol {

// The protocol version this build speaks (hello.version).
inline constexpr int Version = 1;

// The TCP port `hearth serve` listens on unless told otherwise.
inline constexpr quint16 DefaultPort = 47800;

// WebSocket close codes the server uses besides the RFC 6455 ones.
inline constexpr quint16 CloseReplaced = 4001;

} // namespace Protocol
