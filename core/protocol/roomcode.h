#pragma once

#include <QtCore/QString>

#include <optional>

// Room codes: 6 characters from an alphabet without look-alikes (no I, O, 0, 1).
namespace RoomCode {

inline constexpr int Length = 6;
inline constexpr char Alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

// What a person typed, made canonical: upper case, spaces and dashes dropped ("xj9-k2m" →
// "XJ9K2M"). Empty when the result is not a well-formed code.
std::optional<QString> normalize(QStringView typed);

// Like normalize() but keeps a partial, still-valid prefix: for live validation as one types.
// Returns the canonical prefix and whether every typed character was acceptable.
struct Partial {
    QString canonical;
    bool valid = true;
};
Partial normalizePartial(QStringView typed);

// A fresh code from the system's cryptographically secure generator.
QString generate();

} // namespace RoomCode
