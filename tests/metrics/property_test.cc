// Property: random histories applied in random orders and random batch splits give the same
// answers as the same history loaded at once (metrics depend on timestamps, not arrival).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "metrics/catalog.h"
#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class HistoryGenerator {
 public:
  explicit HistoryGenerator(uint32_t seed) : rng_(seed) {}

  std::vector<std::string> Generate(int deals) {
    std::vector<std::string> lines;
    const char* stages[] = {"taken",  "request", "invoice", "awaiting", "paid",
                            "failed", "r_new",   "r_done",  "r_lost"};
    const char* users[] = {"u1", "u2", "u3"};
    const char* kinds[] = {"call", "email", "meeting", "comment", "chat", "nps"};
    const char* directions[] = {"in", "out", "none"};
    for (int d = 0; d < deals; ++d) {
      std::string id = "D" + std::to_string(d);
      int64_t created = Time(0, 150);
      json deal = {{"type", "deal"},
                   {"id", id},
                   {"title", "Deal " + std::to_string(d)},
                   {"pipeline_id", "p1"},
                   {"stage_id", stages[Pick(4)]},
                   {"amount", std::to_string(Pick(100000)) + "." + std::to_string(10 + Pick(90))},
                   {"responsible_id", users[Pick(3)]},
                   {"created_at", Stamp(created)}};
      if (Pick(3) > 0) deal["company_id"] = "c" + std::to_string(Pick(4));
      if (Pick(2) > 0) deal["contact_id"] = "k" + std::to_string(Pick(3));
      if (Pick(2) > 0) deal["source"] = Pick(2) ? "web" : "cold";
      if (Pick(2) > 0) deal["fields"] = {{"tags", Pick(2) ? json{"vip", "b2b"} : json{"b2b"}}};
      lines.push_back(deal.dump());
      int64_t at = created;
      for (int k = Pick(5); k > 0; --k) {
        at = After(at);
        lines.push_back(json{{"type", "stage_change"},
                             {"deal_id", id},
                             {"to", stages[Pick(9)]},
                             {"at", Stamp(at)},
                             {"by", users[Pick(3)]}}
                            .dump());
      }
      for (int k = Pick(3); k > 0; --k) {
        json set = {{"amount", std::to_string(Pick(5000))}};
        if (Pick(2)) set["responsible_id"] = users[Pick(3)];
        if (Pick(2)) set["fields"] = {{"tags", Pick(2) ? json(nullptr) : json{"vip"}}};
        lines.push_back(json{
            {"type", "deal_update"},
            {"id", id},
            {"at", Stamp(After(created))},
            {"set", set}}.dump());
      }
      for (int k = Pick(4); k > 0; --k) {
        json activity = {{"type", "activity"},
                         {"id", id + "a" + std::to_string(k)},
                         {"kind", kinds[Pick(6)]},
                         {"direction", directions[Pick(3)]},
                         {"deal_id", id},
                         {"user_id", users[Pick(3)]},
                         {"at", Stamp(After(created))}};
        if (activity["kind"] == "nps") activity["score"] = Pick(11);
        lines.push_back(activity.dump());
      }
      if (Pick(2)) {
        int64_t task_created = After(created);
        int64_t deadline = After(task_created);
        json task = {{"type", "task"},
                     {"id", id + "t"},
                     {"deal_id", id},
                     {"user_id", users[Pick(3)]},
                     {"created_at", Stamp(task_created)},
                     {"deadline", Stamp(deadline)},
                     {"completed_at", nullptr}};
        lines.push_back(task.dump());
        if (Pick(2)) {
          int64_t done = After(task_created);
          lines.push_back(json{{"type", "task_update"},
                               {"id", id + "t"},
                               {"at", Stamp(done)},
                               {"set", {{"completed_at", Stamp(done)}}}}
                              .dump());
        }
      }
    }
    return lines;
  }

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::mt19937& rng() { return rng_; }

 private:
  // A unique second between day `from` and day `to` of 2024 (unique, so no two events tie).
  int64_t Time(int from, int to) {
    while (true) {
      int64_t t = 1704067200 + int64_t{from} * 86400 + Pick((to - from) * 86400);
      if (used_.insert(t).second) return t;
    }
  }
  int64_t After(int64_t t) {
    int day = static_cast<int>((t - 1704067200) / 86400);
    return Time(day + 1, day + 30);
  }
  static std::string Stamp(int64_t seconds) {
    return FormatInstant(Instant{seconds * kMicrosPerSecond});
  }

  std::mt19937 rng_;
  std::set<int64_t> used_;
};

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
  std::vector<std::string> workspace;
  for (size_t start = 0; start < kWorkspace.size();) {
    size_t end = kWorkspace.find('\n', start);
    if (end == std::string_view::npos) end = kWorkspace.size();
    if (end > start) workspace.emplace_back(kWorkspace.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::string> requests = Requests();
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    HistoryGenerator generator(seed);
    std::vector<std::string> lines = workspace;
    for (std::string& line : generator.Generate(30)) lines.push_back(std::move(line));

    std::string all;
    for (const std::string& line : lines) all += line + "\n";
    auto at_once = Load(all);

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
