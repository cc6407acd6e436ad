#!/usr/bin/env bash
# Throwaway ClickHouse servers on loopback, each in its own directory (for benchmarks and tests
# that need a real server; the system's /etc/clickhouse-server and /var/lib are not used).
#
#   scripts/clickhouse.sh start DIR [HTTP_PORT]  write DIR/config.xml and DIR/users.xml, start
#                                                the server on 127.0.0.1:HTTP_PORT (default
#                                                18123; native protocol on HTTP_PORT+1), wait
#                                                until it answers; prints "http://127.0.0.1:PORT/"
#   scripts/clickhouse.sh stop DIR               stop it (DIR is kept; remove it yourself)
#   scripts/clickhouse.sh rss DIR                resident memory of the server, bytes
#
#   scripts/clickhouse.sh cluster-start DIR BASE_PORT [CLUSTER]
#       a cluster of two shards (one replica each) on loopback, named CLUSTER (default
#       voronka_test) in both servers' <remote_servers>: shard 1 in DIR/shard1 on HTTP port
#       BASE_PORT (native BASE_PORT+1), shard 2 in DIR/shard2 on BASE_PORT+2 (native +3).
#       Waits until both answer; prints one "http://127.0.0.1:PORT/" line per shard. Starting
#       again after cluster-stop keeps the data; a shard still running is left alone (so
#       `stop DIR/shard2` then cluster-start restarts just that shard). Small caches: tests
#       start it.
#       CLICKHOUSE_MARK_CACHE=BYTES sets each shard's mark cache (64 MiB by default; benchmarks
#       give more).
#       CLICKHOUSE_QUERY_LOG=1 keeps every statement in each shard's system.query_log (to see where
#       a benchmark's time goes).
#       With CLICKHOUSE_OWNER_PID=PID in the environment, the cluster is stopped when process
#       PID ends (tests set it, so that a crashed test leaves no servers behind).
#   scripts/clickhouse.sh cluster-stop DIR       stop both (DIR is kept)
#
# Installs Debian's clickhouse-server with apt when it is missing (18.16 on Debian 12). The
# `default` user has no password and is reachable from loopback only. Runs as any user, root
# included, and without a terminal (CI).
set -euo pipefail
usage="usage: scripts/clickhouse.sh start|stop|rss DIR [HTTP_PORT] | cluster-start DIR BASE_PORT [CLUSTER] | cluster-stop DIR"
command=${1:?$usage}
dir=${2:?$usage}

install_if_missing() {
  if ! command -v clickhouse-server >/dev/null 2>&1 && [ ! -x /usr/sbin/clickhouse-server ]; then
    local sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
      clickhouse-server clickhouse-client >/dev/null
  fi
}

# write_config DIR HTTP_PORT MARK_CACHE_BYTES EXTRA_XML PROFILE_XML
write_config() {
  local dir=$1 port=$2 mark_cache=$3 extra=$4 profile=$5
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log"
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
  <mark_cache_size>$mark_cache</mark_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
$extra
</yandex>
XML
  cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage>$profile</default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
}

# launch DIR: starts the server configured in DIR in the background.
launch() {
  local dir=$1 server
  server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
  rm -f "$dir/server.pid"
  (cd "$dir" && exec "$server" --config-file="$dir/config.xml" --pidfile="$dir/server.pid" \
     >"$dir/log/stdout.log" 2>&1 </dev/null &)
}

# wait_until_answering DIR HTTP_PORT: 0 once the server answers, 1 after a minute.
wait_until_answering() {
  local dir=$1 port=$2
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/?query=SELECT%201" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "clickhouse.sh: the server did not answer on port $port; see $dir/log" >&2
  tail -n 20 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null || true
  return 1
}

# stop_servers DIR...: SIGTERM to each, then waits for all (in parallel). A server that still
# runs after 2 s is killed: 18.16 waits up to 10 s for the connections shards keep to each
# other, and a kill loses nothing acknowledged (a MergeTree part is written, then renamed).
stop_servers() {
  local pids=() d pid
  for d in "$@"; do
    if [ -f "$d/server.pid" ]; then
      pid=$(cat "$d/server.pid")
      kill "$pid" 2>/dev/null && pids+=("$pid")
      rm -f "$d/server.pid"
    fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}

case "$command" in
  start)
    port=${3:-18123}
    install_if_missing
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    write_config "$dir" "$port" 1073741824 "" ""
    launch "$dir"
    wait_until_answering "$dir" "$port"
    echo "http://127.0.0.1:$port/"
    ;;
  stop)
    stop_servers "$dir"
    ;;
  rss)
    pid=$(cat "$dir/server.pid")
    echo $(( $(awk '/^VmRSS:/{print $2}' "/proc/$pid/status") * 1024 ))
    ;;
  cluster-start)
    base=${3:?$usage}
    cluster=${4:-voronka_test}
    install_if_missing
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    remote="  <remote_servers><$cluster>"
    for shard in 1 2; do
      remote+="<shard><replica><host>127.0.0.1</host><port>$((base + 2 * shard - 1))</port></replica></shard>"
    done
    remote+="</$cluster></remote_servers>"
    # Small caches and few background threads: a test cluster holds kilobytes.
    profile="<background_pool_size>2</background_pool_size><background_schedule_pool_size>2</background_schedule_pool_size>"
    query_log=""
    if [ "${CLICKHOUSE_QUERY_LOG:-0}" = 1 ]; then
      profile+="<log_queries>1</log_queries>"
      query_log="
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>"
    fi
    for shard in 1 2; do
      # A shard still running (after `stop DIR/shardN` of the other one) is left as it is.
      if [ -f "$dir/shard$shard/server.pid" ] && kill -0 "$(cat "$dir/shard$shard/server.pid")" 2>/dev/null; then
        continue
      fi
      write_config "$dir/shard$shard" $((base + 2 * shard - 2)) "${CLICKHOUSE_MARK_CACHE:-67108864}" \
        "$remote
  <uncompressed_cache_size>16777216</uncompressed_cache_size>$query_log" "$profile"
      launch "$dir/shard$shard"
    done
    for shard in 1 2; do
      if ! wait_until_answering "$dir/shard$shard" $((base + 2 * shard - 2)); then
        stop_servers "$dir/shard1" "$dir/shard2"
        exit 1
      fi
    done
    # A test binary that crashes never stops its cluster: with CLICKHOUSE_OWNER_PID set, a
    # watcher stops the cluster once that process is gone (detached from our output, so a
    # caller reading it to the end does not wait for the watcher).
    if [ -n "${CLICKHOUSE_OWNER_PID:-}" ]; then
      (while kill -0 "$CLICKHOUSE_OWNER_PID" 2>/dev/null; do sleep 1; done
       stop_servers "$dir/shard1" "$dir/shard2") </dev/null >/dev/null 2>&1 &
    fi
    for shard in 1 2; do echo "http://127.0.0.1:$((base + 2 * shard - 2))/"; done
    ;;
  cluster-stop)
    stop_servers "$dir/shard1" "$dir/shard2"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
