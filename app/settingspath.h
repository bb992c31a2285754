#pragma once

#include <QtCore/QString>

// Where the desktop program keeps its settings: hearth.conf (INI) in the app's configuration
// directory (~/.config/hearth/ on Linux), next to the data directory `hearth serve` uses
// (~/.local/share/hearth/), without depending on an organization name being set.
QString hearthSettingsPath();
