#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server on loopback, in its own directory (for benchmarks and
# tests that need a real server; nothing of the system's clusters is touched).
#
#   scripts/postgres.sh start DIR [PORT]   initdb into DIR (if empty), start on 127.0.0.1:PORT
#                                          (default 54329), wait until it answers; prints
#                                          "postgresql://postgres@127.0.0.1:PORT/postgres"
#   scripts/postgres.sh stop DIR           fast shutdown; DIR is kept (remove it yourself)
#   scripts/postgres.sh rss DIR            resident memory of the server's processes, bytes
#
# Installs postgresql-15 with apt when its binaries are missing. As root the server runs as
# the `postgres` system user (PostgreSQL refuses to run as root); DIR is handed to that user.
# Trust authentication on loopback only; fsync off (a benchmark server holds nothing durable).
set -euo pipefail
command=${1:?usage: scripts/postgres.sh start|stop|rss DIR [PORT]}
dir=${2:?usage: scripts/postgres.sh start|stop|rss DIR [PORT]}
port=${3:-54329}
bin=/usr/lib/postgresql/15/bin

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    if [ ! -x "$bin/postgres" ]; then
      sudo_cmd=()
      [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        postgresql-15 postgresql-client-15 >/dev/null
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off \
       -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB \
       -c work_mem=256MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    ;;
  rss)
    pid=$(head -1 "$dir/postmaster.pid")
    total=0
    for p in $pid $(pgrep -P "$pid" || true); do
      kb=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
      total=$((total + ${kb:-0} * 1024))
    done
    echo "$total"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|rss DIR [PORT]" >&2
    exit 2
    ;;
esac
