#pragma once

// Registers the C++ types the views use with the `Hearth` QML module. They live in libraries
// that do not depend on QtQml (core/, app/), so they are registered here as foreign types;
// QML code never creates them, it receives them through AppController's properties.

#include "appcontroller.h"
#include "client/roomclient.h"
#include "discovery/publicroomsmodel.h"
#include "models/attention.h"
#include "models/joinrequestsmodel.h"
#include "models/messagesmodel.h"
#include "models/participantsmodel.h"
#include "models/roomobject.h"
#include "models/roomsession.h"
#include "models/transcriptexport.h"

#include <QtQml/qqml.h>

struct AppControllerForeign {
    Q_GADGET
    QML_FOREIGN(AppController)
    QML_NAMED_ELEMENT(AppController)
    QML_UNCREATABLE("Created by the application")
};

struct RoomClientForeign {
    Q_GADGET
    QML_FOREIGN(RoomClient)
    QML_NAMED_ELEMENT(RoomClient)
    QML_UNCREATABLE("Owned by AppController")
};

struct RoomSessionForeign {
    Q_GADGET
    QML_FOREIGN(RoomSession)
    QML_NAMED_ELEMENT(RoomSession)
    QML_UNCREATABLE("Owned by AppController")
};

struct RoomObjectForeign {
    Q_GADGET
    QML_FOREIGN(RoomObject)
    QML_NAMED_ELEMENT(RoomObject)
    QML_UNCREATABLE("Owned by RoomSession")
};

struct ParticipantsModelForeign {
    Q_GADGET
    QML_FOREIGN(ParticipantsModel)
    QML_NAMED_ELEMENT(ParticipantsModel)
    QML_UNCREATABLE("Owned by RoomSession")
};

struct MessagesModelForeign {
    Q_GADGET
    QML_FOREIGN(MessagesModel)
    QML_NAMED_ELEMENT(MessagesModel)
    QML_UNCREATABLE("Owned by RoomSession")
};

struct JoinRequestsModelForeign {
    Q_GADGET
    QML_FOREIGN(JoinRequestsModel)
    QML_NAMED_ELEMENT(JoinRequestsModel)
    QML_UNCREATABLE("Owned by RoomSession")
};

struct TranscriptExportForeign {
    Q_GADGET
    QML_FOREIGN(TranscriptExport)
    QML_NAMED_ELEMENT(TranscriptExport)
    QML_UNCREATABLE("Owned by RoomSession")
};

// LAN discovery: the public rooms the lobby lists.
struct PublicRoomsModelForeign {
    Q_GADGET
    QML_FOREIGN(PublicRoomsModel)
    QML_NAMED_ELEMENT(PublicRoomsModel)
    QML_UNCREATABLE("Owned by AppController")
};

// Calling for attention while the window is behind others (unread count, alert, notification,
// sound, tray settings).
struct AttentionForeign {
    Q_GADGET
    QML_FOREIGN(Attention)
    QML_NAMED_ELEMENT(Attention)
    QML_UNCREATABLE("Owned by AppController")
};
