// Shared by the amoCRM readers.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "importers/import_batch.h"
#include "ingest/catalog.h"

namespace voronka::amocrm {

inline std::string StageId(const std::string& pipeline, const std::string& status) {
  return pipeline + ":" + status;
}

struct Context {
  std::string dump_dir;
  std::unordered_set<std::string> stage_ids;
  std::unordered_set<std::string> deal_ids;  // leads of the dump
  const Catalog* known = nullptr;             // incremental: the workspace's deals so far
  bool HasDeal(const std::string& id) const {
    return deal_ids.contains(id) || (known != nullptr && known->HasDeal(id));
  }
};

// Each appends its records to `batch` (errors and warnings too).
void ReadGroupsAndUsers(const Context& context, ImportBatch& batch);
void ReadPipelines(Context& context, ImportBatch& batch);
void ReadCompanies(const Context& context, ImportBatch& batch);
void ReadContacts(const Context& context, ImportBatch& batch);
// Leads with their history from events (stage and responsible changes) and the activities
// found among the events (calls, chat messages, SMS, notes).
void ReadLeadsAndEvents(Context& context, ImportBatch& batch);
void ReadTasks(const Context& context, ImportBatch& batch);

}  // namespace voronka::amocrm
