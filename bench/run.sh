#!/usr/bin/env bash
# `make bench`: the side-by-side benchmark (bench/side/run.mjs) at size S, M or L (default S)
# against SQLite, DuckDB, PostgreSQL and ClickHouse; figures and the machine on stdout,
# a mismatch of any answer stops it. ENGINES=sqlite,duckdb ... picks the databases.
#   bench/run.sh [S|M|L] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-S}
runs=${2:-5}
engines=${ENGINES:-sqlite,duckdb,postgres,clickhouse}
export VORONKA_BIN=${VORONKA_BIN:-$root/build/release/src/cli/voronka}
export VORONKA_SIDE=${VORONKA_SIDE:-$root/build/release/bench/voronka_side}
if [ ! -d "$root/node_modules/@duckdb/node-api" ] || [ ! -d "$root/node_modules/better-sqlite3" ] \
   || [ ! -d "$root/node_modules/pg" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$root/bench/side/run.mjs" --size "$size" --runs "$runs" --engines "$engines" \
  --work "$root/build/side-$size"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
