#!/usr/bin/env bash
# The differential test of the engine (CTest `bench_side_differential`): the small history
# (S, 20 000 demo deals) answered by Voronka and by SQLite, DuckDB and PostgreSQL, every answer
# compared, each query run once (no timing). Installs what is missing first: Node.js, the npm
# packages (package.json) and PostgreSQL 15 (scripts/postgres.sh).
#   bench/side/check.sh VORONKA_BIN VORONKA_SIDE WORK_DIR [ENGINES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export VORONKA_BIN=$1 VORONKA_SIDE=$2
work=$3
engines=${4:-sqlite,duckdb,postgres}
rm -rf "$work"  # a fresh history from the binary under test
"$root/scripts/deps.sh" >/dev/null
if [ ! -d "$root/node_modules/@duckdb/node-api" ] || [ ! -d "$root/node_modules/better-sqlite3" ] \
   || [ ! -d "$root/node_modules/pg" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec node "$root/bench/side/run.mjs" --size S --engines "$engines" --check-only --work "$work"
