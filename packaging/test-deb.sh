#!/usr/bin/env bash
# The Debian package end to end; scripts/test.sh runs it after the test suites, so CI does.
#   1. builds it (packaging/build-deb.sh, its own build directory: build/package);
#   2. validates it: lintian (an error or a warning fails; packaging/deb/lintian-overrides
#      lists the accepted tags with their reasons), desktop-file-validate, appstreamcli
#      validate, the man page's groff warnings, and every option of `hearth --help` and
#      `hearth serve --help` in the man page;
#   3. installs it with apt (which pulls in its dependencies) and runs the installed
#      /usr/bin/hearth: --version, a `hearth serve` on 127.0.0.1 that a real WebSocket client
#      (packaging/smoke-client.py) talks to before SIGTERM stops it with exit status 0, the
#      desktop entry's Exec line with a hearth:// link to the smoke test's room (it must join;
#      the handler must be registered in mimeinfo.cache), and the window up to the lobby on a
#      virtual display, stopped by SIGTERM;
#   4. checks, from the memory maps of those running processes, that every library, Qt plugin
#      and QML module plugin the program loaded belongs to a package its Depends pull in;
#   5. purges the package and whatever it pulled in, leaving the machine as it found it.
# Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

say() { echo "=== package: $*" >&2; }
fail() { echo "package test: $*" >&2; exit 1; }

if dpkg-query -W -f='${db:Status-Status}' hearth 2>/dev/null | grep -qx installed; then
  fail "a hearth package is already installed; this test installs and purges its own: remove it first (apt-get purge hearth)"
fi

