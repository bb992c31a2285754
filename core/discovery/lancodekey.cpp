#include "lancodekey.h"

#include <QtNetwork/QPasswordDigestor>

QByteArray LanCodeKey::derive(const QString &canonicalCode)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, canonicalCode.toLatin1(),
                                              QByteArray(Salt), Iterations, KeySize);
}

LanKeyCache::LanKeyCache(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("hearth-lan-keys"));
}

LanKeyCache::~LanKeyCache()
{
    m_pool.clear();
    m_pool.waitForDone();
}

QByteArray LanKeyCache::keyFor(const QString &code)
{
    const auto it = m_keys.constFind(code);
    if (it != m_keys.cend())
        return *it;
    if (m_pending.contains(code))
        return {};
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    m_pending.insert(code, cancelled);
    // The result comes back as a queued call to this object: Qt drops it if the object is gone
    // by then, and the destructor waits for the job itself.
    m_pool.start([this, code, cancelled] {
        if (cancelled->load())
            return;
        const QByteArray key = LanCodeKey::derive(code);
        QMetaObject::invokeMethod(
            this, [this, code, key] { onDerived(code, key); }, Qt::QueuedConnection);
    });
    return {};
}

void LanKeyCache::onDerived(const QString &code, const QByteArray &key)
{
    const auto it = m_pending.constFind(code);
    if (it == m_pending.cend() || it.value()->load())
        return; // forgotten meanwhile
    m_pending.erase(it);
    m_keys.insert(code, key);
    Q_EMIT ready(code, key);
}

void LanKeyCache::retainOnly(const QSet<QString> &codes)
{
    m_keys.removeIf([&codes](const auto &entry) { return !codes.contains(entry.key()); });
    // A derivation already running still ends; its result is then ignored.
    m_pending.removeIf([&codes](const auto &entry) {
        if (codes.contains(entry.key()))
            return false;
        entry.value()->store(true);
        return true;
    });
}
