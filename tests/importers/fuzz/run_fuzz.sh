#!/usr/bin/env bash
# run_fuzz.sh FUZZER NAME RUNS WORKDIR [FLAGS...]: runs a fuzzer on RUNS inputs (-1: no limit)
# mutated from a seed corpus made of the fixtures of NAME (bitrix24, amocrm: "<page path>\n
# <page text>" per page; csv: the CSV files), for at most 8 s unless FLAGS are given (e.g.
# -max_total_time=3600, see docs/import.md). A crash or a failed check exits non-zero with the
# input saved in WORKDIR.
set -euo pipefail
fuzzer=$1 name=$2 runs=$3 work=$4
shift 4
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-max_total_time=8)
fixtures="$(cd "$(dirname "$0")/.." && pwd)/fixtures/$name"
rm -rf "$work" && mkdir -p "$work/corpus"
if [ "$name" = csv ]; then
  cp "$fixtures"/*.csv "$work/corpus/"
else
  (cd "$fixtures" && find . -name '*.json' | sed 's|^\./||' | sort) | while read -r page; do
    { printf '%s\n' "$page"; cat "$fixtures/$page"; } > "$work/corpus/$(echo "$page" | tr / _)"
  done
fi
cd "$work"
exec "$fuzzer" -runs="$runs" -seed=1 -max_len=65536 -artifact_prefix="$work/" "${flags[@]}" \
  corpus
