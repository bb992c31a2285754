#include "websocketframe.h"

#include <cstring>

namespace WebSocketFrame {

QByteArray encode(OpCode opcode, QByteArrayView payload)
{
    const qsizetype size = payload.size();
    const qsizetype header = size < 126 ? 2 : size <= 0xffff ? 4 : 10;
    QByteArray frame(header + size, Qt::Uninitialized);
    auto *out = reinterpret_cast<uchar *>(frame.data());
    out[0] = uchar(0x80 | opcode);
    if (size < 126) {
        out[1] = uchar(size);
    } else if (size <= 0xffff) {
        out[1] = 126;
        out[2] = uchar(size >> 8);
        out[3] = uchar(size);
    } else {
        out[1] = 127;
        for (int i = 0; i < 8; ++i)
            out[2 + i] = uchar(quint64(size) >> (56 - 8 * i));
    }
    if (size)
        std::memcpy(out + header, payload.data(), size_t(size));
    return frame;
}

QByteArray closePayload(quint16 code, const QString &reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xff));
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) {
        qsizetype cut = 123;
        while (cut > 0 && (uchar(text[cut]) & 0xC0) == 0x80) // not inside a sequence
            --cut;
        text.truncate(cut);
    }
    payload += text;
    return payload;
}

bool isValidCloseCode(quint16 code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    return code >= 1000 && code <= 1011 && code != 1004 && code != 1005 && code != 1006;
}

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        // Plain ASCII, eight bytes at a time: almost all protocol text.
        while (end - p >= 8) {
            quint64 word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        uchar min2 = 0x80, max2 = 0xBF; // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            if (c == 0xE0)
                min2 = 0xA0; // overlong
            else if (c == 0xED)
                max2 = 0x9F; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            if (c == 0xF0)
                min2 = 0x90; // overlong
            else if (c == 0xF4)
                max2 = 0x8F; // above U+10FFFF
        } else {
            return false; // continuation byte, overlong C0/C1, or F5-FF
        }
        if (end - p <= extra)
            return false;
        if (p[1] < min2 || p[1] > max2)
            return false;
        for (int i = 2; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
        }
        p += extra + 1;
    }
    return true;
}

Decoder::Decoder(qint64 maxFrameBytes, qint64 maxMessageBytes)
    : m_maxFrameBytes(maxFrameBytes)
    , m_maxMessageBytes(maxMessageBytes)
{}

void Decoder::append(const QByteArray &bytes)
{
    if (failed())
        return;
    if (m_pos == m_buffer.size()) {
        m_buffer = bytes; // nothing pending: share, no copy
        m_pos = 0;
        return;
    }
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    m_buffer += bytes;
}

std::optional<Decoder::Message> Decoder::fail(quint16 code, const char *reason)
{
    m_failureCode = code;
    m_failureReason = QString::fromLatin1(reason);
    m_buffer.clear();
    m_fragments.clear();
    m_pos = 0;
    return std::nullopt;
}

std::optional<Decoder::Message> Decoder::next()
{
    for (;;) {
        if (failed())
            return std::nullopt;
        const qsizetype available = m_buffer.size() - m_pos;
        if (available < 2) {
            if (available == 0) {
                // Release a large buffer once everything is decoded; the position goes with it
                // (bufferedBytes() counts from it).
                m_buffer.clear();
                m_pos = 0;
            }
            return std::nullopt;
        }
        const auto *in = reinterpret_cast<const uchar *>(m_buffer.constData()) + m_pos;
        const bool fin = in[0] & 0x80;
        const quint8 opcode = in[0] & 0x0F;
        if (in[0] & 0x70)
            return fail(CloseProtocolError, "reserved bits set without an extension");
        if (opcode != Continuation && opcode != Text && opcode != Binary && opcode != Close &&
            opcode != Ping && opcode != Pong)
            return fail(CloseProtocolError, "reserved opcode");
        if (!(in[1] & 0x80))
            return fail(CloseProtocolError, "client frames must be masked");
        quint64 length = in[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (available < 4)
                return std::nullopt;
            length = (quint64(in[2]) << 8) | in[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                return std::nullopt;
            if (in[2] & 0x80)
                return fail(CloseProtocolError, "frame length with the most significant bit set");
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | in[2 + i];
            header = 10;
        }
        const bool control = opcode >= Close;
        if (control) {
            if (!fin)
                return fail(CloseProtocolError, "fragmented control frame");
            if (length > 125)
                return fail(CloseProtocolError, "control frame over 125 bytes");
        } else {
            if (length > quint64(m_maxFrameBytes))
                return fail(CloseTooBig, "frame too large");
            if (opcode == Continuation && !m_fragmentOpcode)
                return fail(CloseProtocolError, "continuation frame without a message to continue");
            if (opcode != Continuation && m_fragmentOpcode)
                return fail(CloseProtocolError, "new message inside a fragmented one");
            const quint64 total =
                (opcode == Continuation ? quint64(m_fragments.size()) : 0) + length;
            if (total > quint64(m_maxMessageBytes))
                return fail(CloseTooBig, "message too large");
        }
        if (quint64(available) < quint64(header) + 4 + length)
            return std::nullopt;
        const uchar *mask = in + header;
        const uchar *data = mask + 4;
        QByteArray payload(qsizetype(length), Qt::Uninitialized);
        auto *out = reinterpret_cast<uchar *>(payload.data());
        for (quint64 i = 0; i < length; ++i)
            out[i] = data[i] ^ mask[i & 3];
        m_pos += header + 4 + qsizetype(length);

        if (control) {
            if (opcode == Ping)
                return Message{Kind::Ping, payload};
            if (opcode == Pong)
                return Message{Kind::Pong, payload};
            if (length == 1)
                return fail(CloseProtocolError, "close frame with a one-byte payload");
            quint16 code = CloseNoStatus;
            if (length >= 2) {
                code = quint16((uchar(payload[0]) << 8) | uchar(payload[1]));
                if (!isValidCloseCode(code))
                    return fail(CloseProtocolError, "invalid close code");
                payload.remove(0, 2);
            }
            if (!isValidUtf8(payload))
                return fail(CloseInvalidPayload, "close reason is not valid UTF-8");
            return Message{Kind::Close, payload, code};
        }

        quint8 messageOpcode = opcode;
        if (opcode != Continuation && !fin) {
            m_fragmentOpcode = opcode;
            m_fragments = payload;
            continue;
        }
        if (opcode == Continuation) {
            m_fragments += payload;
            if (!fin)
                continue;
            messageOpcode = m_fragmentOpcode;
            payload = std::move(m_fragments);
            m_fragments = QByteArray();
            m_fragmentOpcode = 0;
        }
        if (messageOpcode == Text) {
            if (!isValidUtf8(payload))
                return fail(CloseInvalidPayload, "text message is not valid UTF-8");
            return Message{Kind::Text, payload};
        }
        return Message{Kind::Binary, payload};
    }
}

} // namespace WebSocketFrame
