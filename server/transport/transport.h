#pragma once

#include "clientconnection.h"
#include "serverconfig.h"

#include <memory>

// The listener for config.transport: the Qt transport (QtListener; wss:// when the config has
// a certificate), or the native one where it is compiled in (HEARTH_NATIVE_TRANSPORT; plain
// ws:// only). Null, with *error saying why, when the config asks for what this build or this
// machine cannot do.
std::unique_ptr<ClientListener> makeListener(const ServerConfig &config, QString *error);

// "qt" or "native".
QString transportName(ServerConfig::Transport transport);
// True when this build has the native transport.
bool hasNativeTransport();
