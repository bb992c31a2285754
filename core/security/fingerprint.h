#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>

class QSslCertificate;

// A certificate's fingerprint, the SHA-256 of its DER encoding: what pins a host, what the LAN
// discovery answer and hearth:// links carry, and what people compare aloud as four words.
namespace Fingerprint {

inline constexpr int Size = 32; // bytes
inline constexpr int WordCount = 4;

QByteArray of(const QSslCertificate &certificate);
// The SHA-256 of the certificate's public key (its SubjectPublicKeyInfo, DER): what stays the
// same when a certificate is renewed with the same key. Per-host identity secrets follow it
// (HostSecret), so that a renewal does not make every returning person a stranger.
QByteArray ofPublicKey(const QSslCertificate &certificate);

// Lower-case hex, 64 characters: how links, settings and the protocol write a fingerprint.
QString toHex(const QByteArray &fingerprint);
// The fingerprint from 64 hex characters (either case, ':' separators allowed); empty when
// the text is not one.
QByteArray fromHex(QStringView text);

// Four words from the BIP-39 English list (2,048 common, distinct words), 11 bits each from
// the fingerprint's first 44 bits: "mango · silent · orbit · twelve". An attacker would need
// about 2^43 certificates to match a given four by chance.
QStringList words(const QByteArray &fingerprint);
// The words joined with " · ", for labels and log lines.
QString wordsText(const QByteArray &fingerprint);

} // namespace Fingerprint
