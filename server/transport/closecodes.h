#pragma once

#include <QtCore/QtGlobal>

// The WebSocket close codes the server sends (RFC 6455 section 7.4.1), for either transport.
// docs/protocol.md says when each is used.
namespace CloseCode {
inline constexpr quint16 Normal = 1000;
inline constexpr quint16 GoingAway = 1001;       // the server is shutting down
inline constexpr quint16 ProtocolError = 1002;   // a frame broke RFC 6455
inline constexpr quint16 UnsupportedData = 1003; // a binary message
inline constexpr quint16 InvalidPayload = 1007;  // text that is not UTF-8
inline constexpr quint16 PolicyViolated = 1008;  // no hello in time, a flood of refusals
inline constexpr quint16 TooBig = 1009;          // a frame or message above maxMessageBytes
} // namespace CloseCode
