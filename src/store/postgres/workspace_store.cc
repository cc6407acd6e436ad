#include "store/postgres/workspace_store.h"
#include "model/clock.h"

#include <chrono>

namespace voronka {

namespace {

using postgres::Param;
using postgres::Rows;
using postgres::Sql;

constexpr const char* kUniqueViolation = "23505";

#define WORKSPACE_COLUMNS \
  "id, name, display_name, time_zone, currency, locale, deal_url, forgotten_days"

constexpr Sql kAdd{"workspace_add",
                   "INSERT INTO workspaces (name, display_name, time_zone, currency, locale, "
                   "deal_url, forgotten_days, created_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
// Two servers starting at once both try; the name keeps one.
constexpr Sql kAddDefault{"workspace_add_default",
                          "INSERT INTO workspaces (name, time_zone, currency, locale, created_at) "
                          "SELECT 'default', 'UTC', 'RUB', 'ru', $1 "
                          "WHERE NOT EXISTS (SELECT 1 FROM workspaces) "
                          "ON CONFLICT (name) DO NOTHING"};
constexpr Sql kFirst{"workspace_first", "SELECT min(id) FROM workspaces"};
constexpr Sql kAll{"workspaces", "SELECT " WORKSPACE_COLUMNS " FROM workspaces ORDER BY id"};
constexpr Sql kById{"workspace_by_id",
                    "SELECT " WORKSPACE_COLUMNS " FROM workspaces WHERE id = $1"};

#undef WORKSPACE_COLUMNS


Param OptText(const std::optional<std::string>& text) {
  return text ? Param(*text) : Param::Null();
}

WorkspaceInfo InfoOf(const Rows& rows, int row) {
  auto opt_text = [&](int column) {
    return rows.IsNull(row, column) ? std::nullopt
                                    : std::optional<std::string>(rows.Text(row, column));
  };
  WorkspaceInfo info;
  info.id = rows.Int(row, 0);
  info.name = rows.Text(row, 1);
  info.settings.name = opt_text(2);
  info.settings.time_zone = rows.Text(row, 3);
  info.settings.currency = rows.Text(row, 4);
  info.settings.locale = rows.Text(row, 5);
  info.settings.deal_url = opt_text(6);
  if (std::optional<int64_t> days = rows.OptInt(row, 7)) {
    info.settings.forgotten_days = static_cast<int32_t>(*days);
  }
  return info;
}

}  // namespace

Result<int64_t> PgWorkspaceStore::EnsureDefaultWorkspace() {
  Result<Rows> added = pool_->Run(kAddDefault, {NowMicros()}, "default workspace", true);
  if (!added.ok()) return added.status();
  Result<Rows> first = pool_->Run(kFirst, {}, "default workspace", true);
  if (!first.ok()) return first.status();
  if (first->size() == 0 || first->IsNull(0, 0)) {
    return Status::Error(pool_->label() + ": no workspace could be created");
  }
  return first->Int(0, 0);
}

Result<int64_t> PgWorkspaceStore::CreateWorkspace(std::string_view name,
                                                  const WorkspaceRecord& settings) {
  if (name.empty()) return Status::Error("workspace: the name is empty");
  std::optional<int64_t> days;
  if (settings.forgotten_days) days = *settings.forgotten_days;
  std::string sqlstate;
  Result<Rows> added =
      pool_->Run(kAdd,
                 {name, OptText(settings.name), settings.time_zone.value_or("UTC"),
                  settings.currency.value_or("RUB"), settings.locale.value_or("ru"),
                  OptText(settings.deal_url), days, NowMicros()},
                 "workspace", false, &sqlstate);
  if (!added.ok()) {
    if (sqlstate == kUniqueViolation) {
      return Status::Error("workspace '" + std::string(name) + "' exists already");
    }
    return added.status();
  }
  return added->Int(0, 0);
}

std::vector<WorkspaceInfo> PgWorkspaceStore::Workspaces() const {
  std::vector<WorkspaceInfo> workspaces;
  Result<Rows> rows = pool_->Run(kAll, {}, "workspaces", true);
  if (!rows.ok()) return workspaces;
  for (int row = 0; row < rows->size(); ++row) workspaces.push_back(InfoOf(rows.value(), row));
  std::lock_guard lock(mutex_);
  for (const WorkspaceInfo& info : workspaces) known_[info.id] = info;
  return workspaces;
}

std::optional<WorkspaceInfo> PgWorkspaceStore::FindWorkspace(int64_t workspace_id) const {
  {
    std::lock_guard lock(mutex_);
    auto it = known_.find(workspace_id);
    if (it != known_.end()) return it->second;
  }
  Result<Rows> rows = pool_->Run(kById, {workspace_id}, "workspace", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  WorkspaceInfo info = InfoOf(rows.value(), 0);
  std::lock_guard lock(mutex_);
  known_[workspace_id] = info;
  return info;
}

}  // namespace voronka
