#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// The LAN discovery datagrams (docs/protocol.md, "LAN discovery"): small JSON objects over UDP,
// versioned, shared by the finder (core/discovery) and the host's responder (server/lan).
//
// A code never travels in clear unless its room is public: a query carries a fresh nonce and
// HMAC-SHA256(K, "query|" nonce), K being the code stretched by PBKDF2 (LanCodeKey, in
// hearth_lan); a host answers only when the proof matches one of its rooms, and its answer
// proves knowledge of the code too: an HMAC over the nonce, its port, its instance and its
// certificate's fingerprint. So a liar on the LAN can neither redirect joiners nor swap in a
// certificate of its own: the code vouches for the host's certificate.
namespace LanWire {

// 2: the stretched key, and the certificate's fingerprint in answers and announcements.
inline constexpr int Version = 2;
// UDP port of discovery unless configured otherwise (the TCP default is the same number).
inline constexpr quint16 DefaultPort = 47800;
// Datagrams larger than this are ignored unread; announcements are split to stay below it.
inline constexpr int MaxDatagramSize = 8192;
inline constexpr int NonceSize = 16;
inline constexpr int ProofSize = 32;
inline constexpr int FingerprintSize = 32; // SHA-256 of the certificate (core/security)
// Rooms per announcement datagram (a room is at most about 300 bytes of JSON).
inline constexpr int RoomsPerAnnounce = 20;

enum class Type { Query, Answer, List, Announce, Gone, Bye };

struct PublicRoom {
    QString code;
    QString name;
    QString hostName;
    int members = 0; // seats taken (the host and members; spectators not counted)
    int capacity = 0;
    bool locked = false;
    bool hasPassword = false;
    friend bool operator==(const PublicRoom &, const PublicRoom &) = default;
};

// One decoded datagram; which fields are set depends on the type.
struct Message {
    Type type = Type::Query;
    QByteArray nonce; // query, answer, list
    QByteArray proof; // query, answer
    QString instance; // answer, announce, gone, bye: the server run that sent it
    quint16 port = 0; // answer, announce: the room server's TCP port
    // answer, announce: the SHA-256 fingerprint of the certificate the room server serves wss
    // with; empty for a plain ws:// server.
    QByteArray fingerprint;
    int ttlSeconds = 0;      // announce: forget these rooms after this long without news
    QList<PublicRoom> rooms; // announce
    QStringList codes;       // gone
};

// Nullopt for anything malformed: wrong magic or version, unknown type, missing or mistyped
// fields, oversized. Never throws, never asserts.
std::optional<Message> decode(const QByteArray &datagram);

QByteArray encodeQuery(const QByteArray &nonce, const QByteArray &proof);
// `fingerprint`: FingerprintSize bytes, or empty for a server without TLS.
QByteArray encodeAnswer(const QByteArray &nonce, quint16 port, const QString &instance,
                        const QByteArray &fingerprint, const QByteArray &proof);
QByteArray encodeList(const QByteArray &nonce);
// One or more datagrams (RoomsPerAnnounce rooms each; one with no rooms when there are none).
QList<QByteArray> encodeAnnounce(const QString &instance, quint16 port,
                                 const QByteArray &fingerprint, int ttlSeconds,
                                 const QList<PublicRoom> &rooms);
QByteArray encodeGone(const QString &instance, const QStringList &codes);
QByteArray encodeBye(const QString &instance);

// The proofs, with K from LanCodeKey::derive().
QByteArray queryProof(const QByteArray &key, const QByteArray &nonce);
// Binds everything a joiner acts on: where to connect (port; the address is the answer's
// source) and which certificate to accept there.
QByteArray answerProof(const QByteArray &key, const QByteArray &nonce, quint16 port,
                       const QString &instance, const QByteArray &fingerprint);
// Constant-time comparison of two proofs.
bool proofsEqual(const QByteArray &a, const QByteArray &b);

QByteArray freshNonce();
QString freshInstance(); // 16 random bytes, hex

} // namespace LanWire
