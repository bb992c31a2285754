#!/usr/bin/env bash
# Builds Hearth's Debian package: a release build of the `hearth` binary alone (no tests, no
# benchmarks) with Debian's hardening flags, in a build directory of its own, then
# `cpack -G DEB`. Prints the path of the .deb on its last line.
#
#   packaging/build-deb.sh [BUILD_DIR]     (default: build/package)
#
# Needs what scripts/install-deps.sh installs (dpkg-dev for the flags and dpkg-shlibdeps,
# librsvg2-bin for the icons).
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${1:-build/package}

# The flags Debian builds its own packages with: fortified libc calls, stack protector,
# read-only relocations bound at start (lintian checks all of them).
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

cmake -S . -B "$builddir" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DCMAKE_CXX_FLAGS="$CPPFLAGS $CXXFLAGS" -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" \
  -DHEARTH_WERROR=ON -DHEARTH_BUILD_TESTS=OFF -DHEARTH_BUILD_BENCH=OFF \
  -DHEARTH_REQUIRE_PACKAGING_TOOLS=ON "${launcher[@]}" >/dev/null
cmake --build "$builddir"
rm -rf "$builddir/packages"
(cd "$builddir" && cpack -G DEB >/dev/null)
ls "$(realpath "$builddir")"/packages/hearth_*.deb
