// RoomClient's operations: each is one Requests::… sent with encodeRequest() (RoomClient::send),
// its result read by the codec (decodingCompletion). Joining also records the seat.

#include "roomclient.h"

using namespace Client;

namespace {

// Extra time granted to join_room over the server's approval grace period.
constexpr int JoinReplySlackMs = 15000;

} // namespace

int RoomClient::joinTimeoutMs() const
{
    return (m_limits.graceSeconds * 1000) + JoinReplySlackMs;
}

void RoomClient::createRoom(const CreateRoomArgs &args, QObject *context,
                            Callback<RoomSnapshot> done)
{
    Requests::CreateRoom create;
    create.name = args.name;
    create.displayName = args.displayName;
    create.capacity = args.capacity;
    create.settings.spectators = args.settings.spectators;
    create.settings.approval = args.settings.approval;
    create.settings.locked = args.settings.locked;
    create.settings.isPublic = args.settings.isPublic;
    if (!args.password.isEmpty())
        create.settings.password = args.password;
    joinLike(create, Seat{args.displayName, Role::Host, args.password}, context, std::move(done));
}

void RoomClient::joinRoom(const JoinRoomArgs &args, QObject *context, Callback<RoomSnapshot> done)
{
    Requests::JoinRoom join;
    join.code = args.code;
    join.displayName = args.displayName;
    join.role = args.role;
    if (!args.password.isEmpty())
        join.password = args.password;
    joinLike(join, Seat{args.displayName, args.role, args.password}, context, std::move(done));
}

void RoomClient::leaveRoom(const QString &room, QObject *context, Callback<Done> done)
{
    request<Done>(Requests::LeaveRoom{room}, this,
                  [this, room, guard = QPointer<QObject>(context), hasContext = context != nullptr,
                   done = std::move(done)](const Result<Done> &result) {
                      if (result.ok())
                          noteLeft(room, wireName(LeaveReason::Left));
                      if (done && !(hasContext && !guard))
                          done(result);
                  });
}

void RoomClient::history(const QString &room, qint64 before, qint64 after, int limit,
                         QObject *context, Callback<HistoryPage> done)
{
    Requests::History page{room, {}, {}, {}};
    if (before > 0)
        page.before = before;
    if (after > 0)
        page.after = after;
    if (limit > 0)
        page.limit = qMin(limit, m_limits.historyPageMax);
    request<HistoryPage>(page, context, std::move(done));
}

void RoomClient::setStatus(const QString &room, StatusFlags::Update update, QObject *context,
                           Callback<Done> done)
{
    request<Done>(Requests::SetStatus{room, update}, context, std::move(done));
}

void RoomClient::roomInfo(const QString &room, QObject *context, Callback<RoomInfoResult> done)
{
    request<RoomInfoResult>(Requests::RoomInfo{room}, context, std::move(done));
}

void RoomClient::updateSettings(const Requests::UpdateSettings &change, QObject *context,
                                Callback<Done> done)
{
    request<Done>(change, context, std::move(done));
}

void RoomClient::setRoomState(const QString &room, RoomState state, QObject *context,
                              Callback<Done> done)
{
    request<Done>(Requests::SetState{room, state}, context, std::move(done));
}

void RoomClient::hostAction(const QString &room, HostAction action, const QString &participant,
                            QObject *context, Callback<Done> done)
{
    request<Done>(Requests::OnParticipant{action, room, participant}, context, std::move(done));
}

void RoomClient::closeRoom(const QString &room, QObject *context, Callback<Done> done)
{
    request<Done>(Requests::CloseRoom{room}, context, std::move(done));
}

void RoomClient::ping(QObject *context, Callback<qint64> done)
{
    request<PingResult>(Requests::Ping{}, context,
                        [done = std::move(done)](const Result<PingResult> &result) {
                            Result<qint64> ts;
                            ts.error = result.error;
                            if (result.ok())
                                ts.value = result.value->ts;
                            if (done)
                                done(ts);
                        });
}
