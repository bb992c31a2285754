#include "codefinder.h"

#include "lantransport.h"
#include "lanwire.h"

#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcLan)

using namespace Qt::StringLiterals;

namespace {
// Resends after these many ms since the start: a lost datagram costs little.
constexpr int ResendAtMs[] = {150, 400, 800};
} // namespace

CodeFinder::CodeFinder(const DiscoveryConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_resend.setSingleShot(true);
    m_timeout.setSingleShot(true);
    connect(&m_resend, &QTimer::timeout, this, &CodeFinder::sendQuery);
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
    m_transport = new LanTransport(m_config, this);
    if (!m_transport->open(LanTransport::Binding::OwnPort)) {
        const QString why = m_transport->errorString();
        QMetaObject::invokeMethod(
            this,
            [this, code, why] {
                Q_EMIT notFound(code, tr("LAN discovery could not start: %1").arg(why));
            },
            Qt::QueuedConnection);
        delete m_transport;
        m_transport = nullptr;
        return;
    }
    connect(m_transport, &LanTransport::received, this,
            [this](const QByteArray &datagram, const QHostAddress &sender, quint16) {
                onDatagram(datagram, sender);
            });
    m_key = LanWire::codeKey(code);
    m_nonce = LanWire::freshNonce();
    m_searching = true;
    m_sent = 0;
    m_elapsed.start();
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
        m_resend.start(int(std::max<qint64>(0, ResendAtMs[m_sent] - m_elapsed.elapsed())));
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
    const QByteArray expected =
        LanWire::answerProof(m_key, m_nonce, message->port, message->instance);
    if (!LanWire::proofsEqual(expected, message->proof)) {
        qCWarning(lcLan) << "ignoring an answer from" << sender << "that does not prove the code";
        return;
    }
    // A link-local IPv6 address needs its zone, which a ws:// URL cannot carry; the host's
    // IPv4 answer (it answers every query it hears) is the one to use then.
    if (sender.protocol() == QAbstractSocket::IPv6Protocol && sender.isLinkLocal())
        return;
    QUrl url;
    url.setScheme(u"ws"_s);
    url.setHost(sender.toString());
    url.setPort(message->port);
    url.setPath(u"/"_s);
    const QString code = m_code;
    const qint64 elapsed = m_elapsed.elapsed();
    finish();
    qCInfo(lcLan) << "room" << code << "is at" << url.toString() << "after" << elapsed << "ms";
    Q_EMIT found(url, code, elapsed);
}
