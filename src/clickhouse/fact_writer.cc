#include "clickhouse/fact_writer.h"

#include <atomic>
#include <chrono>
#include <random>

#include "clickhouse/fact_rows.h"
#include "clickhouse/schema.h"
#include "clickhouse/stored_catalog.h"
#include "ingest/defined_ids.h"
#include "model/clock.h"

namespace voronka::clickhouse {

namespace {



Status Insert(const Client& client, std::string_view table, const std::string& body) {
  if (body.empty()) return Status::Ok();
  return client.Execute("INSERT INTO " + std::string(table) + " FORMAT TabSeparated", body,
                        kSyncInsert);
}

}  // namespace

uint64_t NewBatchId() {
  static std::atomic<uint64_t> last{0};
  static thread_local std::mt19937 noise{std::random_device{}()};
  uint64_t id = (static_cast<uint64_t>(NowMicros()) << 10) | (noise() & 1023);
  uint64_t previous = last.load();
  for (;;) {
    uint64_t next = id > previous ? id : previous + 1;
    if (last.compare_exchange_weak(previous, next)) return next;
  }
}

BatchWriter::BatchWriter(const Client& client, std::string ws)
    : client_(client), ws_(std::move(ws)), batch_(NewBatchId()) {}

WriteResult BatchWriter::Add(ParsedBatch& chunk, const Catalog& also_defined) {
  WriteResult result;
  // With syntax errors the references are checked too, so that every error is listed at once,
  // as the embedded store does.
  Result<StoredCatalog> stored = StoredCatalog::Load(client_, ws_, chunk, also_defined);
  if (!stored.ok()) {
    result.status = stored.status();
    return result;
  }
  ValidateReferences(chunk, EitherCatalog(also_defined, *stored));
  if (!chunk.ok()) {
    result.errors = chunk.errors;
    return result;
  }

  std::unordered_set<std::string> event_ids;
  for (const Record& record : chunk.records) {
    if (record.event_id) event_ids.insert(*record.event_id);
  }
  Result<std::unordered_set<std::string>> applied_before =
      ExistingIds(client_, ws_, "events", "event_id", event_ids);
  if (!applied_before.ok()) {
    result.status = applied_before.status();
    return result;
  }

  FactRows rows(ws_, batch_);
  for (size_t i = 0; i < chunk.records.size(); ++i) {
    const Record& record = chunk.records[i];
    if (record.event_id && (applied_before->contains(*record.event_id) ||
                            !event_ids_.insert(*record.event_id).second)) {
      ++result.skipped;
      continue;
    }
    rows.Add(record, static_cast<uint32_t>(chunk.lines[i]));
    ++result.applied;
  }
  const std::vector<TableSchema>& tables = FactTables();
  for (size_t table = 0; table < kFactTableCount; ++table) {
    Status inserted = Insert(client_, tables[table].name, rows.body(static_cast<FactTable>(table)));
    if (!inserted.ok()) {
      result.status = inserted;
      return result;
    }
  }
  applied_ += result.applied;
  result.batch = batch_;
  return result;
}

Status BatchWriter::Commit() {
  if (before_commit) {
    Status hook = before_commit();
    if (!hook.ok()) return hook;
  }
  std::string row;
  AppendTsv(row, ws_);
  row += '\t' + std::to_string(batch_) + '\t' + std::to_string(NowMicros()) + '\n';
  return Insert(client_, "batches", row);
}

WriteResult WriteBatch(const Client& client, std::string_view ws, ParsedBatch& batch,
                       const std::function<Status()>& before_commit) {
  BatchWriter writer(client, std::string(ws));
  writer.before_commit = before_commit;
  WriteResult result = writer.Add(batch, EmptyCatalog());
  if (!result.ok()) {
    result.batch = 0;
    return result;
  }
  result.status = writer.Commit();
  if (!result.status.ok()) result.batch = 0;
  return result;
}

WriteResult WriteNdjson(const Client& client, std::string_view ws, std::string_view text,
                        const std::function<Status()>& before_commit) {
  ParsedBatch batch = ParseNdjson(text);
  return WriteBatch(client, ws, batch, before_commit);
}

}  // namespace voronka::clickhouse
