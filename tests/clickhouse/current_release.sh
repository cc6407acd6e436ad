#!/usr/bin/env bash
# The scale-out tests that need one server, run on a current ClickHouse release: the report
# compiler's hand-computed metrics, the differential check against the embedded engine,
# drill-down, the desk tables and the stored folds (all but the two that drop builds on every
# server of a cluster). The server is chDB (npm `chdb`) behind scripts/chdb_http.mjs on
# loopback, started here and stopped after; Debian's package, 18.16, runs them all in
# clickhouse_tests.
#   tests/clickhouse/current_release.sh path/to/clickhouse_tests
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tests=$1
work=$(mktemp -d)
node "$root/scripts/chdb_http.mjs" 0 "$work/data" >"$work/log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  grep -q "on http://" "$work/log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.1
done
head -1 "$work/log"
address=$(sed -n 's|.* on http://\([^/]*\)/.*|\1|p' "$work/log" | head -1)
[ -n "$address" ] || { echo "chDB did not start:" >&2; cat "$work/log" >&2; exit 1; }
VORONKA_CLICKHOUSE_CURRENT=$address "$tests" \
  --gtest_filter='Compiler*:Differential.*:Drilldown*:Desk*:FoldStore*-FoldStoreTest.OnlyTheNewestTwo*:FoldStoreTest.ABuildNeverMarked*'
