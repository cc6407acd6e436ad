// Snapshots: reports running while batches apply see the tables after some whole batch, never
// part of one, and a held version does not change under its reader.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Batch b (0-based) of a history that keeps growing and changing: 40 new deals (d<b>_<i>,
// created on day b of 2024, amount 100 + i, responsible u1..u3 in turn), 160 activities on
// them (4 each), and changes to older rows: every deal of batch b - 1 moves to "paid" (won)
// and gets amount 1000 and delivery "yes" (new deals alternate "yes" and "no"), and each
// activity of batch b - 1 is re-sent at a later time. 200
// activities per batch cross many 4 096-row segments over the 40 batches of the test.
std::string Batch(int b) {
  std::string lines;
  auto day = [](int d, int hour) {
    char text[40];
    std::snprintf(text, sizeof text, "2024-%02d-%02dT%02d:00:00Z", 1 + d / 28, 1 + d % 28, hour);
    return std::string(text);
  };
  const char* users[] = {"u1", "u2", "u3"};
  for (int i = 0; i < 40; ++i) {
    std::string id = "d" + std::to_string(b) + "_" + std::to_string(i);
    lines += json{{"type", "deal"},
                  {"id", id},
                  {"pipeline_id", "p1"},
                  {"stage_id", "taken"},
                  {"amount", std::to_string(100 + i)},
                  {"responsible_id", users[i % 3]},
                  {"created_at", day(b, 9)},
                  {"fields", {{"delivery", i % 2 == 0 ? "yes" : "no"}}}}
                 .dump() +
             "\n";
    for (int k = 0; k < 4; ++k) {
      lines += json{{"type", "activity"},
                    {"id", id + "a" + std::to_string(k)},
                    {"kind", "call"},
                    {"direction", "out"},
                    {"deal_id", id},
                    {"user_id", users[k % 3]},
                    {"at", day(b, 10 + k)}}
                   .dump() +
               "\n";
    }
    if (b == 0) continue;
    std::string old = "d" + std::to_string(b - 1) + "_" + std::to_string(i);
    lines += json{{"type", "stage_change"}, {"deal_id", old}, {"to", "paid"}, {"at", day(b, 15)}}
                 .dump() +
             "\n";
    lines += json{{"type", "deal_update"},
                  {"id", old},
                  {"at", day(b, 15)},
                  {"set", {{"amount", "1000"}, {"fields", {{"delivery", "yes"}}}}}}
                 .dump() +
             "\n";
    lines += json{{"type", "activity"},
                  {"id", old + "a0"},
                  {"kind", "call"},
                  {"direction", "out"},
                  {"deal_id", old},
                  {"user_id", "u1"},
                  {"at", day(b, 16)}}
                 .dump() +
             "\n";
  }
  return lines;
}

constexpr int kBatches = 40;

const std::vector<std::string>& Requests() {
  static const std::vector<std::string> requests = {
      R"({"metric":"created_count","period":{"from":"2024-01-01","to":"2025-01-01"},"as_of":"2025-01-01T00:00:00Z","group_by":["responsible"]})",
      R"({"metric":"won_amount","period":{"from":"2024-01-01","to":"2025-01-01"},"as_of":"2025-01-01T00:00:00Z","granularity":"month"})",
      R"({"metric":"in_work_amount","period":{"from":"2024-01-01","to":"2025-01-01"},"as_of":"2025-01-01T00:00:00Z"})",
      R"({"metric":"activity_count","period":{"from":"2024-01-01","to":"2025-01-01"},"as_of":"2025-01-01T00:00:00Z","group_by":["responsible"]})",
      R"({"metric":"deal_amount","date":"modified","period":{"from":"2024-01-01","to":"2025-01-01"},"as_of":"2025-01-01T00:00:00Z","group_by":["fields.delivery"],"filters":{"fields.delivery":{"not_in":["no"]}}})",
  };
  return requests;
}

