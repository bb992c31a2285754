#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QThreadPool>

#include <atomic>
#include <memory>

// The key K that LAN discovery's proofs are made with (docs/protocol.md, "LAN discovery"): the
// canonical room code stretched by PBKDF2-HMAC-SHA256 (QPasswordDigestor). A code has only
// 2^30 values, so an unstretched key would let anybody who captured one query try them all in
// seconds; at Iterations rounds each try costs what derive() costs here (about 145 ms on the
// project's machine, docs/benchmarks.md).
namespace LanCodeKey {

inline constexpr int Iterations = 100000;
inline constexpr int KeySize = 32;
// Fixed, not random: both ends must derive the same K from the code alone. It keeps tables
// computed for other protocols useless here.
inline constexpr char Salt[] = "hearth-lan-v2";

// Blocking: call it off the GUI and server threads (LanKeyCache does).
QByteArray derive(const QString &canonicalCode);

} // namespace LanCodeKey

// LanCodeKey::derive() off the calling thread, remembered per code. A host keeps one for the
// codes of its live rooms; a finder one for the codes it looks up. Derivations run one at a
// time on a thread of the cache's own, so a host with many new rooms takes one core at most
// for them, and never its server's thread.
class LanKeyCache : public QObject
{
    Q_OBJECT
public:
    explicit LanKeyCache(QObject *parent = nullptr);
    // Waits for the derivation under way (at most one) to end.
    ~LanKeyCache() override;

    // The key, if derived already; otherwise empty, and the derivation is queued (once).
    QByteArray keyFor(const QString &code);
    // Forgets the keys of every code but these, and drops queued derivations of other codes.
    void retainOnly(const QSet<QString> &codes);
    bool hasKey(const QString &code) const { return m_keys.contains(code); }
    // Codes queued or being derived.
    int pendingCount() const { return int(m_pending.size()); }

Q_SIGNALS:
    void ready(const QString &code, const QByteArray &key);

private:
    void onDerived(const QString &code, const QByteArray &key);

    QThreadPool m_pool;
    QHash<QString, QByteArray> m_keys;
    // Queued or running derivations, each with the flag that cancels it before it starts.
    QHash<QString, std::shared_ptr<std::atomic<bool>>> m_pending;
};