tmp=$(mktemp -d)
serve_pid=""
installed_before="$tmp/installed-before"
cleanup() {
  [ -z "$serve_pid" ] || kill -KILL "$serve_pid" 2>/dev/null || true
  # The window's process (xvfb-run then stops its X server by itself).
  [ ! -s "$tmp/gui.pid" ] || kill -KILL "$(cat "$tmp/gui.pid")" 2>/dev/null || true
  if [ -s "$installed_before" ]; then
    dpkg-query -W -f='${db:Status-Status} ${Package}:${Architecture}\n' | awk '$1 != "not-installed" {print $2}' |
      sort >"$tmp/installed-after"
    mapfile -t added < <(comm -13 "$installed_before" "$tmp/installed-after")
    if [ ${#added[@]} -gt 0 ]; then
      say "purging ${added[*]}"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq "${added[@]}" >/dev/null
    fi
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

say "build"
deb=$(packaging/build-deb.sh | tail -1)
[ -f "$deb" ] || fail "build-deb.sh made no package"
echo "$deb" >&2
version=$(dpkg-deb -f "$deb" Version)
version=${version%-*} # the upstream part: project()'s VERSION

say "lintian"
lintian_status=0
lintian --fail-on error,warning --display-info "$deb" >"$tmp/lintian" 2>&1 || lintian_status=$?
grep -v '^running with root privileges' "$tmp/lintian" >&2 || true
[ "$lintian_status" -eq 0 ] || fail "lintian reports errors or warnings (above)"
if ! grep -qv '^running with root privileges' "$tmp/lintian"; then
  echo "lintian: no tags (errors, warnings, infos)" >&2
fi

say "desktop entry, AppStream metadata, man page"
dpkg-deb -x "$deb" "$tmp/root"
desktop=("$tmp"/root/usr/share/applications/*.desktop)
[ ${#desktop[@]} -eq 1 ] && [ -f "${desktop[0]}" ] || fail "not exactly one desktop entry"
desktop-file-validate "${desktop[0]}" || fail "desktop-file-validate: ${desktop[0]}"
grep -qx 'Exec=hearth %u' "${desktop[0]}" || fail "the desktop entry does not hand links to hearth"
grep -q '^MimeType=.*x-scheme-handler/hearth;' "${desktop[0]}" ||
  fail "the desktop entry does not claim hearth:// links"
appstreamcli validate --no-net --pedantic "$tmp"/root/usr/share/metainfo/*.metainfo.xml ||
  fail "appstreamcli validate"
app_id=$(basename "${desktop[0]}" .desktop)
for size in 16 22 24 32 48 64 128 256 512; do
  png="$tmp/root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
  [ "$(file -b "$png" | grep -o "$size x $size")" = "$size x $size" ] ||
    fail "no ${size}x$size icon: $(file -b "$png" 2>&1)"
done
[ -f "$tmp/root/usr/share/icons/hicolor/scalable/apps/$app_id.svg" ] || fail "no scalable icon"
man_page="$tmp/root/usr/share/man/man1/hearth.1.gz"
man_warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man_page" 2>&1 >/dev/null)
[ -z "$man_warnings" ] || fail "man page warnings: $man_warnings"

say "install"
dpkg-query -W -f='${db:Status-Status} ${Package}:${Architecture}\n' | awk '$1 != "not-installed" {print $2}' |
  sort >"$installed_before"
install_deb() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null; }
if ! install_deb; then
  # A fresh machine may have no package lists yet.
  $sudo apt-get update -qq
  install_deb
fi
[ "$(command -v hearth)" = /usr/bin/hearth ] || fail "hearth is not /usr/bin/hearth after installing"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/config" XDG_DATA_HOME="$tmp/home/data"
mkdir -p "$HOME"

say "installed: --version"
got=$(/usr/bin/hearth --version)
[ "$got" = "hearth $version" ] || fail "hearth --version says '$got', expected 'hearth $version'"

say "installed: every option of --help is in the man page"
man_text() { MANWIDTH=200 man -l "$man_page" 2>/dev/null | col -b; }
# The long options a command's --help lists, and the ones the man page's section describes.
help_options() { grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*' | sort -u; }
section_options() {
  man_text | awk -v s="$1" '/^[A-Z]/ {on = ($0 == s)} on' | grep -oE -- '--[a-z][a-z-]*' | sort -u
}
missing=$(comm -23 <(/usr/bin/hearth --headless --help | help_options) <(section_options OPTIONS))
[ -z "$missing" ] || fail "hearth options missing from the man page's OPTIONS: $missing"
missing=$(comm -23 <(/usr/bin/hearth serve --help | help_options) <(section_options "SERVE OPTIONS"))
[ -z "$missing" ] || fail "hearth serve options missing from the man page's SERVE OPTIONS: $missing"

# Waits (bounded) until FILE has a line matching PATTERN, or PID is gone.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3
  for _ in $(seq 600); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# The shared objects a running process has mapped: libraries, Qt plugins, QML module plugins.
loaded_objects() { awk '$6 ~ /\.so/ {print $6}' "/proc/$1/maps" | sort -u; }

say "installed: hearth serve (wss://, its own certificate), a WebSocket client, SIGTERM"
# Its certificate goes to the data directory: a temporary one, not the machine user's.
XDG_DATA_HOME="$tmp/data" /usr/bin/hearth serve --bind 127.0.0.1 --port 0 --db "$tmp/smoke.sqlite" \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
wait_for_line "$tmp/serve.out" '^hearth: certificate SHA-256: ' "$serve_pid" ||
  { cat "$tmp/serve.err" >&2; fail "hearth serve did not say where it listens and with what certificate"; }
url=$(sed -n 's/^hearth: listening on //p' "$tmp/serve.out")
case "$url" in wss://*) ;; *) fail "hearth serve does not serve wss:// by default: $url" ;; esac
[ "$(stat -c %a "$tmp/data/hearth/serve-tls.pem")" = 600 ] || fail "the certificate's file is not owner-only"
fingerprint=$(sed -n 's/^hearth: certificate SHA-256: //p' "$tmp/serve.out")
smoke=$(HEARTH_SMOKE_FINGERPRINT=$fingerprint python3 packaging/smoke-client.py "$url" "$version") ||
  { cat "$tmp/serve.err" >&2; fail "smoke client"; }
echo "$smoke" >&2
code=$(sed -n 's/.*create_room (\([A-Z0-9]*\)).*/\1/p' <<<"$smoke")

say "installed: a hearth:// link opened the way the desktop entry says, joins that room"
grep -q "^x-scheme-handler/hearth=.*$app_id\.desktop" /usr/share/applications/mimeinfo.cache ||
  fail "hearth:// links are not registered to $app_id.desktop (mimeinfo.cache)"
# The link carries the certificate's fingerprint, as the app's invites do: the join pins it.
link="hearth://127.0.0.1:${url##*:}"
link="${link%/}/$code?fp=$fingerprint"
exec_line=$(sed -n 's/^Exec=//p' "/usr/share/applications/$app_id.desktop")
read -ra launch <<<"${exec_line//%u/$link}"
echo "${launch[*]}" >&2
# Headless (no display): it joins, prints the room, and /quit on stdin leaves.
join_out=$(printf '/quit\n' | env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM \
  HEARTH_IDENTITY_STORE=file timeout 60 "${launch[@]}" 2>"$tmp/join.err") ||
  { cat "$tmp/join.err" >&2; fail "opening $link failed: $join_out"; }
grep -q "^hearth: joined room \"Package smoke test\" with code $code" <<<"$join_out" ||
  { cat "$tmp/join.err" >&2; fail "opening $link did not join room $code: $join_out"; }
echo "$join_out" | head -3 >&2
loaded_objects "$serve_pid" >"$tmp/loaded-serve"
kill -TERM "$serve_pid"
status=0
wait "$serve_pid" || status=$?
serve_pid=""
[ "$status" -eq 0 ] || { cat "$tmp/serve.err" >&2; fail "hearth serve exited with $status after SIGTERM"; }
grep -q 'stopped' "$tmp/serve.err" || fail "hearth serve did not log its clean stop"
[ -s "$tmp/smoke.sqlite" ] || fail "hearth serve wrote no database"

say "installed: the window, up to the lobby, on a virtual display; SIGTERM"
xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'echo $$ >"$0"; exec /usr/bin/hearth --print-startup --identity-file "$1"' \
  "$tmp/gui.pid" "$tmp/identity.json" >"$tmp/gui.out" 2>"$tmp/gui.err" &
xvfb_pid=$!
wait_for_line "$tmp/gui.out" '^hearth: lobby shown after' "$xvfb_pid" ||
  { cat "$tmp/gui.err" >&2; fail "the installed window did not show the lobby"; }
gui_pid=$(cat "$tmp/gui.pid")
cat "$tmp/gui.out" >&2
loaded_objects "$gui_pid" >"$tmp/loaded-gui"
kill -TERM "$gui_pid"
status=0
wait "$xvfb_pid" || status=$?
rm "$tmp/gui.pid"
[ "$status" -eq 0 ] || { cat "$tmp/gui.err" >&2; fail "the window exited with $status after SIGTERM"; }

say "installed: what it loads comes from its dependencies"
# The packages hearth's Depends pull in, recursively (alternatives included: apt may pick any),
# and those of its Recommends that are installed (libraries Qt loads only when present).
depends_closure() {
  apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "$@" | grep -v '^ ' | tr -d '<>' | sed 's/:.*//'
}
mapfile -t recommended < <(dpkg-deb -f "$deb" Recommends | tr ',' '\n' | awk '{print $1}' |
  xargs -r dpkg-query -W -f='${db:Status-Status} ${Package}\n' 2>/dev/null | awk '$1 == "installed" {print $2}')
depends_closure hearth "${recommended[@]}" | sort -u >"$tmp/closure"
sort -u "$tmp"/loaded-* >"$tmp/loaded"
grep -q '/qt6/qml/QtQuick/Controls/' "$tmp/loaded" || fail "no QML module plugin among the loaded objects"
grep -q '/qt6/plugins/sqldrivers/libqsqlite' "$tmp/loaded" || fail "the SQLite driver was not loaded"
outside=()
while read -r file; do
  owner=$(dpkg -S "$file" 2>/dev/null || dpkg -S "$(realpath "$file")" 2>/dev/null ||
    dpkg -S "${file#/usr}" 2>/dev/null) || fail "no package owns $file, which hearth loaded"
  pkgs=${owner%%: /*}
  found=0
  for pkg in ${pkgs//,/ }; do
    if grep -qx "${pkg%%:*}" "$tmp/closure"; then found=1; fi
  done
  [ "$found" -eq 1 ] || outside+=("$file ($pkgs)")
done <"$tmp/loaded"
if [ ${#outside[@]} -gt 0 ]; then
  printf '  %s\n' "${outside[@]}" >&2
  fail "the installed hearth loads files from packages its dependencies do not pull in (above)"
fi
echo "$(wc -l <"$tmp/loaded") shared objects loaded, all from the $(wc -l <"$tmp/closure") packages its dependencies (and installed recommendations) pull in" >&2

say "ok: $(basename "$deb")"
