#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

// The LAN discovery datagrams (docs/protocol.md, "LAN discovery"): small JSON objects over UDP,
// versioned, shared by the finder (core/discovery) and the host's responder (server/lan).
//
// A code never travels in clear unless its room is public: a query carries a fresh nonce and
// HMAC-SHA256(K, "query|" nonce) with K = SHA-256("hearth-lan-v1|" CODE); a host answers only
// when the proof matches one of its rooms, and its answer proves knowledge of the code too
// (HMAC over the nonce, its port and instance), so a liar on the LAN cannot redirect joiners.
namespace LanWire {

inline constexpr int Version = 1;
// UDP port of discovery unless configured otherwise (the TCP default is the same number).
inline constexpr quint16 DefaultPort = 47800;
// Datagrams larger than this are ignored unread; announcements are split to stay below it.
inline constexpr int MaxDatagramSize = 8192;
inline constexpr int NonceSize = 16;
inline constexpr int ProofSize = 32;
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
    QByteArray nonce;        // query, answer, list
    QByteArray proof;        // query, answer
    QString instance;        // answer, announce, gone, bye: the server run that sent it
    quint16 port = 0;        // answer, announce: the room server's TCP port
    int ttlSeconds = 0;      // announce: forget these rooms after this long without news
    QList<PublicRoom> rooms; // announce
    QStringList codes;       // gone
};

// Nullopt for anything malformed: wrong magic or version, unknown type, missing or mistyped
// fields, oversized. Never throws, never asserts.
std::optional<Message> decode(const QByteArray &datagram);

QByteArray encodeQuery(const QByteArray &nonce, const QByteArray &proof);
QByteArray encodeAnswer(const QByteArray &nonce, quint16 port, const QString &instance,
                        const QByteArray &proof);
QByteArray encodeList(const QByteArray &nonce);
// One or more datagrams (RoomsPerAnnounce rooms each; one with no rooms when there are none).
QList<QByteArray> encodeAnnounce(const QString &instance, quint16 port, int ttlSeconds,
                                 const QList<PublicRoom> &rooms);
QByteArray encodeGone(const QString &instance, const QStringList &codes);
QByteArray encodeBye(const QString &instance);

// K for a canonical code.
QByteArray codeKey(const QString &canonicalCode);
QByteArray queryProof(const QByteArray &key, const QByteArray &nonce);
QByteArray answerProof(const QByteArray &key, const QByteArray &nonce, quint16 port,
                       const QString &instance);
// Constant-time comparison of two proofs.
bool proofsEqual(const QByteArray &a, const QByteArray &b);

QByteArray freshNonce();
QString freshInstance(); // 16 random bytes, hex

} // namespace LanWire
