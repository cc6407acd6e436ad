// BulkLoad and Engine::ApplyUnpublished: a bulk load is invisible to readers until it is
// published whole, and a failed read publishes nothing.
#include "engine/bulk_load.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ndjson.h"

namespace voronka {
namespace {

// `deals` deal records D0, D1, ... created a minute apart, each with one activity.
std::vector<Record> History(int deals) {
  std::string text =
      R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"won","name":"Won","semantic":"won"}]})"
      "\n";
  for (int d = 0; d < deals; ++d) {
    std::string id = "D" + std::to_string(d);
    std::string minute = std::to_string(10 + d % 50);
    text += R"({"type":"deal","id":")" + id +
            R"(","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T10:)" +
            minute + ":00Z\"}\n";
    text += R"({"type":"activity","id":"A)" + std::to_string(d) + R"(","kind":"call","deal_id":")" +
            id + R"(","at":"2024-03-02T10:)" + minute + ":00Z\"}\n";
  }
  ParsedBatch batch = ParseNdjson(text);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  return std::move(batch.records);
}

TEST(Engine, ApplyUnpublishedIsInvisibleUntilPublished) {
  Engine engine;
  engine.ApplyUnpublished(History(3));
  EXPECT_EQ(engine.Read().tables().deals.size(), 0);
  engine.Publish();
  EXPECT_EQ(engine.Read().tables().deals.size(), 3);
}

TEST(BulkLoad, AppliesEveryRecordInOrderAcrossChunks) {
  // 40 001 records: three chunks of the load's 16 384 and a partial one.
  std::vector<Record> history = History(20000);
  Engine engine;
  BulkLoadTimes times;
  Status status = BulkLoad(
      engine,
      [&](const RecordSink& sink) {
        for (Record record : history) sink(record);
        return Status::Ok();
      },
      &times);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(times.records, 40001);
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  EXPECT_EQ(t.deals.size(), 20000);
  EXPECT_EQ(t.activities.size(), 20000);
  // The last deal's activity, applied in the last chunk, is its last touch (2024-03-02 10:59).
  int32_t last = t.deals.ids.Find("D19999");
  ASSERT_NE(last, kNone);
  EXPECT_EQ(t.deals.last_touch[static_cast<size_t>(last)],
            ParseInstant("2024-03-02T10:59:00Z").value().micros);
}

TEST(BulkLoad, FailedReadPublishesNothing) {
  std::vector<Record> history = History(20000);
  Engine engine;
  Status status = BulkLoad(engine, [&](const RecordSink& sink) {
    for (Record record : history) sink(record);
    return Status::Error("store: the disk went away");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "store: the disk went away");
  EXPECT_EQ(engine.Read().tables().deals.size(), 0);
}

}  // namespace
}  // namespace voronka
