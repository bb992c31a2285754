#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs every test (ctest), then
# builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the tests there too,
# then the portable configuration (HEARTH_NATIVE_TRANSPORT=OFF: what Windows and macOS build)
# and every test in it. The in-process test servers (tests/support/testserver.h) run on the
# native transport in `dev` and on the Qt transport in `asan` and `portable` (the test presets
# set HEARTH_TEST_TRANSPORT); the desktop's embedded host is always on the Qt transport.
# The benchmarks run at a tiny size as tests (label "bench") so they cannot rot. Then every
# decoder is fuzzed for a minute (scripts/fuzz.sh). Last, the Debian package is built,
# validated, installed, tried and purged (packaging/test-deb.sh).
#
#   scripts/test.sh            dev, asan, portable, the fuzzers, then the package
#   scripts/test.sh dev        only the plain one (faster while working)
#   scripts/test.sh portable   only the portable one
#   scripts/test.sh fuzz       only the fuzzers (scripts/fuzz.sh 60)
#   scripts/test.sh package    only the package
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

configs=("${@:-dev asan portable fuzz package}")
configs=(${configs[*]})

# Formatting is part of the build: a diff fails it.
if command -v clang-format >/dev/null; then
  unformatted=$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep -c warning || true)
  if [ "$unformatted" -gt 0 ]; then
    git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | head -20
    echo "clang-format: $unformatted places differ; run: git ls-files '*.cpp' '*.h' | xargs clang-format -i" >&2
    exit 1
  fi
fi

# No POSIX- or Linux-only header or call outside the platform-specific files.
scripts/check-portable.sh

# The tests use the real keychain: a private session bus with an unlocked gnome-keyring, and a
# virtual display for the tests that open real windows. The keyring lives in a directory of its
# own: a login keyring the machine's user already has was made with another password, and the
# daemon would leave it locked ("Cannot create an item in a locked collection").
run_ctest() {
  local preset=$1 keyrings
  keyrings=$(mktemp -d)
  dbus-run-session -- sh -c '
    echo -n hearth-test | XDG_DATA_HOME="$1" gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec xvfb-run -a -s "-screen 0 1280x800x24" ctest --preset "$0" --timeout 600 -j2
  ' "$preset" "$keyrings" || { rm -rf "$keyrings"; return 1; }
  rm -rf "$keyrings"
}

# A throw-away PostgreSQL on 127.0.0.1 for the PostgreSQL variants of the storage tests.
pgdir=$(mktemp -d)
trap 'scripts/postgres-for-tests.sh stop "$pgdir"' EXIT
pgenv=$(scripts/postgres-for-tests.sh start "$pgdir") # fails the run if it cannot start
eval "$pgenv"

for preset in "${configs[@]}"; do
  if [ "$preset" = package ]; then
    packaging/test-deb.sh
    continue
  fi
  if [ "$preset" = fuzz ]; then
    scripts/fuzz.sh 60
    continue
  fi
  echo "=== $preset: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "=== $preset: tests" >&2
  run_ctest "$preset"
done
