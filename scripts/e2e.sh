#!/usr/bin/env bash
# Browser tests of the dashboard (tests/e2e): a real `voronka serve` on loopback over a small
# demo history, driven by Chromium through playwright-core. Builds nothing.
# Usage: scripts/e2e.sh [path/to/voronka]   (default build/release/src/cli/voronka)
# Screenshots of every page land in build/screenshots/. VORONKA_E2E_DEALS sets the size of the
# demo history (default 3000; the overview's timing is printed for it). VORONKA_E2E_FILES runs
# only the test files named (e.g. "tests/e2e/admin.test.mjs").
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
bin=${1:-build/release/src/cli/voronka}
case "$bin" in /*) ;; *) bin="$repo/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "e2e: no voronka binary at $bin (build it first: make build)" >&2
  exit 1
fi

# What the tests need and the machine may lack: Chromium, LibreOffice (to open exported XLSX
# files), and the npm packages (echarts and gridstack served to the browser, playwright-core).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/echarts ] || [ ! -d node_modules/gridstack ]; then
  echo "e2e: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d /tmp/voronka-e2e.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

data="$work/data"
deals=${VORONKA_E2E_DEALS:-3000}
"$bin" demo --deals "$deals" --seed 3 --out "$work/demo.ndjson" >/dev/null
"$bin" import --data "$data" "$work/demo.ndjson" >/dev/null
"$bin" user add --data "$data" --login admin --password demo --role admin >/dev/null
ingest_token=$("$bin" token create --data "$data" | tail -n 1)

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
serve_args=(serve --data "$data" --host 127.0.0.1 --port "$port" --web "$repo/web")
if "$bin" serve --help 2>/dev/null | grep -q -- '--vendor'; then
  serve_args+=(--vendor "$repo/node_modules")
fi
"$bin" "${serve_args[@]}" >"$work/serve.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if curl -fsS "$base/api/v1/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: voronka serve exited:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done

mkdir -p build/screenshots
status=0
VORONKA_URL="$base" VORONKA_DEMO_DEALS="$deals" VORONKA_LOGIN=admin VORONKA_PASSWORD=demo VORONKA_INGEST_TOKEN="$ingest_token" \
  VORONKA_SCREENSHOTS="$repo/build/screenshots" \
  node --test --test-concurrency=1 ${VORONKA_E2E_FILES:-tests/e2e/} || status=$?

# Stop the server the way an operator does; a sanitizer build reports what it found on exit.
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work/serve.log"; then
  echo "e2e: the server reported a sanitizer error" >&2
  status=1
fi
if [ $status -ne 0 ]; then
  echo "e2e: server log:" >&2
  tail -n 50 "$work/serve.log" >&2
fi
exit $status
