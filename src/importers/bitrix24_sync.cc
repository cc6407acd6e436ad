#include "importers/bitrix24_sync.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "importers/bitrix24_batch.h"
#include "importers/bitrix24_dump.h"
#include "importers/sync_pages.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;
using bitrix24::BatchPager;
using bitrix24::ParseWebhook;
using bitrix24::Webhook;

// A list method ReadBitrix24Dump reads, with the filter an incremental sync adds.
struct ListMethod {
  Bitrix24Call call;
  const char* changed_since;  // "DATE_MODIFY": filter[>DATE_MODIFY]=<time>; "" for none
};

// What ReadBitrix24Dump reads, definitions first. Stage history is asked past the highest ID
// imported, as it has no modification date; crm.timeline.comment.list is asked per deal and
// lead afterwards (the API wants ENTITY_ID).
const std::vector<ListMethod> kMethods = {
    {{"department.get", "", ""}, ""},
    {{"user.get", "", ""}, ""},
    {{"crm.category.list", "", "entityTypeId=2"}, ""},
    {{"crm.status.list", "", ""}, ""},
    {{"crm.deal.userfield.list", "", ""}, ""},
    {{"crm.company.list", "", "order[ID]=ASC"}, "DATE_MODIFY"},
    {{"crm.contact.list", "", "order[ID]=ASC"}, "DATE_MODIFY"},
    {{"crm.deal.list", "", "order[ID]=ASC&select[]=*&select[]=UF_*"}, "DATE_MODIFY"},
    {{"crm.lead.list", "", "order[ID]=ASC&select[]=*"}, "DATE_MODIFY"},
    {{"crm.stagehistory.list", "deal-", "entityTypeId=2&order[ID]=ASC"}, ""},
    {{"crm.stagehistory.list", "lead-", "entityTypeId=1&order[ID]=ASC"}, ""},
    {{"crm.activity.list", "", "order[ID]=ASC"}, "LAST_UPDATED"},
    {{"tasks.task.list", "", "select[]=*&select[]=UF_CRM_TASK"}, "CHANGED_DATE"},
};

constexpr char kComments[] = "crm.timeline.comment.list";

int64_t Now(const Bitrix24SyncOptions& options) {
  if (options.now) return options.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2024-03-01T07:00:00+00:00": Unix seconds as Bitrix24 takes a date-time filter.
std::string FilterTime(int64_t unix_seconds) {
  std::string text = FormatInstant(Instant{unix_seconds * kMicrosPerSecond});
  if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+00:00");
  return text;
}

// Calls every item of the saved pages work/<folder>/<prefix>*.json, one page in memory at a
// time; pages that are not JSON or hold no list are passed over (the import names them).
void ForEachSavedItem(const fs::path& work, const std::string& folder, const std::string& prefix,
                      const std::function<void(const nlohmann::json&)>& visit) {
  std::error_code error;
  std::set<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(work / folder, error)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.rfind(prefix, 0) == 0) {
      files.insert(entry.path());
    }
  }
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    nlohmann::json page = nlohmann::json::parse(in, nullptr, false);
    if (!page.is_object() || !page.contains("result")) continue;
    const nlohmann::json* items = &page["result"];
    if (items->is_object() && items->contains("items")) items = &(*items)["items"];
    if (!items->is_array()) continue;
    for (const nlohmann::json& item : *items) visit(item);
  }
}

// The numeric IDs of the saved items of a folder.
std::vector<int64_t> SavedIds(const fs::path& work, const std::string& folder,
                              const std::string& prefix) {
  std::vector<int64_t> ids;
  ForEachSavedItem(work, folder, prefix, [&](const nlohmann::json& item) {
    if (!item.is_object() || !item.contains("ID")) return;
    const nlohmann::json& id = item["ID"];
    if (id.is_number_integer()) ids.push_back(id.get<int64_t>());
    if (id.is_string()) {
      const std::string& text = id.get_ref<const std::string&>();
      char* end = nullptr;
      long long value = std::strtoll(text.c_str(), &end, 10);
      if (end != nullptr && *end == '\0' && value > 0) ids.push_back(value);
    }
  });
  return ids;
}

int64_t MaxOf(const std::vector<int64_t>& values, int64_t floor) {
  for (int64_t value : values) floor = std::max(floor, value);
  return floor;
}

