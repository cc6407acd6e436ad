#include "engine/engine.h"

namespace voronka {

void Engine::Apply(const std::vector<Record>& records) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  for (const Record& record : records) {
    if (record.event_id.has_value() && !tables_.applied_events.insert(*record.event_id).second) {
      continue;
    }
    ApplyRecord(tables_, record.body);
  }
}

}  // namespace voronka
