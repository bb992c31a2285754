#include "codefinder.h"

#include "lantransport.h"
#include "lanwire.h"

#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcLan)

using namespace Qt::StringLiterals;

namespace {
// Resends after these many ms since the first query: a lost datagram costs little, and a host
// whose room is brand new may still be deriving its key (about 145 ms, more on a busy host).
constexpr int ResendAtMs[] = {150, 400, 800, 1300};
} // namespace

CodeFinder::CodeFinder(const DiscoveryConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_resend.setSingleShot(true);
    m_timeout.setSingleShot(true);
    connect(&m_resend, &QTimer::timeout, this, &CodeFinder::sendQuery);
    connect(&m_keys, &LanKeyCache::ready, this, [this](const QString &code, const QByteArray &key) {
        if (m_searching && !m_transport && code == m_code)
            startQuerying(key);
    });
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        const QString code = m_code;
        finish();
        Q_EMIT notFound(code, tr("No host on this network answered for %1.").arg(code));
    });
}

CodeFinder::~CodeFinder() = default;

void CodeFinder::find(const QString &code)
{
    finish();
    m_code = code;
    if (!m_config.enabled) {
        QMetaObject::invokeMethod(
            this, [this, code] { Q_EMIT notFound(code, tr("LAN discovery is turned off.")); },
            Qt::QueuedConnection);
        return;
    }
    m_searching = true;
    m_elapsed.start();
    // Only this code's key is worth keeping (or still deriving).
    m_keys.retainOnly({code});
    const QByteArray key = m_keys.keyFor(code);
    if (!key.isEmpty())
        startQuerying(key); // else when LanKeyCache::ready arrives
}

void CodeFinder::startQuerying(const QByteArray &key)
{
    qCDebug(lcLan) << "key for" << m_code << "ready after" << m_elapsed.elapsed() << "ms";
    m_transport = new LanTransport(m_config, this);
    if (!m_transport->open(LanTransport::Binding::OwnPort)) {
        const QString why = m_transport->errorString();
        const QString code = m_code;
        delete m_transport;
        m_transport = nullptr;
        finish();
        QMetaObject::invokeMethod(
            this,
            [this, code, why] {
                Q_EMIT notFound(code, tr("LAN discovery could not start: %1").arg(why));
            },
            Qt::QueuedConnection);
        return;
    }
    connect(m_transport, &LanTransport::received, this,
            [this](const QByteArray &datagram, const QHostAddress &sender, quint16) {
                onDatagram(datagram, sender);
            });
    m_key = key;
    m_nonce = LanWire::freshNonce();
    m_sent = 0;
    m_sinceQuery.start();
    m_timeout.start(m_timeoutMs);
    sendQuery();
}

void CodeFinder::cancel()
{
    finish();
}

void CodeFinder::finish()
{
    m_searching = false;
    m_resend.stop();
    m_timeout.stop();
    if (m_transport) {
        m_transport->disconnect(this);
        m_transport->deleteLater();
        m_transport = nullptr;
    }
}

void CodeFinder::sendQuery()
{
    if (!m_searching)
        return;
    // The same nonce for every resend: one lookup, one proof.
    m_transport->sendToTargets(LanWire::encodeQuery(m_nonce, LanWire::queryProof(m_key, m_nonce)));
    if (m_sent < int(std::size(ResendAtMs))) {
        m_resend.start(int(std::max<qint64>(0, ResendAtMs[m_sent] - m_sinceQuery.elapsed())));
        ++m_sent;
    }
}

void CodeFinder::onDatagram(const QByteArray &datagram, const QHostAddress &sender)
{
    if (!m_searching)
        return;
    const auto message = LanWire::decode(datagram);
    if (!message || message->type != LanWire::Type::Answer || message->nonce != m_nonce)
        return;
    // The proof covers the fingerprint: an answer copied from the real host with another
    // certificate's fingerprint put in does not match, and is dropped like any other liar's.
    const QByteArray expected = LanWire::answerProof(m_key, m_nonce, message->port,
                                                     message->instance, message->fingerprint);
    if (!LanWire::proofsEqual(expected, message->proof)) {
        qCWarning(lcLan) << "ignoring an answer from" << sender
                         << "that does not prove the code (or whose certificate it does not "
                            "vouch for)";
        ++m_rejected;
        return;
    }
    // A link-local IPv6 address needs its zone, which a ws:// URL cannot carry; the host's
    // IPv4 answer (it answers every query it hears) is the one to use then.
    if (sender.protocol() == QAbstractSocket::IPv6Protocol && sender.isLinkLocal())
        return;
    QUrl url;
    url.setScheme(message->fingerprint.isEmpty() ? u"ws"_s : u"wss"_s);
    url.setHost(sender.toString());
    url.setPort(message->port);
    url.setPath(u"/"_s);
    const QString code = m_code;
    const qint64 elapsed = m_elapsed.elapsed();
    const QByteArray fingerprint = message->fingerprint;
    finish();
    if (fingerprint.isEmpty())
        qCWarning(lcLan) << "room" << code << "is at" << url.toString()
                         << "which serves without TLS: nothing to vouch for";
    qCInfo(lcLan).noquote() << "room" << code << "is at" << url.toString() << "after" << elapsed
                            << "ms; the code vouches for certificate"
                            << (fingerprint.isEmpty() ? QByteArray("(none)") : fingerprint.toHex());
    Q_EMIT found(url, code, fingerprint, elapsed);
}