// The list calls, with the filters of an incremental sync when `marks` has a start.
std::vector<Bitrix24Call> ListCalls(const Bitrix24Marks& marks, std::chrono::seconds overlap) {
  bool incremental = marks.modified_from > 0;
  std::string since =
      bitrix24::QueryValue(FilterTime(std::max<int64_t>(0, marks.modified_from - overlap.count())));
  std::vector<Bitrix24Call> calls;
  for (const ListMethod& method : kMethods) {
    Bitrix24Call call = method.call;
    auto add = [&call](const std::string& filter) {
      call.params += (call.params.empty() ? "" : "&") + filter;
    };
    if (incremental && *method.changed_since != '\0') {
      add(std::string("filter[>") + method.changed_since + "]=" + since);
    }
    if (incremental && call.method == "crm.stagehistory.list") {
      int64_t after = call.file_prefix == "deal-" ? marks.deal_history_id : marks.lead_history_id;
      add("filter[>ID]=" + std::to_string(after));
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

// The timeline comments of the deals and leads saved, per item as the API wants.
std::vector<Bitrix24Call> CommentCalls(const fs::path& work) {
  std::vector<Bitrix24Call> calls;
  for (auto [folder, entity] : {std::pair{"crm.deal.list", "deal"}, {"crm.lead.list", "lead"}}) {
    std::vector<int64_t> ids = SavedIds(work, folder, "");
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (int64_t id : ids) {
      std::string text = std::to_string(id);
      calls.push_back(
          {kComments, std::string(entity) + "-" + text + "-",
           std::string("filter[ENTITY_TYPE]=") + entity + "&filter[ENTITY_ID]=" + text});
    }
  }
  return calls;
}

}  // namespace

std::string Bitrix24MarksText(const Bitrix24Marks& marks) {
  nlohmann::json json = {{"modified_from", marks.modified_from},
                         {"deal_history_id", marks.deal_history_id},
                         {"lead_history_id", marks.lead_history_id}};
  return json.dump() + "\n";
}

Bitrix24Marks ParseBitrix24Marks(std::string_view text) {
  Bitrix24Marks marks;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return marks;
  auto number = [&json](const char* key) {
    auto found = json.find(key);
    return found != json.end() && found->is_number_integer() ? found->get<int64_t>() : 0;
  };
  marks.modified_from = number("modified_from");
  marks.deal_history_id = number("deal_history_id");
  marks.lead_history_id = number("lead_history_id");
  return marks;
}

std::string Bitrix24Portal(const std::string& webhook_url) {
  Result<Webhook> webhook = ParseWebhook(webhook_url);
  return webhook.ok() ? webhook->origin : "";
}

Status DownloadBitrix24Calls(const Bitrix24SyncOptions& options,
                             const std::vector<Bitrix24Call>& calls) {
  Result<Webhook> webhook = ParseWebhook(options.webhook_url);
  if (!webhook.ok()) return webhook.status();
  fs::path work = options.work_dir;
  std::vector<Bitrix24Call> pending;
  for (const Bitrix24Call& call : calls) {
    SyncFolder folder(work, call.method, call.file_prefix);
    if (folder.finished()) continue;
    if (Status restarted = folder.Restart(); !restarted.ok()) return restarted;
    pending.push_back(call);
  }
  Bitrix24Progress progress;
  BatchPager pager(options, webhook.value(), progress);
  return pager.Run(pending, [&](size_t i) {
    return SyncFolder(work, pending[i].method, pending[i].file_prefix).MarkFinished();
  });
}

Status DownloadBitrix24(const Bitrix24SyncOptions& options, const Bitrix24Marks& marks) {
  Result<Webhook> webhook = ParseWebhook(options.webhook_url);
  if (!webhook.ok()) return webhook.status();
  fs::path work = options.work_dir;
  Bitrix24Progress progress;
  BatchPager pager(options, webhook.value(), progress);

  std::vector<Bitrix24Call> pending;
  for (const Bitrix24Call& call : ListCalls(marks, options.overlap)) {
    SyncFolder folder(work, call.method, call.file_prefix);
    if (folder.finished()) continue;
    if (Status restarted = folder.Restart(); !restarted.ok()) return restarted;
    pending.push_back(call);
  }
  Status listed = pager.Run(pending, [&](size_t i) {
    return SyncFolder(work, pending[i].method, pending[i].file_prefix).MarkFinished();
  });
  if (!listed.ok()) return listed;

  // One marker for all comments: they are asked again together when interrupted.
  SyncFolder comments(work, kComments, "");
  if (comments.finished()) return Status::Ok();
  if (Status restarted = comments.Restart(); !restarted.ok()) return restarted;
  Status fetched = pager.Run(CommentCalls(work), [](size_t) { return Status::Ok(); });
  if (!fetched.ok()) return fetched;
  return comments.MarkFinished();
}

ImportSummary SyncBitrix24(ImportTarget& target, const Bitrix24SyncOptions& options,
                           std::vector<std::string>* warnings) {
  ImportSummary summary;
  const Bitrix24Marks& previous = options.previous;
  Result<int64_t> started = DownloadStartedAt(options.work_dir, Now(options));
  Status downloaded = started.ok() ? DownloadBitrix24(options, previous) : started.status();
  if (!downloaded.ok()) {
    summary.errors.push_back(downloaded.message() +
                             "; nothing was imported, run again to continue where this stopped");
    return summary;
  }
  std::unique_ptr<Catalog> known;
  if (previous.modified_from > 0) {
    Result<std::unique_ptr<Catalog>> read = target.Known();
    if (!read.ok()) {
      summary.errors.push_back(read.message() + "; nothing was imported, run again");
      return summary;
    }
    known = std::move(read).value();
  }
  Bitrix24Options dump_options;
  dump_options.portal_url = Bitrix24Portal(options.webhook_url);
  dump_options.known = known.get();
  ImportBatch batch = ReadBitrix24Dump(options.work_dir, dump_options);
  if (warnings != nullptr) *warnings = batch.warnings;
  fs::path work = options.work_dir;
  Bitrix24Marks marks;
  marks.modified_from = started.value();
  marks.deal_history_id =
      MaxOf(SavedIds(work, "crm.stagehistory.list", "deal-"), previous.deal_history_id);
  marks.lead_history_id =
      MaxOf(SavedIds(work, "crm.stagehistory.list", "lead-"), previous.lead_history_id);
  summary = target.Store(std::move(batch));
  if (!summary.ok()) return summary;
  if (options.keep_marks) {
    Status kept = options.keep_marks(marks);
    if (!kept.ok() && warnings != nullptr) {
      warnings->push_back(kept.message() + "; the next sync will fetch everything again");
    }
  }
  std::error_code ignored;
  fs::remove_all(options.work_dir, ignored);
  return summary;
}

}  // namespace voronka
