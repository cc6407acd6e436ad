// Shared by the Bitrix24 readers: what one part of the dump tells the next.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "importers/import_batch.h"
#include "ingest/catalog.h"
#include "model/records.h"

namespace voronka::bitrix24 {

inline constexpr char kLeadPipeline[] = "L";

// Lead ids and lead stage ids are prefixed: Bitrix24 numbers leads and deals apart, and
// names lead statuses like deal stages ("NEW"), while Voronka keeps one id space for both.
inline std::string LeadId(const std::string& id) {
  return "L" + id;
}
inline std::string LeadStageId(const std::string& status) {
  return "L:" + status;
}
inline std::string DealPipelineId(const std::string& category) {
  return "C" + category;
}

// What the directory part of the dump (statuses, categories, field lists) tells the rest.
struct Context {
  std::string dump_dir;
  std::unordered_map<std::string, std::string> pipeline_of_stage;  // deal and lead stages
  std::unordered_map<std::string, std::string> first_stage_of_pipeline;
  std::unordered_map<std::string, std::string> source_names;     // SOURCE_ID -> NAME
  std::unordered_map<std::string, std::string> deal_type_names;  // TYPE_ID -> NAME
  // UF_CRM_* list fields: field -> enum ID -> VALUE.
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> list_values;
  std::unordered_set<std::string> deal_ids;  // deals and leads ("L<ID>") of the dump
  const Catalog* known = nullptr;             // incremental: the workspace's deals so far
  bool HasDeal(const std::string& id) const {
    return deal_ids.contains(id) || (known != nullptr && known->HasDeal(id));
  }
};

// Each appends its records to `batch` (errors and warnings too).
void ReadDepartments(const Context& context, ImportBatch& batch);
void ReadUsers(const Context& context, ImportBatch& batch);
void ReadPipelines(Context& context, ImportBatch& batch);
void ReadDealFieldLists(Context& context, ImportBatch& batch);
void ReadCompanies(const Context& context, ImportBatch& batch);
void ReadContacts(const Context& context, ImportBatch& batch);
// Deals and leads with their stage history (crm.stagehistory.list), filling context.deal_ids.
void ReadDealsAndLeads(Context& context, ImportBatch& batch);
void ReadActivities(const Context& context, ImportBatch& batch);
void ReadComments(const Context& context, ImportBatch& batch);
void ReadTasks(const Context& context, ImportBatch& batch);

// "0", "" and null mean "none" for Bitrix24 links (COMPANY_ID, CONTACT_ID, LEAD_ID).
std::optional<std::string> Link(std::optional<std::string> id);

}  // namespace voronka::bitrix24
