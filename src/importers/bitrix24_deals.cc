// Bitrix24 deals and leads with their stage history.
#include <algorithm>

#include "importers/bitrix24_internal.h"
#include "importers/dump_pages.h"
#include "importers/item_reader.h"

namespace voronka::bitrix24 {

namespace {

const std::vector<std::string> kListPaths = {"result", "result/items"};

// One row of crm.stagehistory.list.
struct HistoryEntry {
  int64_t id = 0;
  bool created = false;  // TYPE_ID 1: the stage the item was created on
  std::string stage;     // a Voronka stage id
  Instant at;
  std::string origin;
};

using History = std::unordered_map<std::string, std::vector<HistoryEntry>>;  // by deal id

// crm.stagehistory.list rows of deals (with STAGE_ID) and leads (with STATUS_ID) alike,
// keyed by Voronka deal id and sorted by time. Pages are read one at a time.
History ReadStageHistory(const Context& context, ImportBatch& batch) {
  using KeyedEntry = std::pair<std::string, HistoryEntry>;
  std::vector<KeyedEntry> entries = ConvertDumpFolder<KeyedEntry>(
      context.dump_dir, "crm.stagehistory.list", kListPaths, "ID", batch.errors,
      [](ItemReader& item) -> std::optional<KeyedEntry> {
        HistoryEntry row;
        row.id = item.Integer("ID").value_or(0);
        int64_t type = item.Integer("TYPE_ID").value_or(0);
        row.created = type == 1;
        std::string owner = item.RequiredText("OWNER_ID");
        row.at = item.RequiredTime("CREATED_TIME");
        row.origin = item.origin();
        std::string key;
        if (auto status = item.Text("STATUS_ID")) {
          key = LeadId(owner);
          row.stage = LeadStageId(*status);
        } else {
          key = owner;
          row.stage = item.RequiredText("STAGE_ID");
        }
        if (type < 1 || type > 3) {
          item.Error("TYPE_ID", "is not 1 (created), 2 (moved) or 3 (pipeline)");
        }
        return KeyedEntry{std::move(key), std::move(row)};
      });
  History history;
  for (KeyedEntry& entry : entries) history[entry.first].push_back(std::move(entry.second));
  for (auto& [deal, rows] : history) {
    std::sort(rows.begin(), rows.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
      return a.at != b.at ? a.at < b.at : a.id < b.id;
    });
  }
  return history;
}

// Custom fields UF_CRM_*: list values by their names when crm.deal.userfield.list has them.
void ReadCustomFields(const Context& context, ItemReader& item, DealRecord& deal) {
  if (!item.item().is_object()) return;
  for (const auto& [key, value] : item.item().items()) {
    if (key.rfind("UF_CRM_", 0) != 0) continue;
    auto list = context.list_values.find(key);
    auto name_of = [&](const nlohmann::json& raw) -> std::optional<std::string> {
      std::optional<std::string> text = JsonText(raw);
      if (!text || list == context.list_values.end()) return text;
      auto named = list->second.find(*text);
      return named == list->second.end() ? text : named->second;
    };
    FieldValue field;
    if (value.is_array()) {
      if (value.empty()) continue;
      field.kind = FieldValue::Kind::kList;
      for (const nlohmann::json& element : value) {
        if (auto text = name_of(element)) field.items.push_back(*text);
      }
    } else if (value.is_boolean()) {
      field.kind = FieldValue::Kind::kBool;
      field.boolean = value.get<bool>();
    } else if (value.is_number()) {
      field.kind = FieldValue::Kind::kNumber;
      field.number = value.get<double>();
      field.text = value.dump();
    } else if (auto text = name_of(value)) {
      field.kind = FieldValue::Kind::kString;
      field.text = *text;
    } else {
      continue;  // null or "": the field is empty
    }
    deal.fields.push_back({key, std::move(field)});
  }
}

// What a deal of an incremental dump that the workspace already has is now, as of `at`.
DealUpdateRecord UpdateOf(DealRecord& deal, Instant at) {
  DealUpdateRecord update;
  update.id = deal.id;
  update.at = at;
  update.title = deal.title;
  update.amount = deal.amount;
  update.responsible_id = deal.responsible_id;
  update.company_id = deal.company_id;
  update.contact_id = deal.contact_id;
  update.source = deal.source;
  update.deal_type = deal.deal_type;
  if (deal.converted_to) update.converted_to = deal.converted_to;
  update.fields = std::move(deal.fields);
  return update;
}

// Adds the deal with its stage at creation, then a stage change per later history row. When
// the history does not end on the current stage (no history dumped, or a move made while
// dumping), one more change to the current stage at the time of the last modification.
// A deal the workspace has already (an incremental dump) is a deal update instead, and only
// the new history rows are here: its stage before them is the workspace's.
void AddWithHistory(DealRecord deal, const std::string& current_stage, Instant modified_at,
                    const std::vector<HistoryEntry>* rows, const std::string& event_prefix,
                    const Context& context, const std::string& origin, ImportBatch& batch) {
  bool update_only = context.known != nullptr && context.known->HasDeal(deal.id);
  std::string deal_id = deal.id;
  Instant last_at = deal.created_at;
  std::optional<std::string> stage;
  if (update_only) {
    batch.Add(UpdateOf(deal, modified_at), origin,
              event_prefix + "update:" + deal_id + ":" +
                  std::to_string(modified_at.micros / kMicrosPerSecond));
  } else {
    stage = current_stage;
    if (rows != nullptr && !rows->empty()) {
      const HistoryEntry& first = rows->front();
      if (first.created) {
        stage = first.stage;
      } else {
        // No creation row: the deal started on the first stage of the pipeline it first
        // moved in.
        auto pipeline = context.pipeline_of_stage.find(first.stage);
        auto first_stage = pipeline == context.pipeline_of_stage.end()
                               ? context.first_stage_of_pipeline.end()
                               : context.first_stage_of_pipeline.find(pipeline->second);
        stage = first_stage == context.first_stage_of_pipeline.end() ? first.stage
                                                                     : first_stage->second;
      }
    }
    deal.stage_id = *stage;
    auto pipeline = context.pipeline_of_stage.find(*stage);
    if (pipeline != context.pipeline_of_stage.end()) deal.pipeline_id = pipeline->second;
    batch.Add(std::move(deal), origin);
  }
  if (rows != nullptr) {
    for (const HistoryEntry& row : *rows) {
      if (row.created) continue;
      StageChangeRecord change;
      change.deal_id = deal_id;
      change.from = stage;
      change.to = row.stage;
      change.at = row.at;
      stage = row.stage;
      last_at = std::max(last_at, row.at);
      batch.Add(std::move(change), row.origin, event_prefix + "stage:" + std::to_string(row.id));
    }
  }
  if (stage && *stage != current_stage) {
    StageChangeRecord change;
    change.deal_id = deal_id;
    change.from = stage;
    change.to = current_stage;
    change.at = std::max(last_at, modified_at);
    batch.Add(std::move(change), origin,
              event_prefix + "now:" + deal_id + ":" + current_stage + ":" +
                  std::to_string(change.at.micros / kMicrosPerSecond));
  }
}

// The attributes deals and leads share.
DealRecord ReadCommon(const Context& context, ItemReader& item) {
  DealRecord deal;
  deal.amount = item.Money("OPPORTUNITY");
  std::optional<std::string> currency = item.Text("CURRENCY_ID");
  std::optional<std::string> account_currency = item.Text("ACCOUNT_CURRENCY_ID");
  if (currency && account_currency && *currency != *account_currency &&
      !item.Raw("OPPORTUNITY_ACCOUNT").is_null()) {
    deal.original_amount = deal.amount;
    deal.original_currency = currency;
    deal.amount = item.Money("OPPORTUNITY_ACCOUNT");
  }
  deal.responsible_id = Link(item.Text("ASSIGNED_BY_ID"));
  deal.company_id = Link(item.Text("COMPANY_ID"));
  deal.contact_id = Link(item.Text("CONTACT_ID"));
  if (auto source = item.Text("SOURCE_ID")) {
    auto name = context.source_names.find(*source);
    deal.source = name == context.source_names.end() ? *source : name->second;
  }
  deal.created_at = item.RequiredTime("DATE_CREATE");
  return deal;
}

}  // namespace

