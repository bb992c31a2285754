#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <utility>

// One text message (compact JSON, UTF-8) sent to many connections: an event fanned out to a
// room. Made once per fan-out and handed by reference to every recipient, it keeps each
// transport's form of the message, made by the first recipient and reused by the others:
// the native transport's encoded WebSocket frame (whose bytes every queue then shares), the
// Qt transport's QString (QWebSocket::sendTextMessage takes one). Nothing is copied per
// recipient. Not thread-safe; one server thread uses it.
class SharedMessage
{
public:
    explicit SharedMessage(QByteArray utf8)
        : m_utf8(std::move(utf8))
    {}
    SharedMessage(const SharedMessage &) = delete;
    SharedMessage &operator=(const SharedMessage &) = delete;

    const QByteArray &utf8() const { return m_utf8; }

    // The message as a QString, converted once.
    const QString &text() const
    {
        if (!m_hasText) {
            m_text = QString::fromUtf8(m_utf8);
            m_hasText = true;
        }
        return m_text;
    }

    // The message as `encode(utf8())` returns it (a transport's wire form), encoded once.
    template <typename Encode> const QByteArray &encoded(Encode encode) const
    {
        if (!m_hasEncoded) {
            m_encoded = encode(m_utf8);
            m_hasEncoded = true;
        }
        return m_encoded;
    }

private:
    QByteArray m_utf8;
    mutable QByteArray m_encoded;
    mutable QString m_text;
    mutable bool m_hasEncoded = false;
    mutable bool m_hasText = false;
};
