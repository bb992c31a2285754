#include "settingspath.h"

#include <QtCore/QStandardPaths>

QString hearthSettingsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/hearth.conf");
}
