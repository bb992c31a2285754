#pragma once

#include "client/roomclient.h"
#include "joinrequestsmodel.h"
#include "messagesmodel.h"
#include "participantsmodel.h"
#include "roomobject.h"
#include "transcriptexport.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QVariantMap>

// Your presence in one room, for the room view: the room object and its three models, kept
// current from the client's events, plus the actions you can take there. Everything goes
// through RoomClient (the protocol); nothing here knows whether the server is embedded.
//
// Created from the snapshot that create_room or join_room returned; start() then pages in the
// newest history.
class RoomSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(RoomObject *room READ room CONSTANT)
    // The room's code (as room.code), for convenience.
    Q_PROPERTY(QString code READ code CONSTANT)
    Q_PROPERTY(ParticipantsModel *participants READ participants CONSTANT)
    Q_PROPERTY(MessagesModel *messages READ messages CONSTANT)
    // The host's waiting list (empty unless you host a room that requires approval).
    Q_PROPERTY(JoinRequestsModel *joinRequests READ joinRequests CONSTANT)
    // The connection is up and you are in the room: actions are possible.
    Q_PROPERTY(bool connected READ isConnected NOTIFY connectedChanged)
    // Chat can be written: connected, or reconnecting with your seat (messages wait in the
    // client's outbox and go out once the room is resumed).
    Q_PROPERTY(bool canChat READ canChat NOTIFY connectedChanged)
    // Where exportTranscript() writes by default.
    Q_PROPERTY(QString exportDirectory READ defaultExportDirectory CONSTANT)
    // The transcript export: its progress while running, then where the files went.
    Q_PROPERTY(TranscriptExport *transcriptExport READ transcriptExport CONSTANT)
    // Your messages not acknowledged by the host yet.
    Q_PROPERTY(int unsentMessages READ unsentMessages NOTIFY unsentMessagesChanged)
    // History paging.
    Q_PROPERTY(bool loadingHistory READ isLoadingHistory NOTIFY historyChanged)
    Q_PROPERTY(bool hasMoreHistory READ hasMoreHistory NOTIFY historyChanged)
    // Events the server no longer keeps (trimmed history), known once paged back to the start.
    Q_PROPERTY(int missingHistory READ missingHistory NOTIFY historyChanged)
    // Your own status flags as everyone sees them (they change when the server's event comes).
    Q_PROPERTY(bool ready READ isReady NOTIFY selfStatusChanged)
    Q_PROPERTY(bool away READ isAway NOTIFY selfStatusChanged)
    Q_PROPERTY(bool muted READ isMuted NOTIFY selfStatusChanged)
    Q_PROPERTY(bool camera READ hasCamera NOTIFY selfStatusChanged)
    Q_PROPERTY(bool screen READ isSharingScreen NOTIFY selfStatusChanged)
    // Limits announced by the server, for input checks in the view.
    Q_PROPERTY(int maxChatLength READ maxChatLength CONSTANT)
    Q_PROPERTY(int maxNameLength READ maxNameLength CONSTANT)
    Q_PROPERTY(int capacityMax READ capacityMax CONSTANT)
    // The host's statistics from room_info (messages, events, joins, peakSeats, kicks, bans);
    // empty until refreshStats() is answered.
    Q_PROPERTY(QVariantMap stats READ stats NOTIFY statsChanged)
    // The last action that failed, in plain words; cleared by the next successful one.
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)

