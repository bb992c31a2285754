#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QStringView>

// Hand-written JSON for the server's hot paths (join replies, events). QJsonDocument builds a
// tree of QCborValues and walks it again to write it out; for objects the server writes
// thousands of times a second, appending the bytes directly costs a fraction of that. The output
// is what QJsonDocument::toJson(Compact) writes for the same values, key order included, which
// the tests check.
namespace JsonWrite {

// `text` as a JSON string literal: quoted, UTF-8, with '"', '\\' and control characters escaped.
void string(QByteArray &out, QStringView text);

inline void boolean(QByteArray &out, bool value)
{
    out += value ? QByteArrayView("true") : QByteArrayView("false");
}

inline void number(QByteArray &out, qint64 value)
{
    out += QByteArray::number(value);
}

} // namespace JsonWrite
