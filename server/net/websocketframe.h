#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QString>

#include <optional>

// RFC 6455 framing, server side: encoding the server's (unmasked) frames and decoding the
// client's (masked) ones. No I/O; WebSocketConnection feeds it bytes.
namespace WebSocketFrame {

enum OpCode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// The close codes the server itself uses (RFC 6455 section 7.4.1).
enum CloseCode : quint16 {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    CloseProtocolError = 1002,
    CloseUnsupportedData = 1003,
    CloseNoStatus = 1005, // never sent: what a close frame without a code means
    CloseInvalidPayload = 1007,
    ClosePolicyViolated = 1008,
    CloseTooBig = 1009,
};

// One complete frame with FIN set, as the server sends it: header and payload in one array, so
// that an event is encoded once and the same bytes are queued for every recipient.
QByteArray encode(OpCode opcode, QByteArrayView payload);
// A close frame's payload: the code, then the reason cut to fit a control frame (125 bytes)
// without splitting a UTF-8 sequence.
QByteArray closePayload(quint16 code, const QString &reason);

// Codes a peer may send in a close frame (1004-1006, 1015 and unassigned ones are not).
bool isValidCloseCode(quint16 code);
// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(QByteArrayView bytes);

// Decodes a client's byte stream into messages: reassembles fragmented messages, unmasks,
// checks every rule of RFC 6455 section 5 and the size limits. Feed bytes with append(), then
// call next() until it returns nothing. After a violation failed() is true, failureCode() is
// the close code to fail the connection with, and nothing more is decoded.
class Decoder
{
public:
    enum class Kind { Text, Binary, Ping, Pong, Close };
    struct Message {
        Kind kind;
        QByteArray payload;    // for Close: the reason (valid UTF-8)
        quint16 closeCode = 0; // for Close: CloseNoStatus when the frame had none
    };

    Decoder(qint64 maxFrameBytes, qint64 maxMessageBytes);

    void append(const QByteArray &bytes);
    std::optional<Message> next();

    bool failed() const { return m_failureCode != 0; }
    quint16 failureCode() const { return m_failureCode; }
    QString failureReason() const { return m_failureReason; }
    // Bytes received but not yet decoded (a partial frame, or a fragmented message's parts).
    qint64 bufferedBytes() const { return m_buffer.size() - m_pos + m_fragments.size(); }

private:
    std::optional<Message> fail(quint16 code, const char *reason);

    qint64 m_maxFrameBytes;
    qint64 m_maxMessageBytes;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    quint8 m_fragmentOpcode = 0; // the opcode of the message being reassembled; 0: none
    QByteArray m_fragments;
    quint16 m_failureCode = 0;
    QString m_failureReason;
};

} // namespace WebSocketFrame
