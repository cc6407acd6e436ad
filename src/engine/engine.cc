#include "engine/engine.h"

#include <limits>

#include "engine/rollup_change.h"

namespace voronka {

Engine::Engine() : current_(std::make_shared<const Tables>()) {}

void Engine::Apply(const std::vector<Record>& records) {
  std::lock_guard<std::mutex> lock(writer_);
  ApplyLocked(records);
  PublishLocked();
}

void Engine::ApplyUnpublished(const std::vector<Record>& records) {
  std::lock_guard<std::mutex> lock(writer_);
  // A bulk load does not keep the rollup record by record: it is built once at publish.
  working_.deals.rollup.MarkStale();
  ActivityTable& activities = working_.activities;
  if (activities.unfiled_from == std::numeric_limits<int32_t>::max()) {
    activities.unfiled_from = static_cast<int32_t>(activities.kind.size());
  }
  ApplyLocked(records);
}

void Engine::Publish() {
  std::lock_guard<std::mutex> lock(writer_);
  PublishLocked();
}

void Engine::ExpectActivities(int64_t count) {
  std::lock_guard<std::mutex> lock(writer_);
  if (count > 0) working_.activities.ids.Reserve(static_cast<size_t>(count));
}

void Engine::ApplyLocked(const std::vector<Record>& records) {
  // The id lookups of the record kAhead places on are started before each record is applied,
  // so that their cache misses overlap instead of stalling one after another.
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i + kAhead < records.size()) PrefetchRecord(working_, records[i + kAhead].body);
    const Record& record = records[i];
    if (record.event_id.has_value() && !applied_events_.insert(*record.event_id).second) {
      continue;
    }
    ApplyRecordUnsettled(working_, record.body);
  }
  SettleRollup(working_);
}

void Engine::PublishLocked() {
  FileNewActivities(working_);
  if (working_.deals.rollup.wants_rebuild()) RebuildDealRollup(working_);
  // Publishing: a copy of the working tables (segment pointers, not rows) becomes current. The
  // version it replaces is freed here unless a reader still holds it.
  auto published = std::make_shared<const Tables>(working_);
  {
    std::lock_guard<std::mutex> lock(published_);
    current_.swap(published);
  }
  // `published` now holds the replaced version: released outside the lock.
}

}  // namespace voronka
