#include "transport.h"

#include "qtlistener.h"

#ifdef HEARTH_NATIVE_TRANSPORT
#include "net/nativelistener.h"
#endif

#include <QtNetwork/QSslSocket>

std::unique_ptr<ClientListener> makeListener(const ServerConfig &config, QString *error)
{
    const bool tls = !config.certificate.isNull() || !config.privateKey.isNull();
    if (tls && (config.certificate.isNull() || config.privateKey.isNull())) {
        *error = QStringLiteral("TLS needs both a certificate and its private key");
        return nullptr;
    }
    switch (config.transport) {
    case ServerConfig::Transport::Native:
#ifdef HEARTH_NATIVE_TRANSPORT
        if (tls) {
            *error = QStringLiteral("the native transport serves plain ws:// only (put a "
                                    "TLS-terminating proxy in front of it, or use the qt "
                                    "transport for wss://)");
            return nullptr;
        }
        return std::make_unique<NativeListener>(config);
#else
        *error = QStringLiteral("this build has no native transport (it was configured with "
                                "HEARTH_NATIVE_TRANSPORT=OFF); use the qt transport");
        return nullptr;
#endif
    case ServerConfig::Transport::Qt:
        if (tls && !QSslSocket::supportsSsl()) {
            *error = QStringLiteral("TLS is not available: Qt found no TLS backend (%1)")
                         .arg(QSslSocket::sslLibraryBuildVersionString());
            return nullptr;
        }
        return std::make_unique<QtListener>(config);
    }
    *error = QStringLiteral("unknown transport");
    return nullptr;
}

QString transportName(ServerConfig::Transport transport)
{
    return transport == ServerConfig::Transport::Native ? QStringLiteral("native")
                                                        : QStringLiteral("qt");
}

bool hasNativeTransport()
{
#ifdef HEARTH_NATIVE_TRANSPORT
    return true;
#else
    return false;
#endif
}
