#include "httpupgrade.h"

#include <QtCore/QCryptographicHash>

namespace HttpUpgrade {

namespace {
QByteArray refusal(QByteArrayView status, QByteArrayView extraHeaders = {})
{
    QByteArray r = "HTTP/1.1 ";
    r += status;
    r += "\r\nConnection: close\r\nContent-Length: 0\r\n";
    r += extraHeaders;
    r += "\r\n";
    return r;
}

// Whether a comma-separated header value holds `token` (case-insensitive).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        if (value.sliced(start, end - start).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

bool isBase64Of16Bytes(QByteArrayView key)
{
    if (key.size() != 24 || !key.endsWith("=="))
        return false;
    const auto decoded =
        QByteArray::fromBase64Encoding(key.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 16;
}
} // namespace

QByteArray acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

Result parse(QByteArrayView bytes, QByteArrayView serverName, qsizetype maxRequestBytes)
{
    Result result;
    const qsizetype end = bytes.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0) {
        if (bytes.size() > maxRequestBytes) {
            result.status = Status::Refused;
            result.response = refusal("431 Request Header Fields Too Large");
        }
        return result;
    }
    result.consumed = end + 4;
    result.status = Status::Refused;
    if (result.consumed > maxRequestBytes) {
        result.response = refusal("431 Request Header Fields Too Large");
        return result;
    }
    const QByteArrayView head = bytes.first(end);
    qsizetype lineEnd = head.indexOf(QByteArrayView("\r\n"));
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    if (!requestLine.startsWith("GET ") || !requestLine.endsWith(" HTTP/1.1")) {
        result.response = refusal("400 Bad Request");
        return result;
    }
    QByteArrayView upgrade, connection, key, version;
    bool hasHost = false;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf(QByteArrayView("\r\n"), start);
        const QByteArrayView line =
            head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            result.response = refusal("400 Bad Request");
            return result;
        }
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("Upgrade", Qt::CaseInsensitive) == 0)
            upgrade = value;
        else if (name.compare("Connection", Qt::CaseInsensitive) == 0)
            connection = value;
        else if (name.compare("Sec-WebSocket-Key", Qt::CaseInsensitive) == 0)
            key = value;
        else if (name.compare("Sec-WebSocket-Version", Qt::CaseInsensitive) == 0)
            version = value;
        else if (name.compare("Host", Qt::CaseInsensitive) == 0)
            hasHost = true;
    }
    if (!hasHost || !hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade") ||
        !isBase64Of16Bytes(key)) {
        result.response = refusal("400 Bad Request");
        return result;
    }
    if (version != "13") {
        result.response = refusal("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n");
        return result;
    }
    result.status = Status::Accepted;
    result.response = "HTTP/1.1 101 Switching Protocols\r\nServer: ";
    result.response += serverName;
    result.response += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
    result.response += acceptKey(key);
    result.response += "\r\n\r\n";
    return result;
}

} // namespace HttpUpgrade
