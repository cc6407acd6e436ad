#!/usr/bin/env bash
# The overview set on a local two-shard ClickHouse cluster (the scale-out mode) next to the
# embedded engine, on the demo history of size S (20k deals), M (200k) or L (1M); figures and
# the machine on stdout, a mismatch of any answer stops it. The cluster is started from
# scripts/clickhouse.sh on loopback and stopped after; its data stays in build/scale-out/ so a
# second run of the same size skips the import.
#   bench/scale_out.sh [S|M|L] [RUNS]
# ONLY=TEXT in the environment runs only the reports whose name contains TEXT; QUERY_TIME_FOLDS=1
# drops the stored folds, so every statement folds the facts itself (the figures before them);
# LIVE_BATCHES=K then writes K batches of 1 000 records and times the overlay fold after each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-S}
runs=${2:-5}
case $size in
  S) deals=20000 ;;
  M) deals=200000 ;;
  L) deals=1000000 ;;
  *) echo "usage: bench/scale_out.sh [S|M|L] [RUNS]" >&2; exit 2 ;;
esac
build=${BUILD_DIR:-$root/build/release}
work=$root/build/scale-out
port=${BENCH_CLICKHOUSE_PORT:-18800}
mkdir -p "$work"
"$root/bench/machine.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
CLICKHOUSE_MARK_CACHE=1073741824 "$root/scripts/clickhouse.sh" cluster-start "$work/cluster" "$port" >/dev/null
trap '"$root/scripts/clickhouse.sh" cluster-stop "$work/cluster" >/dev/null' EXIT
facts=clickhouse://127.0.0.1:$port/voronka_bench
"$build/src/cli/voronka" cluster init --facts "$facts" --cluster voronka_test >/dev/null
"$build/bench/scale_out_bench" --facts "$facts" --shard "$facts" ${QUERY_TIME_FOLDS:+--query-time-folds} \
  --shard "clickhouse://127.0.0.1:$((port + 2))/voronka_bench" \
  --deals "$deals" --runs "$runs" --work "$work" ${ONLY:+--only "$ONLY"} \
  ${LIVE_BATCHES:+--live-batches "$LIVE_BATCHES"}
for shard in 1 2; do
  echo "ClickHouse shard $shard resident: $("$root/scripts/clickhouse.sh" rss "$work/cluster/shard$shard") bytes"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
