#pragma once

#include <QtCore/QJsonObject>

#include <optional>

// A participant's status flags (ready, away, muted, camera, screen), kept as bits.
struct StatusFlags {
    enum Flag : quint8 {
        Ready = 1 << 0,
        Away = 1 << 1,
        Muted = 1 << 2,
        Camera = 1 << 3,
        Screen = 1 << 4,
    };
    static constexpr int Count = 5;
    static constexpr quint8 All = (1 << Count) - 1;

    quint8 bits = 0;

    bool operator==(const StatusFlags &) const = default;

    bool test(Flag f) const { return bits & f; }
    void set(Flag f, bool on) { bits = on ? quint8(bits | f) : quint8(bits & ~f); }

    // {"ready": false, "away": false, ...}: every flag.
    QJsonObject toJson() const;
    // Only the flags in `mask`.
    QJsonObject toJson(quint8 mask) const;

    // A partial update from a request: which flags it names (mask) and their values.
    struct Update {
        quint8 mask = 0;
        quint8 values = 0;
    };
    // Empty when a key is unknown or a value is not a boolean.
    static std::optional<Update> parseUpdate(const QJsonObject &object);

    static const char *name(int index); // "ready", "away", ... for bit index 0..Count-1
};