// What one version of the tables answers: the reports, and sums read straight from columns.
json Answers(const Engine::ReadView& view) {
  json answers = json::array();
  for (const std::string& request : Requests()) {
    Result<json> answer = RunReport(view, json::parse(request), Instant{0});
    if (!answer.ok()) ADD_FAILURE() << answer.message();
    answers.push_back(answer.ok() ? answer.value() : json(answer.message()));
  }
  const Tables& t = view.tables();
  int64_t amounts = 0;
  for (int32_t deal = 0; deal < t.deals.size(); ++deal) {
    amounts += t.deals.amount.value[static_cast<size_t>(deal)];
  }
  int64_t activity_times = 0;
  for (size_t row = 0; row < t.activities.at.size(); ++row) {
    activity_times += t.activities.at[row] / kMicrosPerSecond;
  }
  answers.push_back({{"deals", t.deals.size()},
                     {"activities", t.activities.ids.size()},
                     {"amounts", amounts},
                     {"activity_times", activity_times}});
  return answers;
}

TEST(Snapshot, ReadersSeeWholeBatchesWhileBatchesApply) {
  // The answer after each prefix of batches, applied alone.
  std::vector<json> expected;
  {
    auto engine = Load(kWorkspace);
    expected.push_back(Answers(engine->Read()));
    for (int b = 0; b < kBatches; ++b) {
      Feed(*engine, Batch(b));
      expected.push_back(Answers(engine->Read()));
    }
  }
  // Every prefix answers differently (else the check below could not tell them apart).
  for (size_t k = 1; k < expected.size(); ++k) ASSERT_NE(expected[k], expected[k - 1]) << k;

  std::vector<ParsedBatch> batches;
  for (int b = 0; b < kBatches; ++b) batches.push_back(ParseNdjson(Batch(b)));
  auto engine = Load(kWorkspace);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (const ParsedBatch& batch : batches) engine->Apply(batch.records);
    done = true;
  });
  // Two readers: each takes a version, answers on it, answers again on the same version (it
  // must not have changed under them), and finds which prefix it is; versions only advance.
  std::vector<std::vector<int>> seen(2);
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      bool last = false;
      while (!last) {
        last = done;  // one more round after the writer finished: the final version
        Engine::ReadView view = engine->Read();
        json first = Answers(view);
        json again = Answers(view);
        int prefix = -1;
        for (size_t k = 0; k < expected.size(); ++k) {
          if (expected[k] == first) prefix = static_cast<int>(k);
        }
        seen[static_cast<size_t>(r)].push_back(prefix);
        if (first != again) seen[static_cast<size_t>(r)].push_back(-2);
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) reader.join();
  for (const std::vector<int>& prefixes : seen) {
    ASSERT_FALSE(prefixes.empty());
    for (size_t i = 0; i < prefixes.size(); ++i) {
      EXPECT_GE(prefixes[i], 0) << "round " << i << ": -1 a partial batch, -2 a changed version";
      if (i > 0) {
        EXPECT_GE(prefixes[i], prefixes[i - 1]) << "round " << i;
      }
    }
    EXPECT_EQ(prefixes.back(), kBatches);
  }
}

TEST(Snapshot, AHeldVersionOutlivesLaterBatches) {
  auto engine = Load(kWorkspace);
  Feed(*engine, Batch(0));
  Engine::ReadView held = engine->Read();
  json before = Answers(held);
  for (int b = 1; b < 6; ++b) Feed(*engine, Batch(b));
  // Batch 1 re-timed every activity of batch 0 and won its deals at amount 1000; the held
  // version still has 40 deals at 100..139 (sum 4 780, in kopecks 478 000) and 160 activities.
  EXPECT_EQ(Answers(held), before);
  EXPECT_EQ(before.back()["deals"], 40);
  EXPECT_EQ(before.back()["activities"], 160);
  EXPECT_EQ(before.back()["amounts"], 478000);
  json now = Answers(engine->Read());
  EXPECT_EQ(now.back()["deals"], 240);
  EXPECT_EQ(now.back()["activities"], 960);
  // Deals of batches 0..4 were won at 1000, batch 5's 40 deals are at 100..139:
  // 200 × 1 000 + 4 780 = 204 780 roubles.
  EXPECT_EQ(now.back()["amounts"], 20478000);
}

}  // namespace
}  // namespace voronka::testing
