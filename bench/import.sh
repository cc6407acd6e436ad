#!/usr/bin/env bash
# Bulk import benchmark: the demo history of DEALS deals (default 1 000 000) into a fresh data
# dir. Prints generation time, import throughput (records/s) and the import's peak memory.
# Usage: bench/import.sh [DEALS]   (run `make build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
deals=${1:-1000000}
bin=${VORONKA_BIN:-build/release/src/cli/voronka}
work=build/bench-import
rm -rf "$work" && mkdir -p "$work"
bench/machine.sh
start=$(date +%s.%N)
"$bin" demo --deals "$deals" --seed 1 --out "$work/history.ndjson"
end=$(date +%s.%N)
records=$(wc -l < "$work/history.ndjson")
bytes=$(stat -c %s "$work/history.ndjson")
echo "demo: $deals deals, $records records, $((bytes / 1048576)) MiB generated in $(echo "$end - $start" | bc) s"
"$bin" import --data "$work/data" "$work/history.ndjson" 2>&1 | tail -n 1
echo "store: $(du -sh "$work/data" | cut -f1) on disk"
