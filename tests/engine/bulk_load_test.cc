// BulkLoad and Engine::ApplyUnpublished: a bulk load is invisible to readers until it is
// published whole, and a failed read publishes nothing.
#include "engine/bulk_load.h"

#include <gtest/gtest.h>

#include <map>
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

std::vector<Record> Records(const std::string& text) {
  ParsedBatch batch = ParseNdjson(text);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  return std::move(batch.records);
}

std::string Activity(const std::string& id, const std::string& at, const std::string& user) {
  std::string line = R"({"type":"activity","id":")" + id + R"(","kind":"call","at":")" + at + "\"";
  if (!user.empty()) line += R"(,"user_id":")" + user + "\"";
  return line + "}\n";
}

// Per user text ("" for none), the activities counted in [from, to) by the hourly counts.
std::map<std::string, int64_t> HourlyCounts(const Tables& t, const std::string& from,
                                            const std::string& to) {
  std::map<std::string, int64_t> counts;
  t.activities.hourly.ForEachUserCount(
      ParseInstant(from).value().micros, ParseInstant(to).value().micros,
      [&](int32_t user, int64_t count) { counts[std::string(t.users.ids.Text(user))] += count; });
  return counts;
}

// The activity ids the time index files under the weeks overlapping [from, to), in its order.
std::vector<std::string> Filed(const Tables& t, const std::string& from, const std::string& to) {
  std::vector<std::string> ids;
  t.activities.at_index.ForEachCandidate(
      ParseInstant(from).value().micros, ParseInstant(to).value().micros,
      [&](int32_t row) { ids.emplace_back(t.activities.ids.Text(row)); });
  return ids;
}

TEST(BulkLoad, FilesNewActivitiesByWeekAsApplyDoes) {
  // A0 is applied before the load; the load re-sends it at another time and user, and re-sends
  // its own A2 moved too. One activity lies before 1970 (a negative week), one has no user.
  std::string before = Activity("A0", "2024-03-04T09:00:00Z", "u1");
  std::string load =
      Activity("A1", "2024-03-04T09:30:00Z", "u1") + Activity("A2", "2024-03-12T15:00:00Z", "u2") +
      Activity("A3", "1969-12-20T00:00:00Z", "") + Activity("A4", "2024-03-12T15:59:00Z", "u2") +
      Activity("A0", "2024-05-01T10:00:00Z", "u2") + Activity("A2", "2024-04-01T08:00:00Z", "u1");
  Engine loaded;
  loaded.Apply(Records(before));
  std::vector<Record> records = Records(load);
  ASSERT_TRUE(BulkLoad(loaded, [&](const RecordSink& sink) {
                for (Record record : records) sink(record);
                return Status::Ok();
              }).ok());
  Engine one_by_one;
  for (const Record& record : Records(before + load)) one_by_one.Apply({record});

  Engine::ReadView view = loaded.Read();
  const Tables& t = view.tables();
  // By hand: u1 has A1 (03-04 09h) and A2 (04-01 08h), u2 has A4 (03-12 15h) and A0
  // (05-01 10h); A3 has no user. A0 left 03-04 09h and A2 left 03-12 15h.
  std::map<std::string, int64_t> all = {{"", 1}, {"u1", 2}, {"u2", 2}};
  EXPECT_EQ(HourlyCounts(t, "1969-01-06T00:00:00Z", "2025-01-06T00:00:00Z"), all);
  std::map<std::string, int64_t> nine = {{"u1", 1}};
  EXPECT_EQ(HourlyCounts(t, "2024-03-04T09:00:00Z", "2024-03-04T10:00:00Z"), nine);
  std::map<std::string, int64_t> fifteen = {{"u2", 1}};
  EXPECT_EQ(HourlyCounts(t, "2024-03-12T15:00:00Z", "2024-03-12T16:00:00Z"), fifteen);
  EXPECT_EQ(Filed(t, "2024-03-04T00:00:00Z", "2024-03-05T00:00:00Z"),
            std::vector<std::string>{"A1"});
  EXPECT_EQ(Filed(t, "1969-12-20T00:00:00Z", "1969-12-21T00:00:00Z"),
            std::vector<std::string>{"A3"});
  EXPECT_EQ(t.activities.at_index.size(), 5);

  Engine::ReadView reference = one_by_one.Read();
  const Tables& r = reference.tables();
  EXPECT_EQ(HourlyCounts(t, "1969-01-06T00:00:00Z", "2025-01-06T00:00:00Z"),
            HourlyCounts(r, "1969-01-06T00:00:00Z", "2025-01-06T00:00:00Z"));
  EXPECT_EQ(Filed(t, "1969-01-06T00:00:00Z", "2025-01-06T00:00:00Z"),
            Filed(r, "1969-01-06T00:00:00Z", "2025-01-06T00:00:00Z"));
  // The next batch after the load files its activities as they come.
  loaded.Apply(Records(Activity("A5", "2024-03-04T09:10:00Z", "u1")));
  EXPECT_EQ(Filed(loaded.Read().tables(), "2024-03-04T00:00:00Z", "2024-03-05T00:00:00Z"),
            (std::vector<std::string>{"A1", "A5"}));
}

TEST(BulkLoad, SeveralReadsApplyEveryRecordOfEach) {
  std::vector<Record> history = History(20000);  // 40 001 records
  std::vector<Record> first(history.begin(), history.begin() + 25000);
  std::vector<Record> second(history.begin() + 25000, history.end());
  auto read = [](const std::vector<Record>& records) {
    return [&records](RecordSlots& slots) {
      for (Record record : records) slots.Put(record);
      return Status::Ok();
    };
  };
  Engine engine;
  BulkLoadTimes times;
  ASSERT_TRUE(BulkLoad(engine, {read(first), read(second)}, &times).ok());
  EXPECT_EQ(times.records, 40001);
  EXPECT_EQ(engine.Read().tables().deals.size(), 20000);
  EXPECT_EQ(engine.Read().tables().activities.size(), 20000);

  Engine failed;
  Status status = BulkLoad(
      failed, {read(first), [](RecordSlots&) { return Status::Error("store: part 1 failed"); }});
  EXPECT_EQ(status.message(), "store: part 1 failed");
  EXPECT_EQ(failed.Read().tables().deals.size(), 0);
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
