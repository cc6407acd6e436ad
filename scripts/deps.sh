#!/usr/bin/env bash
# Installs what the build and the tests need and is missing; a no-op when all is there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config tzdata sqlite3
  libsqlite3-dev libsimdjson-dev nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
  libhowardhinnant-date-dev libxlsxwriter-dev libsodium-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev curl zlib1g-dev
  clang  # the importers' libFuzzer targets (tests/importers/fuzz)
  libpq-dev  # the PostgreSQL metadata store (src/store/postgres)
  postgresql-15 postgresql-client-15  # the side-by-side differential test (bench/side)
  clickhouse-server  # the scale-out fact store's tests (tests/clickhouse) and the benchmark
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js and npm bring the dashboard's chart and grid libraries; any install of them will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
