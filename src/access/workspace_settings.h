// The settings an admin keeps for a workspace (SPEC §6): overrides of what the CRM data says
// (stage semantics, which field is the price and which the source, user capacities, the
// deep-link template), report defaults (forgotten threshold, activity weights) and what the
// people of each role may do (open which pages, hide widgets). Stored as JSON in the account
// store; applied to records before they reach the engine (RewriteRecord).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/request.h"
#include "model/records.h"
#include "model/status.h"

namespace voronka {

struct AdminSettings {
  std::map<std::string, StageSemantic> stage_semantics;  // stage id -> semantic (override)
  std::string price_field = "amount";     // "amount", "original_amount" or "fields.<name>"
  std::string source_field = "source";    // "source", "deal_type" or "fields.<name>"
  std::optional<int32_t> forgotten_days;  // none: the CRM's (workspace record) or 14
  std::optional<ActivityWeights> activity_weights;  // none: SPEC §4 defaults
  std::map<std::string, int32_t> capacities;        // CRM user id -> max deals in work
  std::optional<std::string> deal_url;              // none: the CRM's; must hold {id}
  bool users_may_hide_widgets = true;
  std::map<std::string, std::vector<std::string>> hidden_pages;  // role -> page ids

  bool operator==(const AdminSettings&) const = default;
};

// The pages of the dashboard an admin may hide from a role, in menu order.
const std::vector<std::string>& DashboardPages();

// The metrics each dashboard page shows, by page (the report builder's are not limited).
const std::map<std::string, std::vector<std::string>>& PageMetrics();

// Parses a whole settings object (absent members take their defaults). Errors name the member.
Result<AdminSettings> ParseAdminSettings(const nlohmann::json& json);
// The settings as JSON, every member present (weights as numbers, defaults filled in).
nlohmann::json AdminSettingsJson(const AdminSettings& settings);

// True when going from `before` to `after` changes state the engine derives from records
// (stage semantics, price, source, capacities, a deep link or threshold taken back): the
// workspace's engine must be rebuilt.
bool NeedsRebuild(const AdminSettings& before, const AdminSettings& after);

// Rewrites one record as the settings say: stage semantics of pipelines, a deal's amount from
// the price field and source from the source field (also in deal updates), user capacities,
// and the workspace record's deep-link template and forgotten threshold.
void RewriteRecord(const AdminSettings& settings, RecordBody& body);

// The workspace record that carries the settings' deep link and threshold into an engine
// (applied after loading, and whenever they change); none when neither is set.
std::optional<Record> SettingsRecord(const AdminSettings& settings);

// The pages `role` may open: every dashboard page not hidden from it.
std::vector<std::string> VisiblePages(const AdminSettings& settings, std::string_view role);

// Whether a report request for `metric`, naming dashboard page `page` ("" when none), may run
// for `role`: refused when the page is hidden from the role, or when the metric is shown only
// on pages hidden from it. Metrics no page shows (the report builder's) are not limited.
bool MayRequest(const AdminSettings& settings, std::string_view role, std::string_view page,
                std::string_view metric);

// Fills in what a report request leaves out and the workspace sets: the activity weights.
void AddReportDefaults(const AdminSettings& settings, nlohmann::json& request);

}  // namespace voronka
