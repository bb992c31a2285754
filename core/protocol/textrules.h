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

// Chat text: 1..maxLength code points, not only white space; line breaks and tabs allowed,
// other control characters not.
Verdict checkChat(QStringView text, int maxLength);

} // namespace TextRules
