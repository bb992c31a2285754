#pragma once

#include "discoveryconfig.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtCore/QUrl>

class LanTransport;

// Finds the host that holds a room code on the local network: sends a query that proves
// knowledge of the code (never the code itself) to every discovery target, a few times in the
// first second in case a datagram is lost, and accepts the first answer that proves knowledge
// of the code in return. found() or notFound() follows each find().
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

    // How long to wait for an answer (default 1500 ms).
    void setTimeout(int ms) { m_timeoutMs = ms; }

Q_SIGNALS:
    // The room server's address (ws://ADDRESS:PORT/) and how long the answer took.
    void found(const QUrl &serverUrl, const QString &code, qint64 elapsedMs);
    // Nobody answered in time; `detail` says whether discovery could run at all.
    void notFound(const QString &code, const QString &detail);

private:
    void sendQuery();
    void onDatagram(const QByteArray &datagram, const class QHostAddress &sender);
    void finish();

    DiscoveryConfig m_config;
    LanTransport *m_transport = nullptr;
    QTimer m_resend;
    QTimer m_timeout;
    QElapsedTimer m_elapsed;
    int m_timeoutMs = 1500;
    int m_sent = 0;
    bool m_searching = false;
    QString m_code;
    QByteArray m_key;
    QByteArray m_nonce;
};
