#pragma once

// Everything `hearth` does besides `serve`: with a display, the desktop window (lobby, host a
// room, join by code, the room view); without one (or with --headless), hosting or joining a
// room on the terminal. Returns the process exit code.
//
//   hearth [--name NAME] [--room-name NAME] [--capacity N] [--port N] [--headless] ...
//   hearth join ADDRESS CODE [--name NAME] [--spectator] [--password PW] [--headless]
//   hearth hearth://HOST:PORT/CODE
int runHost(int argc, char **argv);