public:
    RoomSession(RoomClient *client, const RoomSnapshot &snapshot, QObject *parent = nullptr);
    ~RoomSession() override;

    // Loads the newest page of history.
    void start(int firstPageSize = 100);
    // Stops following the client (the app has moved on); the models keep what they show.
    void detach();

    RoomObject *room() const { return m_room; }
    ParticipantsModel *participants() const { return m_participants; }
    MessagesModel *messages() const { return m_messages; }
    JoinRequestsModel *joinRequests() const { return m_joinRequests; }
    TranscriptExport *transcriptExport() const { return m_transcriptExport; }
    QString code() const { return m_code; }
    bool isConnected() const;
    bool canChat() const;
    int unsentMessages() const;
    bool isLoadingHistory() const { return m_loadingHistory; }
    bool hasMoreHistory() const { return m_hasMoreHistory; }
    int missingHistory() const { return m_missingHistory; }
    bool isReady() const { return selfFlag(StatusFlags::Ready); }
    bool isAway() const { return selfFlag(StatusFlags::Away); }
    bool isMuted() const { return selfFlag(StatusFlags::Muted); }
    bool hasCamera() const { return selfFlag(StatusFlags::Camera); }
    bool isSharingScreen() const { return selfFlag(StatusFlags::Screen); }
    int maxChatLength() const { return m_limits.maxChatLength; }
    int maxNameLength() const { return m_limits.maxNameLength; }
    int capacityMax() const { return m_limits.capacityMax; }
    QVariantMap stats() const { return m_stats; }
    QString errorText() const { return m_errorText; }

    // Sends a chat message. False (and nothing sent) when the text is empty or too long; a
    // refusal by the server comes later as chatFailed() with the text, so the view can give
    // it back to the person.
    Q_INVOKABLE bool sendChat(const QString &text);
    // Sends a failed message again (same clientMsgId), or drops it from the chat.
    Q_INVOKABLE void retryChat(const QString &clientMsgId);
    Q_INVOKABLE void discardChat(const QString &clientMsgId);
    // The length of `text` as the server counts it (code points), for the length counter.
    Q_INVOKABLE int chatLength(const QString &text) const;
    // Pages in the next older page of history (no-op while loading or at the start).
    Q_INVOKABLE void loadOlder(int pageSize = 100);
    // Saves the whole chat (paged from the server), plus messages of yours that never reached
    // the host, as hearth-CODE-YYYYMMDD-HHMMSS.md and .json in `directory` (empty:
    // defaultExportDirectory()). Asynchronous: transcriptExport shows progress and result.
    Q_INVOKABLE void exportTranscript(const QString &directory = {});
    // $HEARTH_EXPORT_DIR if set, else Documents/Hearth (the home directory's Hearth folder
    // where there is no Documents).
    static QString defaultExportDirectory();
    // One of "ready", "away", "muted", "camera", "screen".
    Q_INVOKABLE void setStatusFlag(const QString &flag, bool on);
    Q_INVOKABLE void leave();

    // Host actions.
    // Keys (each optional): name, capacity, spectators, approval, locked, isPublic, password
    // ("" removes it).
    Q_INVOKABLE void updateSettings(const QVariantMap &changes);
    Q_INVOKABLE void startSession();
    Q_INVOKABLE void finishSession();
    // A host action on one participant, by its wire name ("admit", "deny", "kick", "ban",
    // "transfer_host": HostAction), so that the views offer a new action without a new method.
    Q_INVOKABLE void act(const QString &action, const QString &participantId);
    void hostAction(HostAction action, const QString &participantId);
    Q_INVOKABLE void refreshStats();
    Q_INVOKABLE void closeRoom();

Q_SIGNALS:
    void connectedChanged();
    void historyChanged();
    void selfStatusChanged();
    void statsChanged();
    void errorTextChanged();
    void unsentMessagesChanged();
    // The connection came back and the room was resumed (missed events are in the models).
    void resumed();
    // The server refused a chat message; `text` is what was typed.
    void chatFailed(const QString &text, const QString &message);
    // Any action failed (also sets errorText).
    void actionFailed(const QString &message);
    // leave() or closeRoom() was answered (successfully or not: either way you are out).
    void leaveFinished();
    // A room event was applied to the models (for printing in the headless host).
    void eventApplied(const RoomEvent &event);

private:
    void onEvent(const RoomEvent &event);
    void onNotice(const Notice &notice);
    void onRoomLeft(const QString &room, const QString &reason);
    void onResumed(const RoomSnapshot &snapshot);
    void syncCounts();
    bool selfFlag(StatusFlags::Flag flag) const;
    void setError(const QString &text);
    void requestHistory(qint64 before, int pageSize);
    void transmitChat(const QString &text, const QString &clientMsgId);
    void onChatAnswered(const QString &clientMsgId, const QString &text,
                        const Client::Result<ChatAck> &result);
    RoomClient::Callback<Client::Done> doneHandler();

    QPointer<RoomClient> m_client;
    QString m_code;
    Limits m_limits;
    RoomObject *m_room = nullptr;
    ParticipantsModel *m_participants = nullptr;
    MessagesModel *m_messages = nullptr;
    JoinRequestsModel *m_joinRequests = nullptr;
    TranscriptExport *m_transcriptExport = nullptr;

    bool m_loadingHistory = false;
    bool m_hasMoreHistory = true;
    int m_missingHistory = 0;
    qint64 m_oldestLoadedSeq = 0; // history is asked for before this seq
    QVariantMap m_stats;
    QString m_errorText;
    bool m_historyFailed = false; // the last page request failed; asked again after a resume
    QStringList m_undelivered;    // your messages the host refused or never got
    QSet<QString> m_refusedIds;   // clientMsgIds of pending messages the host refused
};
