#pragma once

#include <QtCore/QString>

// The rules for human-entered text shared by server (enforcing) and client (checking early).
namespace TextRules {

enum class Verdict { Ok, Empty, TooLong, ControlCharacters };

// Number of Unicode code points (what limits count), not UTF-16 units.
int codePointCount(QStringView text);

// Display and room names: trimmed, 1..maxLength code points, no control characters.
// `cleaned` receives the trimmed name.
Verdict checkName(QStringView name, int maxLength, QString *cleaned);

// What two display names are compared by, so that names that look alike clash: trimmed, inner
// runs of white space made one space, Unicode NFKC (full-width "ＡＮＡ" becomes "ANA", a
// no-break space a space), then case folded (and NFKC again, as case folding can undo it).
// "Ana", " ana " and "ＡＮＡ" have the same key.
QString nameKey(QStringView name);

// Chat text: 1..maxLength code points, not only white space; line breaks and tabs allowed,
// other control characters not.
Verdict checkChat(QStringView text, int maxLength);

} // namespace TextRules
