#!/usr/bin/env bash
# Installs the Debian 12 packages Hearth needs to build, run and test, skipping what is there.
# Runs apt-get only when something is missing (as root, or through sudo).
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ clang-format pkg-config libssl-dev
  qt6-base-dev qt6-websockets-dev qt6-declarative-dev qtkeychain-qt6-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-declarative-dev-tools
  qt6-multimedia-dev
  libqt6sql6-sqlite libqt6sql6-psql
  # run (QML modules)
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtquick
  qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtqml-workerscript qml6-module-qttest
  qml6-module-qt-labs-platform fonts-noto-color-emoji
  # test: a display, a session bus and a Secret Service for the real keychain, sanitizers
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-1-0 libclang-rt-14-dev
  # the fuzzers (scripts/fuzz.sh): clang with libFuzzer (in libclang-rt-14-dev)
  clang
  # the window alert as a window manager sees it (tst_windowalert): openbox, xprop
  openbox x11-utils
  # network faults in tests (a network namespace with nftables drop rules)
  iproute2 nftables
  # packaging and the PostgreSQL backend
  dpkg-dev file postgresql
  # the package test (packaging/test-deb.sh): icons, validators, the smoke client, man pages
  librsvg2-bin lintian desktop-file-utils appstream python3 man-db bsdextrautils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
