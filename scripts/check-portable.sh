#!/usr/bin/env bash
# Fails when a POSIX- or Linux-only header or call appears in a source file that must build on
# Windows and macOS too (issue 11, "Portable build"). Platform-specific files are listed below,
# each with its reason; anything else that needs such a header includes it under an #if of its
# platform, on a line marked "// portable: <why>".
#
#   scripts/check-portable.sh        checks the tracked C++ sources; exit 1 on a finding
set -euo pipefail
cd "$(dirname "$0")/.."

# Files and directories allowed to be platform-specific, and why.
allowed=(
  # The native transport (HEARTH_NATIVE_TRANSPORT, Linux only): bare POSIX sockets and epoll.
  'server/net/'
  # Desktop notifications over D-Bus: built only on Linux and the BSDs (app/host.cmake).
  'app/desktopnotifier_dbus.cpp'
  # SIGINT/SIGTERM through a self-pipe: its POSIX code is under Q_OS_UNIX (elsewhere it does
  # nothing, and Ctrl+C ends `hearth serve` the default way).
  'app/signalwatcher.cpp'
  # Linux-only tools: the load generator and its server process (bench/README.md), the fuzz
  # targets (libFuzzer on clang), and the tests, which use network namespaces, signals and raw
  # sockets to test the real processes. None of them ships.
  'bench/'
  'fuzz/'
  'tests/'
)

headers='unistd\.h|sys/[a-z_/]+\.h|fcntl\.h|netinet/[a-z_]+\.h|arpa/[a-z_]+\.h|poll\.h|pwd\.h|grp\.h|dlfcn\.h|netdb\.h|dirent\.h|termios\.h|pthread\.h|ifaddrs\.h|net/if\.h|syslog\.h|spawn\.h|linux/[a-z_/]+\.h|execinfo\.h'
calls='(^|[^A-Za-z0-9_])(sigaction|pipe2|fork|epoll_(create1?|ctl|wait)|getrlimit|setrlimit|getpwuid|prctl|setsid)[[:space:]]*\('

is_allowed() {
  local file=$1 prefix
  for prefix in "${allowed[@]}"; do
    case "$file" in "$prefix"*) return 0 ;; esac
  done
  return 1
}

status=0
while IFS= read -r file; do
  is_allowed "$file" && continue
  # A marked line is a deliberate, guarded use (its #if names the platform).
  findings=$(grep -nE "#[[:space:]]*include[[:space:]]*<($headers)>|$calls" "$file" |
             grep -v '// portable:' || true)
  if [ -n "$findings" ]; then
    while IFS= read -r line; do
      echo "$file:$line" >&2
    done <<<"$findings"
    status=1
  fi
done < <(git ls-files '*.cpp' '*.h' '*.c' '*.mm')

if [ "$status" -ne 0 ]; then
  echo "check-portable: POSIX- or Linux-only code outside the platform-specific files" \
       "(scripts/check-portable.sh lists them); guard it and mark the line '// portable: why'" >&2
  exit 1
fi
echo "check-portable: no POSIX- or Linux-only header or call outside the platform-specific files"
