// The one `hearth` binary. `hearth serve` runs the room server headless; everything else is
// the desktop program (which hosts headless when there is no display).

#include "servecommand.h"

#ifdef HEARTH_HAVE_HOST
#include "hostcommand.h"
#endif

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "serve") == 0)
        return runServe(argc, argv);
    if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
        std::printf("hearth %s\n", HEARTH_VERSION);
        return 0;
    }
#ifdef HEARTH_HAVE_HOST
    return runHost(argc, argv);
#else
    std::fprintf(stderr, "hearth: this build has no desktop part; run `hearth serve`.\n");
    return 2;
#endif
}
