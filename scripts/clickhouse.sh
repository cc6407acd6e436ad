#!/usr/bin/env bash
# A throwaway ClickHouse server on loopback, in its own directory (for benchmarks and tests
# that need a real server; the system's /etc/clickhouse-server and /var/lib are not used).
#
#   scripts/clickhouse.sh start DIR [HTTP_PORT]  write DIR/config.xml and DIR/users.xml, start
#                                                the server on 127.0.0.1:HTTP_PORT (default
#                                                18123; native protocol on HTTP_PORT+1), wait
#                                                until it answers; prints "http://127.0.0.1:PORT/"
#   scripts/clickhouse.sh stop DIR               stop it (DIR is kept; remove it yourself)
#   scripts/clickhouse.sh rss DIR                resident memory of the server, bytes
#
# Installs Debian's clickhouse-server with apt when it is missing (18.16 on Debian 12). The
# `default` user has no password and is reachable from loopback only.
set -euo pipefail
command=${1:?usage: scripts/clickhouse.sh start|stop|rss DIR [HTTP_PORT]}
dir=${2:?usage: scripts/clickhouse.sh start|stop|rss DIR [HTTP_PORT]}
port=${3:-18123}

case "$command" in
  start)
    if ! command -v clickhouse-server >/dev/null 2>&1 && [ ! -x /usr/sbin/clickhouse-server ]; then
      sudo_cmd=()
      [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        clickhouse-server clickhouse-client >/dev/null
    fi
    mkdir -p "$dir/data" "$dir/tmp" "$dir/log"
    dir=$(cd "$dir" && pwd)
    cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$port</http_port>
  <tcp_port>$((port + 1))</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>1073741824</mark_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
</yandex>
XML
    cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
    server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
    (cd "$dir" && exec "$server" --config-file="$dir/config.xml" --pidfile="$dir/server.pid" \
       >"$dir/log/stdout.log" 2>&1 &)
    for _ in $(seq 1 120); do
      if curl -sf "http://127.0.0.1:$port/?query=SELECT%201" >/dev/null 2>&1; then
        echo "http://127.0.0.1:$port/"
        exit 0
      fi
      sleep 0.5
    done
    echo "clickhouse.sh: the server did not answer on port $port; see $dir/log" >&2
    tail -n 20 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    if [ -f "$dir/server.pid" ]; then
      pid=$(cat "$dir/server.pid")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      fi
      rm -f "$dir/server.pid"
    fi
    ;;
  rss)
    pid=$(cat "$dir/server.pid")
    echo $(( $(awk '/^VmRSS:/{print $2}' "/proc/$pid/status") * 1024 ))
    ;;
  *)
    echo "usage: scripts/clickhouse.sh start|stop|rss DIR [HTTP_PORT]" >&2
    exit 2
    ;;
esac
