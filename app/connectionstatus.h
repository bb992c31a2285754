#pragma once

#include <QtCore/QString>

class RoomClient;

// The room view's banner while the connection is down: what the client is doing about it and
// what waits to be sent, in plain words.
namespace ConnectionStatus {

QString lostText(const RoomClient &client);

} // namespace ConnectionStatus
