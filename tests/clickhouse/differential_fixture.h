// The differential tests' set-up: a fresh database of the shared test cluster, and random
// histories written into it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "clickhouse/fact_writer.h"
#include "clickhouse/schema.h"
#include "testing/clickhouse_server.h"

namespace voronka::testing {

// Every how many cases the differential tests run: 1 (all) unless VORONKA_CLICKHOUSE_SAMPLE
// says more. `make test` runs them all in the release build and a sample under the
// sanitizers, where the time goes to ClickHouse analysing the same statements again.
inline size_t SampleStep() {
  const char* step = std::getenv("VORONKA_CLICKHOUSE_SAMPLE");
  int parsed = step == nullptr ? 1 : std::atoi(step);
  return parsed > 1 ? static_cast<size_t>(parsed) : 1;
}

// Loads `lines` into ClickHouse as workspace `ws` through the fact writer, in batches of 1..40
// records: the directory first, then the deals, their tasks, then everything else shuffled
// (references must be defined before they are used, arrival order is free otherwise); and one batch
// written but never committed (a won deal that would change every number).
// `between`, when given, runs after the batches that end each quarter of the lines but the
// last (e.g. to build a stored fold on part of the history).
inline void LoadFacts(const clickhouse::Client& client, const std::string& ws,
                      std::vector<std::string> lines, std::mt19937& rng,
                      const std::function<void()>& between = nullptr) {
  auto rank = [](const std::string& line) {
    std::string type = nlohmann::json::parse(line)["type"];
    if (type == "workspace" || type == "department" || type == "user" || type == "pipeline") {
      return 0;
    }
    return type == "deal" ? 1 : type == "task" ? 2 : 3;
  };
  std::shuffle(lines.begin(), lines.end(), rng);
  std::stable_sort(lines.begin(), lines.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  for (size_t i = 0; i < lines.size();) {
    size_t size = 1 + rng() % 40;
    std::string ndjson;
    for (size_t j = i; j < std::min(lines.size(), i + size); ++j) ndjson += lines[j] + "\n";
    clickhouse::WriteResult written = clickhouse::WriteNdjson(client, ws, ndjson);
    ASSERT_TRUE(written.ok()) << written.status.message()
                              << (written.errors.empty() ? "" : written.errors.front());
    size_t quarter = lines.size() / 4 + 1;
    if (between && i / quarter != (i + size) / quarter && i + size < lines.size()) between();
    i += size;
  }
  clickhouse::WriteResult ghost = clickhouse::WriteNdjson(
      client, ws,
      R"({"type":"deal","id":"GHOST","title":"Never committed","pipeline_id":"p1","stage_id":"taken","amount":"1000.00","responsible_id":"u1","created_at":"2024-03-03T10:00:00Z"})"
      "\n",
      [] { return Status::Error("the writer stopped before the commit"); });
  ASSERT_FALSE(ghost.ok());
}

// The server the tests run on instead of the shared cluster, when VORONKA_CLICKHOUSE_CURRENT
// names one (HOST:PORT, one server holding every table: tests/clickhouse/current_release.sh);
// empty otherwise.
inline std::string CurrentReleaseServer() {
  const char* server = std::getenv("VORONKA_CLICKHOUSE_CURRENT");
  return server == nullptr ? "" : server;
}

// Database `database` on shard 1 or 2 of the shared cluster; on the one server, either way,
// of VORONKA_CLICKHOUSE_CURRENT when it is set.
inline clickhouse::Client TestShard(const ClickHouseCluster* cluster, const std::string& database,
                                    int shard) {
  std::string url = CurrentReleaseServer().empty()
                        ? cluster->url(database, shard)
                        : "clickhouse://" + CurrentReleaseServer() + "/" + database;
  return clickhouse::Client(clickhouse::ParseUrl(url).value());
}

// Drops `database` and makes every table of it again (TestShard's servers).
inline Status FreshDatabase(const ClickHouseCluster* cluster, const std::string& database) {
  for (int shard : {1, 2}) {
    (void)TestShard(cluster, database, shard).ExecuteIn("", "DROP DATABASE IF EXISTS " + database);
  }
  std::vector<clickhouse::Endpoint> servers;
  if (!CurrentReleaseServer().empty()) servers.push_back(TestShard(cluster, database, 1).endpoint());
  return clickhouse::InitCluster(TestShard(cluster, database, 1), ClickHouseCluster::kName,
                                 servers);
}

// Starts the shared cluster unless the tests run on VORONKA_CLICKHOUSE_CURRENT.
#define VORONKA_START_TEST_CLICKHOUSE(cluster)                                   \
  do {                                                                           \
    if (::voronka::testing::CurrentReleaseServer().empty()) {                    \
      VORONKA_START_CLICKHOUSE(cluster);                                         \
    }                                                                            \
  } while (false)

// A test on database `database` of the shared cluster, dropped and made again before it runs.
class FreshDatabaseTest : public ::testing::Test {
 protected:
  explicit FreshDatabaseTest(std::string database) : database_(std::move(database)) {}
  void SetUp() override {
    VORONKA_START_TEST_CLICKHOUSE(cluster_);
    Status init = FreshDatabase(cluster_, database_);
    ASSERT_TRUE(init.ok()) << init.message();
  }
  clickhouse::Client Shard(int shard = 1) const { return TestShard(cluster_, database_, shard); }
  ClickHouseCluster* cluster_ = nullptr;
  std::string database_;
};

}  // namespace voronka::testing
