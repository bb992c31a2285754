#pragma once

#include <QtCore/QString>
#include <QtCore/QUrl>

#include <optional>

// A `hearth://HOST:PORT/CODE?fp=FINGERPRINT` invite: where the room's server is, which room
// to join, and which certificate the server must show. HOST is a name, an IPv4 address or a
// bracketed IPv6 address ([::1]); PORT defaults to Protocol::DefaultPort; CODE is normalised
// (case, spaces and dashes do not matter); FINGERPRINT is the SHA-256 of the host's
// certificate, 64 hex digits. A link with a fingerprint leads to wss:// and pins the host from
// the first join; one without (an older Hearth's) leads to plain ws://.
struct InviteLink {
    QString host; // without brackets, e.g. "::1" or "192.168.1.5"
    quint16 port = 0;
    QString code;                // canonical, e.g. "XJ9K2M"
    QByteArray fingerprint = {}; // 32 bytes, or empty

    // Nullopt for anything that is not a well-formed hearth:// link with a valid code.
    static std::optional<InviteLink> parse(QStringView text);
    // True when `text` claims to be a hearth:// link (well-formed or not).
    static bool looksLikeLink(QStringView text);

    // "hearth://192.168.1.5:47800/XJ9K2M?fp=3f9a…", "hearth://[::1]:47800/XJ9K2M" (no
    // fingerprint).
    QString toString() const;
    // The room server's WebSocket address: wss://HOST:PORT/ with a fingerprint, else
    // ws://HOST:PORT/.
    QUrl serverUrl() const;
    // The short text "Copy invite" puts on the clipboard.
    QString inviteText(const QString &roomName) const;

    friend bool operator==(const InviteLink &, const InviteLink &) = default;
};
