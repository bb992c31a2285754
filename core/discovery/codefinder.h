#pragma once

#include "discoveryconfig.h"
#include "lancodekey.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtCore/QUrl>

class LanTransport;

// Finds the host that holds a room code on the local network: derives the code's stretched key
// (LanCodeKey, about 145 ms, on a thread of its own), then sends a query that proves knowledge
// of the code (never the code itself) to every discovery target, a few times in case a datagram
// is lost or the host's key for a brand-new room is not ready yet, and accepts the first answer
// that proves knowledge of the code in return. That proof covers the certificate fingerprint
// the answer names: found() reports it as the one the code vouches for. found() or notFound()
// follows each find().
class CodeFinder : public QObject
{
    Q_OBJECT
public:
    explicit CodeFinder(const DiscoveryConfig &config, QObject *parent = nullptr);
    ~CodeFinder() override;

    // `code` must be canonical (RoomCode::normalize). A find() in progress is replaced.
    void find(const QString &code);
    void cancel();
    bool isSearching() const { return m_searching; }
    // Answers dropped because their proof did not match (a wrong code, or a fingerprint the
    // code does not vouch for), since this finder was made. For tests and logs.
    qint64 rejectedAnswers() const { return m_rejected; }

    // How long to wait for an answer once the key is ready (default 2000 ms).
    void setTimeout(int ms) { m_timeoutMs = ms; }

Q_SIGNALS:
    // The room server's address — wss://ADDRESS:PORT/ with the fingerprint (SHA-256, 32 bytes)
    // of the certificate the code vouched for, or ws://ADDRESS:PORT/ with an empty fingerprint
    // when the host serves without TLS — and how long the lookup took from find(), the key's
    // derivation included.
    void found(const QUrl &serverUrl, const QString &code, const QByteArray &fingerprint,
               qint64 elapsedMs);
    // Nobody answered in time; `detail` says whether discovery could run at all.
    void notFound(const QString &code, const QString &detail);

private:
    void startQuerying(const QByteArray &key);
    void sendQuery();
    void onDatagram(const QByteArray &datagram, const class QHostAddress &sender);
    void finish();

    DiscoveryConfig m_config;
    LanKeyCache m_keys; // a second look-up of the same code needs no new derivation
    LanTransport *m_transport = nullptr;
    QTimer m_resend;
    QTimer m_timeout;
    QElapsedTimer m_elapsed;    // since find()
    QElapsedTimer m_sinceQuery; // since the first query
    qint64 m_rejected = 0;
    int m_timeoutMs = 2000;
    int m_sent = 0;
    bool m_searching = false;
    QString m_code;
    QByteArray m_key;
    QByteArray m_nonce;
};
