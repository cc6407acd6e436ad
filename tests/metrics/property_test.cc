// Property: random histories applied in random orders and random batch splits give the same
// answers as the same history loaded at once (metrics depend on timestamps, not arrival).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "metrics/catalog.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

std::vector<std::string> Requests() {
  std::vector<std::string> requests;
  for (const MetricInfo& metric : AllMetrics()) {
    for (const char* as_of : {"2024-04-15T12:00:00Z", "2024-09-01T00:00:00Z"}) {
      json request = {{"metric", metric.name},
                      {"period", {{"from", "2024-01-01"}, {"to", "2024-07-01"}}},
                      {"as_of", as_of},
                      {"granularity", "month"},
                      {"group_by", {"responsible"}},
                      {"filters", {{"pipeline", {"p1"}}}},
                      {"compare", "previous_period"}};
      requests.push_back(request.dump());
      request["group_by"] = {"fields.tags"};
      request.erase("granularity");
      request["forgotten_days"] = 10;
      requests.push_back(request.dump());
    }
  }
  return requests;
}

TEST(Property, ArrivalOrderAndBatchesDoNotChangeAnswers) {
  std::vector<std::string> requests = Requests();
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    HistoryGenerator generator(seed);
    std::vector<std::string> lines = WorkspaceWithHistory(generator, 30);

    auto at_once = Load(JoinLines(lines));

    // The histories are not trivial: deals are won and moved through p1 in the period.
    json won = Report(
        *at_once,
        R"({"metric":"won_count","period":{"from":"2024-01-01","to":"2024-07-01"},"as_of":"2024-09-01T00:00:00Z"})");
    EXPECT_GT(won["total"].get<int64_t>(), 0);
    json moves = Report(
        *at_once,
        R"({"metric":"stage_time_days","period":{"from":"2024-01-01","to":"2024-07-01"},"as_of":"2024-09-01T00:00:00Z"})");
    EXPECT_FALSE(moves["total"].is_null());

    std::shuffle(lines.begin(), lines.end(), generator.rng());
    Engine in_batches;
    for (size_t i = 0; i < lines.size();) {
      size_t size = 1 + static_cast<size_t>(generator.Pick(12));
      std::string batch;
      for (size_t j = i; j < std::min(lines.size(), i + size); ++j) batch += lines[j] + "\n";
      Feed(in_batches, batch);
      i += size;
    }
    for (const std::string& request : requests) {
      EXPECT_EQ(Report(in_batches, request), Report(*at_once, request))
          << "seed " << seed << " " << request;
      if (request.find("goal_progress") != std::string::npos) continue;
      EXPECT_EQ(Drill(in_batches, request), Drill(*at_once, request))
          << "seed " << seed << " " << request;
    }
  }
}

}  // namespace
}  // namespace voronka::testing
