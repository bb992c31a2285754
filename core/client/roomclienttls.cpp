// RoomClient over wss://: the host's certificate is self-signed, so Qt's own verification
// always fails; what decides instead is whether its fingerprint is the one expected (from the
// room code's discovery answer, a hearth:// link, or a pin), or — with none expected — any
// certificate, reported for the caller to pin (docs/protocol.md, "Trust").

#include "roomclient.h"

#include "security/fingerprint.h"

#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslError>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;

QByteArray RoomClient::effectiveExpectation() const
{
    // A connection that started on trust (no expectation) keeps the certificate it met: a
    // reconnect to another one would be exactly what pinning is meant to catch.
    return m_expectedFingerprint.isEmpty() ? m_sessionFingerprint : m_expectedFingerprint;
}

void RoomClient::onSslErrors(const QList<QSslError> &errors)
{
    // Every error must be about the one certificate the host showed (self-signed, name
    // mismatch, untrusted root …); errors about none (no certificate at all) are not ignored.
    QByteArray shown;
    for (const QSslError &error : errors) {
        const QByteArray fingerprint = Fingerprint::of(error.certificate());
        if (fingerprint.isEmpty() || (!shown.isEmpty() && fingerprint != shown)) {
            qCWarning(lcClient) << "TLS error not about the host's certificate:"
                                << error.errorString();
            m_certificateRefused = true;
            m_errorString = tr("The host at %1 did not show a usable certificate (%2).")
                                .arg(m_url.authority(), error.errorString());
            abortSocket();
            return;
        }
        shown = fingerprint;
    }
    if (shown.isEmpty() || !checkPeerFingerprint(shown))
        return;
    // Only these errors, for this certificate: anything else still fails the handshake.
    m_socket->ignoreSslErrors(errors);
}

bool RoomClient::checkPeerFingerprint(const QByteArray &fingerprint)
{
    const QByteArray expected = effectiveExpectation();
    if (!expected.isEmpty() && fingerprint != expected) {
        qCWarning(lcClient).noquote()
            << "certificate of" << m_url.authority() << "is" << Fingerprint::toHex(fingerprint)
            << "(" << Fingerprint::wordsText(fingerprint) << "), expected"
            << Fingerprint::toHex(expected) << "(" << Fingerprint::wordsText(expected) << ")";
        // Not peerFingerprint(): no connection was made with it (a room view must not show an
        // impostor's words).
        m_certificateRefused = true;
        m_errorString = certificateMismatchText(m_url.authority(), expected, fingerprint);
        const QPointer<QWebSocket> socket(m_socket);
        Q_EMIT certificateMismatch(expected, fingerprint);
        if (socket == m_socket) // the slot may have opened another connection already
            abortSocket();
        return false;
    }
    setPeerFingerprint(fingerprint);
    m_certificateChecked = true;
    return true;
}

void RoomClient::setPeerFingerprint(const QByteArray &fingerprint)
{
    if (m_peerFingerprint == fingerprint)
        return;
    m_peerFingerprint = fingerprint;
    Q_EMIT peerFingerprintChanged();
}

bool RoomClient::verifyEstablishedCertificate()
{
    if (m_url.scheme() != "wss"_L1 || m_certificateChecked)
        return true;
    // No TLS error at all (a certificate some authority vouches for): still the fingerprint
    // decides.
    const QByteArray fingerprint = Fingerprint::of(m_socket->sslConfiguration().peerCertificate());
    if (fingerprint.isEmpty()) {
        qCWarning(lcClient) << "wss connection without a peer certificate";
        m_certificateRefused = true;
        m_errorString = tr("The host at %1 did not show a certificate.").arg(m_url.authority());
        abortSocket();
        return false;
    }
    return checkPeerFingerprint(fingerprint);
}

QString RoomClient::certificateMismatchText(const QString &where, const QByteArray &expected,
                                            const QByteArray &actual)
{
    return tr("The host at %1 shows the certificate words %2, but %3 were expected. Someone may "
              "be pretending to be the host; nothing was sent to it.")
        .arg(where, Fingerprint::wordsText(actual), Fingerprint::wordsText(expected));
}
