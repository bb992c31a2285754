// AppController, continued: which certificate a join expects and why (docs/protocol.md,
// "Trust"), pinning on first use, and the warning when a pinned host shows another one.
#include "appcontroller.h"

#include "security/fingerprint.h"

using namespace Qt::StringLiterals;

AppController::Trust AppController::trustFor(const QUrl &url,
                                             const QByteArray &linkFingerprint) const
{
    if (url.scheme() != "wss"_L1)
        return {TrustSource::None, {}};
    if (!linkFingerprint.isEmpty())
        return {TrustSource::Link, linkFingerprint};
    return {TrustSource::Pin, m_knownHosts.pinned(url)};
}

void AppController::joinFoundHost(const QUrl &serverUrl, const QByteArray &vouchedFingerprint)
{
    m_joinUrl = serverUrl;
    m_trust = {serverUrl.scheme() == "wss"_L1 ? TrustSource::Vouched : TrustSource::None,
               vouchedFingerprint};
    if (m_trust.source == TrustSource::Vouched && vouchedFingerprint.isEmpty()) {
        // A discovery answer that leads to TLS without a fingerprint vouches for nothing.
        fail(tr("The host that has room %1 did not say which certificate it uses.")
                 .arg(m_joinArgs.code));
        return;
    }
    openClient(serverUrl);
}

QString AppController::certificateWords() const
{
    return Fingerprint::wordsText(m_client->peerFingerprint());
}

QString AppController::newCertificateWords() const
{
    return Fingerprint::wordsText(m_certificateWarning.shown);
}

QString AppController::pinnedCertificateWords() const
{
    return Fingerprint::wordsText(m_certificateWarning.pinned);
}

void AppController::onCertificateMismatch(const QByteArray &expected, const QByteArray &actual)
{
    if (m_phase != Phase::Connecting || m_trust.source != TrustSource::Pin)
        return; // a link's, a code's or a reconnect's: the client's own message says it all
    CertificateWarning warning;
    warning.url = m_joinUrl;
    warning.host = KnownHosts::keyFor(m_joinUrl);
    warning.pinned = expected;
    warning.shown = actual;
    warning.text =
        tr("The host at %1 now shows the words %2; last time it showed %3. If the host "
           "did not reinstall Hearth, someone may be pretending to be it.")
            .arg(warning.host, Fingerprint::wordsText(actual), Fingerprint::wordsText(expected));
    qCWarning(lcApp).noquote() << "certificate changed:" << warning.text;
    setCertificateWarning(warning);
}

void AppController::setCertificateWarning(const CertificateWarning &warning)
{
    m_certificateWarning = warning;
    Q_EMIT certificateWarningChanged();
}

void AppController::pinIfNeeded()
{
    const QByteArray shown = m_client->peerFingerprint();
    if (m_client->url().scheme() != "wss"_L1 || shown.isEmpty())
        return;
    if (m_trust.source != TrustSource::Pin && m_trust.source != TrustSource::Link)
        return;
    const QUrl url = m_client->url();
    if (m_knownHosts.pinned(url) == shown)
        return;
    qCInfo(lcApp).noquote() << "pinning" << KnownHosts::keyFor(url) << "to"
                            << Fingerprint::wordsText(shown)
                            << (m_trust.source == TrustSource::Link ? "(from the link)"
                                                                    : "(first use)");
    m_knownHosts.pin(url, shown);
}

void AppController::trustNewCertificate()
{
    if (m_certificateWarning.text.isEmpty())
        return;
    const CertificateWarning warning = m_certificateWarning;
    setCertificateWarning({});
    qCInfo(lcApp).noquote() << "the new certificate of" << warning.host
                            << "is trusted:" << Fingerprint::wordsText(warning.shown);
    m_knownHosts.pin(warning.url, warning.shown);
    if (m_phase != Phase::Lobby || warning.url != m_joinUrl)
        return;
    showError({});
    m_intent = Intent::Join;
    ++m_attempt;
    m_trust = {TrustSource::Pin, warning.shown};
    openClient(m_joinUrl);
}

void AppController::dismissCertificateWarning()
{
    if (!m_certificateWarning.text.isEmpty())
        setCertificateWarning({});
}
