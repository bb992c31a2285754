#pragma once

#include "storagetypes.h"

#include <QtCore/QString>

#include <optional>

// What the room server needs from a database. One instance is used from one thread only (the
// CommitQueue's); every method reports failure by returning false / nullopt with errorString().
//
// Writes happen inside a batch (beginBatch … commitBatch): the CommitQueue groups everything
// that arrived while the previous commit was running into one transaction ("group commit"), so
// a burst of chat costs one disk sync, not one per message.
class Storage
{
public:
    virtual ~Storage() = default;

    // Connects and brings the schema to the newest version.
    virtual bool open() = 0;
    virtual void close() = 0;
    virtual QString errorString() const = 0;
    // A name for logs: "sqlite /path/file" or "postgresql host/db".
    virtual QString describe() const = 0;

    virtual bool beginBatch() = 0;
    virtual bool commitBatch() = 0;
    virtual void rollbackBatch() = 0;

    virtual bool saveIdentity(const StoredIdentity &identity) = 0;
    virtual bool saveRoom(const StoredRoom &room) = 0; // insert or update
    virtual bool saveParticipant(qint64 roomId, const StoredParticipant &participant) = 0;
    virtual bool deleteParticipant(qint64 roomId, const QString &participantId) = 0;
    virtual bool saveBan(qint64 roomId, const StoredBan &ban) = 0;
    virtual bool appendEvent(const StoredEvent &event) = 0;
    // Deletes a room's events up to and including `throughSeq` (history trimming).
    virtual bool trimHistory(qint64 roomId, qint64 throughSeq) = 0;

    // Everything of the live (not closed) rooms, and all identities.
    virtual std::optional<LoadedState> loadLiveState() = 0;

    // A page of a room's events: before > 0 gives the newest `limit` events below it; after >= 0
    // the oldest `limit` events above it; both, the oldest `limit` events between them (both
    // exclusive); neither (both -1) the newest `limit`.
    virtual std::optional<StoredHistoryPage> history(qint64 roomId, qint64 before, qint64 after,
                                                     int limit) = 0;
};
