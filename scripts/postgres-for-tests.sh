#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests, on 127.0.0.1 only, in a temporary
# directory, and prints the URL to use (postgresql://hearth:…@127.0.0.1:PORT/hearth).
#   eval "$(scripts/postgres-for-tests.sh start DIR)"   # exports HEARTH_TEST_POSTGRES_URL
#   scripts/postgres-for-tests.sh stop DIR
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgres-for-tests: PostgreSQL is not installed" >&2; exit 1; }

as_postgres() {
  # From /, which every user may enter (the caller's directory may be private).
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$action" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  # The first free port from 55432 up (another server, or another run, may hold one).
  port=${HEARTH_TEST_POSTGRES_PORT:-55432}
  for _ in $(seq 1 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    port=$((port + 1))
  done
  if ! as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
    echo "postgres-for-tests: the server did not start; its log:" >&2
    cat "$dir/log" >&2
    exit 1
  fi
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -q \
    -c "CREATE ROLE hearth LOGIN PASSWORD '$password'" -c "CREATE DATABASE hearth OWNER hearth" >/dev/null
  echo "export HEARTH_TEST_POSTGRES_URL=postgresql://hearth:$password@127.0.0.1:$port/hearth"
  ;;
stop)
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
esac
