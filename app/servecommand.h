#pragma once

// `hearth serve`: the room server without a window. Returns the process exit code.
int runServe(int argc, char **argv);
