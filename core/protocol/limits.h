#pragma once

#include <QtCore/QJsonObject>

// The limits a server enforces, announced to clients in the hello reply so that a client can
// check input (name lengths, chat length) before sending it.
struct Limits {
    int maxMessageBytes = 64 * 1024; // per WebSocket frame and message
    int maxChatLength = 2000;        // code points
    int maxNameLength = 32;          // display names, code points
    int maxRoomNameLength = 64;      // code points
    int historyPageMax = 200;
    int capacityMax = 50;
    int maxRoomsPerHost = 5;
    int requestsPerSecond = 20; // sustained; bursts of twice this
    int chatPerSecond = 5;      // sustained; bursts of twice this
    int heartbeatSeconds = 5;
    int idleTimeoutSeconds = 15;
    int graceSeconds = 60;

    QJsonObject toJson() const;
    static Limits fromJson(const QJsonObject &object); // missing keys keep their defaults
};
