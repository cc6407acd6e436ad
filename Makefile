# Voronka: `make demo` runs the product on demo data, `make test` runs every test.
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
DEMO_DATA ?= build/demo-data
DEMO_DEALS ?= 20000
PORT ?= 8080

.PHONY: all deps build build-asan test demo bench clean

all: build

deps:
	@scripts/deps.sh
	@[ -d node_modules/echarts ] && [ -d node_modules/gridstack ] && [ -d node_modules/playwright-core ] \
	  && [ -d node_modules/@duckdb/node-api ] && [ -d node_modules/better-sqlite3 ] && [ -d node_modules/pg ] \
	  && [ -d node_modules/chdb ] || npm ci --no-audit --no-fund --loglevel=error

$(RELEASE)/Makefile: CMakeLists.txt
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

$(ASAN)/Makefile: CMakeLists.txt
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DVORONKA_SANITIZE=ON >/dev/null

build: deps $(RELEASE)/Makefile
	cmake --build $(RELEASE) -j $(JOBS)

build-asan: deps $(ASAN)/Makefile
	cmake --build $(ASAN) -j $(JOBS)

# Every test twice: the optimised build, then ASan+UBSan (the ClickHouse differential tests on
# every fifth case there: the full set ran in the release build); then the dashboard in a real
# browser.
test: build build-asan
	cd $(RELEASE) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  VORONKA_CLICKHOUSE_SAMPLE=5 ctest --output-on-failure -j $(JOBS)
	scripts/e2e.sh $(RELEASE)/src/cli/voronka

# Two years of generated history in a fresh data dir, served on http://127.0.0.1:$(PORT).
demo: build
	rm -rf $(DEMO_DATA)
	mkdir -p $(dir $(DEMO_DATA))
	$(RELEASE)/src/cli/voronka demo --deals $(DEMO_DEALS) --out $(DEMO_DATA).ndjson
	$(RELEASE)/src/cli/voronka import --data $(DEMO_DATA) $(DEMO_DATA).ndjson
	$(RELEASE)/src/cli/voronka user add --data $(DEMO_DATA) --login admin --password demo --role admin
	@echo "Open http://127.0.0.1:$(PORT) and log in as admin / demo"
	$(RELEASE)/src/cli/voronka serve --data $(DEMO_DATA) --port $(PORT)

bench: build
	bench/run.sh

clean:
	rm -rf build
