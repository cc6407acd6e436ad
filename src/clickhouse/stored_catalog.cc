#include "clickhouse/stored_catalog.h"

#include <vector>

#include "clickhouse/schema.h"

namespace voronka::clickhouse {

namespace {

// Ids per IN list: a statement of ~100 KB, well under the server's max_query_size (256 KB).
constexpr size_t kIdsPerQuery = 3000;

}  // namespace

Result<std::unordered_set<std::string>> ExistingIds(const Client& client, std::string_view ws,
                                                    std::string_view table, std::string_view column,
                                                    const std::unordered_set<std::string>& ids) {
  std::unordered_set<std::string> found;
  std::vector<const std::string*> pending;
  for (const std::string& id : ids) pending.push_back(&id);
  for (size_t start = 0; start < pending.size(); start += kIdsPerQuery) {
    std::string list;
    for (size_t i = start; i < pending.size() && i < start + kIdsPerQuery; ++i) {
      if (!list.empty()) list += ',';
      list += Quote(*pending[i]);
    }
    Result<Rows> rows =
        client.Query("SELECT DISTINCT " + std::string(column) + " FROM " + std::string(table) +
                     " WHERE ws = " + Quote(ws) + " AND " + std::string(column) + " IN (" + list +
                     ") AND " + CommittedRows(client.endpoint().database, ws));
    if (!rows.ok()) return rows.status();
    for (size_t row = 0; row < rows->size(); ++row) found.insert(rows->Text(row, 0));
  }
  return found;
}

Result<StoredCatalog> StoredCatalog::Load(const Client& client, std::string_view ws,
                                          const ParsedBatch& batch, const Catalog& also_defined) {
  StoredCatalog catalog;
  if (Status read = catalog.LoadPipelines(client, ws); !read.ok()) return read;

  // Deals and tasks may be millions: only those the batch refers to and does not define.
  std::unordered_set<std::string> defined_deals, defined_tasks, wanted_deals, wanted_tasks;
  for (const Record& record : batch.records) {
    if (const auto* deal = std::get_if<DealRecord>(&record.body)) defined_deals.insert(deal->id);
    if (const auto* task = std::get_if<TaskRecord>(&record.body)) defined_tasks.insert(task->id);
  }
  auto want_deal = [&](const std::string& id) {
    if (!defined_deals.contains(id) && !also_defined.HasDeal(id)) wanted_deals.insert(id);
  };
  for (const Record& record : batch.records) {
    if (const auto* update = std::get_if<DealUpdateRecord>(&record.body)) want_deal(update->id);
    if (const auto* change = std::get_if<StageChangeRecord>(&record.body)) {
      want_deal(change->deal_id);
    }
    if (const auto* activity = std::get_if<ActivityRecord>(&record.body)) {
      if (activity->deal_id) want_deal(*activity->deal_id);
    }
    if (const auto* task = std::get_if<TaskRecord>(&record.body)) {
      if (task->deal_id) want_deal(*task->deal_id);
    }
    if (const auto* update = std::get_if<TaskUpdateRecord>(&record.body)) {
      if (!defined_tasks.contains(update->id) && !also_defined.HasTask(update->id)) {
        wanted_tasks.insert(update->id);
      }
    }
  }
  Result<std::unordered_set<std::string>> deals =
      ExistingIds(client, ws, "deals", "id", wanted_deals);
  if (!deals.ok()) return deals.status();
  catalog.deals_ = std::move(deals).value();
  Result<std::unordered_set<std::string>> tasks =
      ExistingIds(client, ws, "tasks", "id", wanted_tasks);
  if (!tasks.ok()) return tasks.status();
  catalog.tasks_ = std::move(tasks).value();
  return catalog;
}

Status StoredCatalog::LoadPipelines(const Client& client, std::string_view ws) {
  // Pipelines are few: all of them, each as its latest committed version.
  Result<Rows> pipelines = client.Query(
      "SELECT id, argMax(stage_ids, (batch, seq)) FROM pipelines WHERE ws = " + Quote(ws) +
      " AND " + CommittedRows(client.endpoint().database, ws) + " GROUP BY id");
  if (!pipelines.ok()) return pipelines.status();
  for (size_t row = 0; row < pipelines->size(); ++row) {
    std::string id = pipelines->Text(row, 0);
    for (std::string& stage : pipelines->Array(row, 1)) pipeline_of_stage_[stage] = id;
    pipelines_.insert(std::move(id));
  }
  return Status::Ok();
}

Result<StoredCatalog> StoredCatalog::LoadDeals(const Client& client, std::string_view ws) {
  StoredCatalog catalog;
  if (Status read = catalog.LoadPipelines(client, ws); !read.ok()) return read;
  // Every id, read once per incremental sync: memory grows with the workspace's deals (a hash
  // set of short strings), which the sync's readers then ask about one id at a time.
  Result<Rows> deals =
      client.Query("SELECT DISTINCT id FROM deals WHERE ws = " + Quote(ws) + " AND " +
                   CommittedRows(client.endpoint().database, ws));
  if (!deals.ok()) return deals.status();
  for (size_t row = 0; row < deals->size(); ++row) catalog.deals_.insert(deals->Text(row, 0));
  return catalog;
}

std::optional<std::string_view> StoredCatalog::PipelineOfStage(std::string_view stage_id) const {
  auto it = pipeline_of_stage_.find(std::string(stage_id));
  if (it == pipeline_of_stage_.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool StoredCatalog::HasPipeline(std::string_view id) const {
  return pipelines_.contains(std::string(id));
}
bool StoredCatalog::HasDeal(std::string_view id) const {
  return deals_.contains(std::string(id));
}
bool StoredCatalog::HasTask(std::string_view id) const {
  return tasks_.contains(std::string(id));
}

}  // namespace voronka::clickhouse
