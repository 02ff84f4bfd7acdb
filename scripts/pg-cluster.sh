#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a Unix socket, for tests and the cluster demo.
#
#   scripts/pg-cluster.sh start DIR [--fast]   initialise DIR/data when missing, start the server
#                                              (socket in DIR, no TCP), print its libpq URI
#   scripts/pg-cluster.sh stop DIR             stop it (the files stay)
#   scripts/pg-cluster.sh uri DIR              print the URI again
#   scripts/pg-cluster.sh createdb DIR NAME    create database NAME when missing, print its URI
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user, which
# owns DIR. --fast turns fsync off (tests only: a crash of the machine may lose the cluster).
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop|uri|createdb DIR [--fast|NAME]}
dir=${2:?usage: pg-cluster.sh start|stop|uri|createdb DIR [--fast|NAME]}
fast=${3:-}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 69; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
uri() { echo "postgresql://postgres@/postgres?host=$dir"; }
case "$cmd" in
  start)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 70; }
    fi
    options="-k $dir -c listen_addresses='' -c max_connections=200"
    [ "$fast" = "--fast" ] && options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! as_server "$bin/pg_ctl" -D "$dir/data" status > /dev/null 2>&1; then
      as_server "$bin/pg_ctl" -D "$dir/data" -o "$options" -l "$dir/server.log" -w -t 30 start > /dev/null \
        || { tail -20 "$dir/server.log" >&2; exit 70; }
    fi
    uri ;;
  stop)
    as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true ;;
  uri) uri ;;
  createdb)
    name=${3:?usage: pg-cluster.sh createdb DIR NAME}
    exists=$(psql "$(uri)" -qAtX -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
    [ "$exists" = 1 ] || psql "$(uri)" -qAtX -c "CREATE DATABASE \"$name\"" > /dev/null
    echo "postgresql://postgres@/$name?host=$dir" ;;
  *) echo "usage: pg-cluster.sh start|stop|uri DIR [--fast]" >&2; exit 64 ;;
esac
