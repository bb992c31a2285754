#include "errorcode.h"

#include <array>

namespace {
constexpr std::array<const char *, 25> names = {
    "bad_json",
    "bad_request",
    "unknown_type",
    "hello_required",
    "unsupported_version",
    "identity_rejected",
    "room_not_found",
    "wrong_password",
    "room_full",
    "room_locked",
    "banned",
    "spectators_not_allowed",
    "join_denied",
    "room_closed",
    "not_member",
    "not_host",
    "participant_not_found",
    "invalid_transition",
    "too_many_rooms",
    "too_large",
    "rate_limited",
    "storage_error",
    "shutting_down",
    "name_taken",
    "internal_error",
};
static_assert(names.size() == std::size_t(ErrorCode::InternalError) + 1,
              "every ErrorCode needs a wire name");
} // namespace

QLatin1String errorCodeName(ErrorCode code)
{
    return QLatin1String(names[std::size_t(code)]);
}

ErrorCode errorCodeFromName(QStringView name)
{
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (name == QLatin1String(names[i]))
            return ErrorCode(i);
    }
    return ErrorCode::InternalError;
}
