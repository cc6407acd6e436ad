#include "importers/crm_hooks.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "importers/amocrm_dump.h"
#include "importers/bitrix24_dump.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() &&
               HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string FormValue(const std::vector<std::pair<std::string, std::string>>& form,
                      const std::string& key) {
  for (const auto& [name, value] : form) {
    if (name == key) return value;
  }
  return "";
}

bool IsId(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

// Owner of the activity saved in the scratch dump: {OWNER_TYPE_ID, OWNER_ID}.
std::pair<std::string, std::string> ActivityOwner(const fs::path& dump) {
  std::ifstream in(dump / "crm.activity.list" / "0001.json");
  nlohmann::json page = nlohmann::json::parse(in, nullptr, false);
  if (!page.is_object() || !page.contains("result") || !page["result"].is_array() ||
      page["result"].empty() || !page["result"][0].is_object()) {
    return {};
  }
  const nlohmann::json& activity = page["result"][0];
  auto text = [&](const char* key) {
    if (!activity.contains(key)) return std::string();
    const nlohmann::json& value = activity[key];
    return value.is_string() ? value.get<std::string>()
                             : value.is_number_integer() ? value.dump() : std::string();
  };
  return {text("OWNER_TYPE_ID"), text("OWNER_ID")};
}

// The readers' "no deals" / "no leads" answer: the entity was deleted before it was fetched.
bool NothingFound(const ImportBatch& batch) {
  return batch.errors.size() == 1 && (batch.errors[0].find(": no deals") != std::string::npos ||
                                      batch.errors[0].find(": no leads") != std::string::npos);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseFormBody(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> form;
  std::string_view rest = body;
  while (!rest.empty()) {
    size_t end = rest.find('&');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    form.emplace_back(UrlDecode(name), UrlDecode(value));
  }
  return form;
}

HookBatch Bitrix24HookBatch(const std::vector<std::pair<std::string, std::string>>& form,
                            const Bitrix24SyncOptions& fetch) {
  HookBatch hook;
  std::string event = FormValue(form, "event");
  std::string id = FormValue(form, "data[FIELDS][ID]");
  for (char& c : event) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (event.empty()) {
    hook.bad_event = "no 'event' field: not a Bitrix24 outbound event";
    return hook;
  }
  if (event.ends_with("DELETE")) return hook;  // kept with its history, as in a dump
  if (!IsId(id)) {
    hook.bad_event = event + ": data[FIELDS][ID] '" + id + "' is not an id";
    return hook;
  }

  const std::vector<Bitrix24Call> definitions = {
      {"crm.category.list", "", "entityTypeId=2"},
      {"crm.status.list", "", ""},
      {"crm.deal.userfield.list", "", ""},
  };
  auto deal_calls = [](const std::string& deal) {
    return std::vector<Bitrix24Call>{
        {"crm.deal.list", "", "filter[ID]=" + deal + "&select[]=*&select[]=UF_*"},
        {"crm.stagehistory.list", "deal-", "entityTypeId=2&filter[OWNER_ID]=" + deal}};
  };
  auto lead_calls = [](const std::string& lead) {
    return std::vector<Bitrix24Call>{
        {"crm.lead.list", "", "filter[ID]=" + lead + "&select[]=*"},
        {"crm.stagehistory.list", "lead-", "entityTypeId=1&filter[OWNER_ID]=" + lead}};
  };
  std::vector<Bitrix24Call> calls = definitions;
  if (event == "ONCRMDEALADD" || event == "ONCRMDEALUPDATE") {
    for (Bitrix24Call& call : deal_calls(id)) calls.push_back(std::move(call));
  } else if (event == "ONCRMLEADADD" || event == "ONCRMLEADUPDATE") {
    for (Bitrix24Call& call : lead_calls(id)) calls.push_back(std::move(call));
  } else if (event == "ONCRMACTIVITYADD" || event == "ONCRMACTIVITYUPDATE") {
    // The activity first, then the deal or lead it is on (the reader keeps an activity only
    // with its deal).
    Status fetched = DownloadBitrix24Calls(fetch, {{"crm.activity.list", "", "filter[ID]=" + id}});
    if (!fetched.ok()) {
      hook.fetch_error = fetched.message();
      return hook;
    }
    auto [owner_type, owner] = ActivityOwner(fetch.work_dir);
    if (!IsId(owner)) return hook;  // deleted meanwhile
    if (owner_type == "2") {
      for (Bitrix24Call& call : deal_calls(owner)) calls.push_back(std::move(call));
    } else if (owner_type == "1") {
      for (Bitrix24Call& call : lead_calls(owner)) calls.push_back(std::move(call));
    } else {
      return hook;  // on a contact or company: comes with the next sync
    }
  } else {
    return hook;  // an event Voronka does not follow
  }
  Status fetched = DownloadBitrix24Calls(fetch, calls);
  if (!fetched.ok()) {
    hook.fetch_error = fetched.message();
    return hook;
  }
  Bitrix24Options options;  // the deep link stays as the sync set it
  hook.batch = ReadBitrix24Dump(fetch.work_dir, options);
  if (NothingFound(hook.batch)) hook.batch = {};  // deleted before it could be fetched
  return hook;
}

HookBatch AmocrmHookBatch(const std::vector<std::pair<std::string, std::string>>& form,
                          const AmocrmSyncOptions& fetch) {
  HookBatch hook;
  static const std::regex kLead(R"(leads\[(add|update|status|responsible|restore)\]\[\d+\]\[id\])");
  static const std::regex kNote(R"(leads\[note\]\[\d+\]\[note\]\[element_id\])");
  static const std::regex kTask(R"(task\[(add|update)\]\[(\d+)\]\[element_id\])");
  std::set<std::string> leads;
  for (const auto& [name, value] : form) {
    std::smatch match;
    if (std::regex_match(name, kLead) || std::regex_match(name, kNote)) {
      if (IsId(value)) leads.insert(value);
    } else if (std::regex_match(name, match, kTask)) {
      std::string type_key = "task[" + match[1].str() + "][" + match[2].str() + "][element_type]";
      if (FormValue(form, type_key) == "2" && IsId(value)) leads.insert(value);
    }
  }
  if (form.empty()) {
    hook.bad_event = "an empty body: not an amoCRM webhook";
    return hook;
  }
  if (leads.empty()) return hook;  // nothing Voronka follows (e.g. a deletion)

  std::string ids;
  std::string entity_ids;
  for (const std::string& lead : leads) {
    ids += "&filter[id][]=" + lead;
    entity_ids += "&filter[entity_id][]=" + lead;
  }
  std::vector<AmocrmCall> calls = {
      {"leads/pipelines", ""},
      {"leads", "with=contacts,loss_reason" + ids},
      {"events", AmocrmEventTypes() + "&filter[entity][]=lead" + entity_ids},
      {"tasks", "filter[entity_type]=leads" + entity_ids},
  };
  Status fetched = DownloadAmocrmCalls(fetch, calls);
  if (!fetched.ok()) {
    hook.fetch_error = fetched.message();
    return hook;
  }
  hook.batch = ReadAmocrmDump(fetch.work_dir, {});
  if (NothingFound(hook.batch)) hook.batch = {};  // deleted before it could be fetched
  return hook;
}

}  // namespace voronka
