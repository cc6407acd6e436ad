#!/usr/bin/env bash
# run_fuzz.sh FUZZER NAME RUNS WORKDIR: runs a fuzzer on RUNS inputs (at most 10 s) mutated from
# a seed corpus made of the fixtures of NAME (bitrix24, amocrm: "<page path>\n<page text>" per
# page; csv: the CSV files). A crash or a failed check exits non-zero with the input saved in
# WORKDIR. For a long run, pass -max_total_time=3600 instead (see docs/import.md).
set -euo pipefail
fuzzer=$1 name=$2 runs=$3 work=$4
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
exec "$fuzzer" -runs="$runs" -max_total_time=10 -seed=1 -max_len=65536 \
  -artifact_prefix="$work/" corpus
