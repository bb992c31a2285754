#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QLatin1String>
#include <QtCore/QStringView>

// Hand-written JSON for the hot paths (join replies, events, history pages). QJsonDocument
// builds a tree of QCborValues and walks it again to write it out; for objects the server writes
// thousands of times a second, appending the bytes directly costs a fraction of that. The output
// is what QJsonDocument::toJson(Compact) writes for the same values, key order included, which
// the tests check (tst_protocolcodec).
namespace JsonWrite {

// `text` as a JSON string literal: quoted, UTF-8, with '"', '\\' and control characters escaped.
void string(QByteArray &out, QStringView text);

// A wire name (an enum's name table entry): ASCII that needs no escaping.
inline void name(QByteArray &out, QLatin1String name)
{
    out += '"';
    out.append(name.data(), name.size());
    out += '"';
}

// A participant id, or null when there is none (an empty room's host, a first host's "from").
inline void idOrNull(QByteArray &out, QStringView id)
{
    if (id.isEmpty())
        out += "null";
    else
        string(out, id);
}

inline void boolean(QByteArray &out, bool value)
{
    out += value ? QByteArrayView("true") : QByteArrayView("false");
}

inline void number(QByteArray &out, qint64 value)
{
    out += QByteArray::number(value);
}

} // namespace JsonWrite
