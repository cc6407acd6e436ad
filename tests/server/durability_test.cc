// Acknowledged data is never lost, also not on kill -9; a batch is never half stored.
// The server is killed with SIGKILL at random moments while a client streams batches; after
// each kill the data directory must hold every acknowledged batch whole, and every other
// batch whole or not at all.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "ingest/ndjson.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka {
namespace {

using testing::FreePort;
using testing::ServeProcess;
using testing::TempDir;

// 20 kill -9 rounds in `make test`; VORONKA_DURABILITY_ROUNDS=100 (or more) for the long run
// documented in docs/ingest.md.
int Rounds() {
  const char* rounds = std::getenv("VORONKA_DURABILITY_ROUNDS");
  int value = rounds != nullptr ? std::atoi(rounds) : 0;
  return value > 0 ? value : 20;
}
constexpr int kDealsPerBatch = 20;

constexpr std::string_view kSetup =
    R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"won","name":"Won","semantic":"won"}]}
{"type":"user","id":"u1","name":"Anna"}
)";

// A batch touching three tables: each deal with a stage change and a call.
std::string MakeBatch(const std::string& name) {
  std::string body;
  for (int k = 0; k < kDealsPerBatch; ++k) {
    std::string id = name + "_" + std::to_string(k);
    body +=
        R"({"type":"deal","id":")" + id +
        R"(","pipeline_id":"p1","stage_id":"new","amount":"100.00","responsible_id":"u1","created_at":"2024-03-01T10:00:00Z"})"
        "\n";
    body += R"({"type":"stage_change","deal_id":")" + id +
            R"(","to":"won","at":"2024-03-02T10:00:00Z"})"
            "\n";
    body += R"({"type":"activity","id":"a_)" + id +
            R"(","kind":"call","direction":"out","deal_id":")" + id +
            R"(","user_id":"u1","at":"2024-03-01T11:00:00Z","duration_s":60})"
            "\n";
  }
  return body;
}

// Batch name of a record id like "r3b17_5" or "a_r3b17_5": the part before the last '_'.
std::string BatchOf(std::string_view id) {
  if (id.substr(0, 2) == "a_") id.remove_prefix(2);
  return std::string(id.substr(0, id.rfind('_')));
}

TEST(DurabilityTest, AcknowledgedBatchesSurviveKill9) {
  ASSERT_FALSE(testing::VoronkaBinary().empty()) << "VORONKA_BIN is not set";
  TempDir dir;
  std::string token;
  {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.message();
    int64_t workspace = store.value()->EnsureDefaultWorkspace().value();
    token = store.value()->CreateIngestToken(workspace).value();
    ParsedBatch setup = ParseNdjson(kSetup);
    ASSERT_TRUE(store.value()->Apply(workspace, setup).ok());
  }

  std::mt19937 random(20241125);
  std::set<std::string> acknowledged;
  std::vector<std::string> sent;
  const int rounds = Rounds();
  for (int round = 0; round < rounds; ++round) {
    ServeProcess serve(dir.path(), FreePort());
    ASSERT_TRUE(serve.WaitReady()) << "voronka serve did not start in round " << round;

    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::thread client([&] {
      httplib::Client http("127.0.0.1", serve.port());
      httplib::Headers headers = {{"Authorization", "Bearer " + token}};
      for (int n = 0; !stop; ++n) {
        std::string name = "r" + std::to_string(round) + "b" + std::to_string(n);
        {
          std::lock_guard lock(mutex);
          sent.push_back(name);
        }
        auto response =
            http.Post("/api/v1/events", headers, MakeBatch(name), "application/x-ndjson");
        if (!response) break;  // the server is gone: this batch's fate is unknown
        ASSERT_EQ(response->status, 200) << response->body;
        std::lock_guard lock(mutex);
        acknowledged.insert(name);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 400));
    serve.Kill();
    stop = true;
    client.join();

    // Count, per batch, the deals, stage changes and activities that are stored.
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.message();
    std::map<std::string, std::array<int, 3>> stored;
    Status loaded = store.value()->Load(1, [&](const Record& record) {
      if (auto* deal = std::get_if<DealRecord>(&record.body)) stored[BatchOf(deal->id)][0]++;
      if (auto* change = std::get_if<StageChangeRecord>(&record.body)) {
        stored[BatchOf(change->deal_id)][1]++;
      }
      if (auto* activity = std::get_if<ActivityRecord>(&record.body)) {
        stored[BatchOf(activity->id)][2]++;
      }
    });
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    for (const std::string& name : sent) {
      auto it = stored.find(name);
      std::array<int, 3> counts = it == stored.end() ? std::array<int, 3>{0, 0, 0} : it->second;
      bool whole = counts == std::array<int, 3>{kDealsPerBatch, kDealsPerBatch, kDealsPerBatch};
      bool absent = counts == std::array<int, 3>{0, 0, 0};
      EXPECT_TRUE(whole || absent)
          << "batch " << name << " is partly stored: " << counts[0] << " deals, " << counts[1]
          << " stage changes, " << counts[2] << " activities";
      if (acknowledged.count(name) != 0) {
        EXPECT_TRUE(whole) << "acknowledged batch " << name << " was lost";
      }
    }
  }
  // The test means something only if batches were acknowledged before the kills.
  EXPECT_GT(acknowledged.size(), static_cast<size_t>(rounds));
}

}  // namespace
}  // namespace voronka