// A deal or lead of crm.deal.list / crm.lead.list as read, before its history is added.
struct DealItem {
  DealRecord deal;
  std::string stage;  // the current one
  Instant modified_at;
  std::optional<std::string> lead;  // deals: the lead converted into it ("L<ID>")
  std::string origin;
};

void ReadDealsAndLeads(Context& context, ImportBatch& batch) {
  History history = ReadStageHistory(context, batch);

  std::vector<DealItem> deals = ConvertDumpFolder<DealItem>(
      context.dump_dir, "crm.deal.list", kListPaths, "ID", batch.errors,
      [&context](ItemReader& item) -> std::optional<DealItem> {
        DealItem read;
        DealRecord& deal = read.deal;
        deal = ReadCommon(context, item);
        deal.id = item.RequiredText("ID");
        deal.entity = Entity::kDeal;
        deal.title = item.Text("TITLE").value_or("Сделка #" + deal.id);
        deal.pipeline_id = DealPipelineId(item.Text("CATEGORY_ID").value_or("0"));
        read.stage = item.RequiredText("STAGE_ID");
        if (auto type = item.Text("TYPE_ID")) {
          auto name = context.deal_type_names.find(*type);
          deal.deal_type = name == context.deal_type_names.end() ? *type : name->second;
        }
        ReadCustomFields(context, item, deal);
        read.modified_at = item.Time("DATE_MODIFY").value_or(deal.created_at);
        if (auto lead = Link(item.Text("LEAD_ID"))) read.lead = LeadId(*lead);
        if (item.ok() && !context.pipeline_of_stage.contains(read.stage)) {
          item.Error("STAGE_ID", "'" + read.stage + "' is not a stage in crm.status.list");
        }
        read.origin = item.origin();
        return read;
      });
  std::unordered_map<std::string, std::string> deal_of_lead;
  for (DealItem& read : deals) {
    if (read.lead) deal_of_lead[*read.lead] = read.deal.id;
    context.deal_ids.insert(read.deal.id);
    auto rows = history.find(read.deal.id);
    AddWithHistory(std::move(read.deal), read.stage, read.modified_at,
                   rows == history.end() ? nullptr : &rows->second, "b24:deal-", context,
                   read.origin, batch);
  }
  deals = {};

  std::vector<DealItem> leads = ConvertDumpFolder<DealItem>(
      context.dump_dir, "crm.lead.list", kListPaths, "ID", batch.errors,
      [&](ItemReader& item) -> std::optional<DealItem> {
        DealItem read;
        DealRecord& lead = read.deal;
        lead = ReadCommon(context, item);
        lead.id = LeadId(item.RequiredText("ID"));
        lead.entity = Entity::kLead;
        lead.title = item.Text("TITLE").value_or("Лид #" + lead.id.substr(1));
        lead.pipeline_id = kLeadPipeline;
        read.stage = LeadStageId(item.RequiredText("STATUS_ID"));
        read.modified_at = item.Time("DATE_MODIFY").value_or(lead.created_at);
        auto deal = deal_of_lead.find(lead.id);
        if (deal != deal_of_lead.end()) lead.converted_to = deal->second;
        if (item.ok() && !context.pipeline_of_stage.contains(read.stage)) {
          item.Error("STATUS_ID",
                     "'" + read.stage.substr(2) + "' is not a lead status in crm.status.list");
        }
        read.origin = item.origin();
        return read;
      });
  for (DealItem& read : leads) {
    context.deal_ids.insert(read.deal.id);
    auto rows = history.find(read.deal.id);
    AddWithHistory(std::move(read.deal), read.stage, read.modified_at,
                   rows == history.end() ? nullptr : &rows->second, "b24:lead-", context,
                   read.origin, batch);
  }

  for (const auto& [deal_id, rows] : history) {
    if (context.deal_ids.contains(deal_id) || rows.empty()) continue;
    if (context.known != nullptr && context.known->HasDeal(deal_id)) {
      // New history of a deal that did not change otherwise (incremental): the moves alone.
      // Bitrix24 deal ids are numbers; lead ids are "L<ID>" here.
      std::string prefix = deal_id.rfind('L', 0) == 0 ? "b24:lead-" : "b24:deal-";
      for (const HistoryEntry& row : rows) {
        if (row.created) continue;
        StageChangeRecord change;
        change.deal_id = deal_id;
        change.to = row.stage;
        change.at = row.at;
        batch.Add(std::move(change), row.origin, prefix + "stage:" + std::to_string(row.id));
      }
      continue;
    }
    batch.warnings.push_back(rows.front().origin + ": stage history of " + deal_id +
                             ", which is not in the dump (deleted?), left out");
  }
}

}  // namespace voronka::bitrix24
