#!/usr/bin/env bash
# Installs what is missing, builds Hearth (release) and runs it. Arguments go to `hearth`:
#   scripts/run.sh                 the desktop window; hosts a room headless without a display
#   scripts/run.sh serve --port N  the headless room server
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/app/hearth "$@"
