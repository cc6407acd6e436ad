#include "store/sqlite/schema.h"

#include <string>
#include <vector>

namespace voronka::sqlite {

namespace {

// Every migration, oldest first. Never edit a released one: append a new one
// (ALTER TABLE ... ADD COLUMN, new tables), so existing data directories upgrade in place.
//
// Conventions: every table has workspace_id; record ids are TEXT, unique per workspace;
// tables of records with an id are WITHOUT ROWID keyed by (workspace_id, id): one B-tree per
// row written instead of a table and a unique index, which is most of the cost of an import;
// instants are INTEGER microseconds UTC; money is INTEGER minor units; enums are their
// NDJSON names. `event_id` is the idempotency key the row was last written with.
// Update rows keep a `present` bitmask (which members of `set` were given, a NULL value
// with its bit set means "cleared") and a `digest` of their content for exact-repeat checks.
const char* const kMigrations[] = {
    // 1: everything.
    R"sql(
CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT,
  time_zone TEXT NOT NULL,
  currency TEXT NOT NULL,
  locale TEXT NOT NULL,
  deal_url TEXT,
  forgotten_days INTEGER
) STRICT;

CREATE TABLE ingest_tokens (
  token_hash BLOB PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE applied_events (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  event_id TEXT NOT NULL,
  PRIMARY KEY (workspace_id, event_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE departments (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  parent_id TEXT,
  head_id TEXT,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  department_id TEXT,
  active INTEGER NOT NULL,
  capacity INTEGER,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE pipelines (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  entity TEXT NOT NULL,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

-- Stage ids are unique within a workspace (SPEC §2), not only within their pipeline.
CREATE TABLE stages (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  pipeline_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  semantic TEXT NOT NULL,
  PRIMARY KEY (workspace_id, pipeline_id, position)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX stages_by_id ON stages(workspace_id, id);

CREATE TABLE companies (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE contacts (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  company_id TEXT,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE deals (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  entity TEXT NOT NULL,
  title TEXT NOT NULL,
  pipeline_id TEXT NOT NULL,
  stage_id TEXT NOT NULL,
  amount INTEGER NOT NULL,
  original_amount INTEGER,
  original_currency TEXT,
  responsible_id TEXT,
  company_id TEXT,
  contact_id TEXT,
  source TEXT,
  deal_type TEXT,
  created_at INTEGER NOT NULL,
  loss_reason TEXT,
  converted_to TEXT,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

-- Custom fields of a deal, in the order they came; value_json is the JSON value as given.
CREATE TABLE deal_fields (
  workspace_id INTEGER NOT NULL,
  deal_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (workspace_id, deal_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE deal_updates (
  seq INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  deal_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  present INTEGER NOT NULL,
  title TEXT,
  amount INTEGER,
  responsible_id TEXT,
  company_id TEXT,
  contact_id TEXT,
  source TEXT,
  deal_type TEXT,
  loss_reason TEXT,
  converted_to TEXT,
  digest BLOB NOT NULL,
  event_id TEXT
) STRICT;
CREATE UNIQUE INDEX deal_updates_by_content ON deal_updates(workspace_id, deal_id, at, digest);

-- set.fields of a deal update; value_json 'null' clears the field.
CREATE TABLE deal_update_fields (
  update_seq INTEGER NOT NULL,
  position INTEGER NOT NULL,
  workspace_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (update_seq, position)
) STRICT, WITHOUT ROWID;

-- Keyed by what makes a stage change the same one: the deal, the time and the stage entered.
CREATE TABLE stage_changes (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  deal_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  to_stage TEXT NOT NULL,
  from_stage TEXT,
  by_user TEXT,
  event_id TEXT,
  PRIMARY KEY (workspace_id, deal_id, at, to_stage)
) STRICT, WITHOUT ROWID;

CREATE TABLE activities (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  direction TEXT NOT NULL,
  deal_id TEXT,
  contact_id TEXT,
  company_id TEXT,
  user_id TEXT,
  at INTEGER NOT NULL,
  duration_s INTEGER,
  source TEXT,
  score INTEGER,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE tasks (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  deal_id TEXT,
  user_id TEXT,
  title TEXT,
  created_at INTEGER NOT NULL,
  deadline INTEGER,
  completed_at INTEGER,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE task_updates (
  seq INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  task_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  present INTEGER NOT NULL,
  completed_at INTEGER,
  deadline INTEGER,
  user_id TEXT,
  digest BLOB NOT NULL,
  event_id TEXT
) STRICT;
CREATE UNIQUE INDEX task_updates_by_content ON task_updates(workspace_id, task_id, at, digest);

CREATE TABLE goals (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  scope TEXT NOT NULL,
  scope_id TEXT,
  metric TEXT NOT NULL,
  period TEXT NOT NULL,
  target INTEGER NOT NULL,
  event_id TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT, WITHOUT ROWID;
)sql",
    // 2: people and their sessions, per-user dashboard state, revocable ingest tokens.
    // Logins are unique across workspaces (the login page does not ask for a workspace).
    // A session is found by the hash of its id; the id itself is only in the browser's cookie.
    R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  crm_user_id TEXT,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  id_hash BLOB PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_account ON sessions(account_id);

-- scope 'account' (owner = account id) or 'role' (owner = role name, the admin's default).
CREATE TABLE layouts (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  scope TEXT NOT NULL,
  owner TEXT NOT NULL,
  page TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, scope, owner, page)
) STRICT, WITHOUT ROWID;

CREATE TABLE saved_filters (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX saved_filters_by_account ON saved_filters(account_id);

ALTER TABLE ingest_tokens ADD COLUMN revoked_at INTEGER;
)sql",
    // 3: the admin's settings of each workspace (src/access/workspace_settings.h), as JSON.
    // Layouts need no change: department defaults are scope 'department', owner = its id.
    R"sql(
CREATE TABLE workspace_settings (
  workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id),
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
)sql",
    // 4: reports saved from the report builder (src/store/sqlite/saved_report_store.h): the
    // request and its chart as JSON, and whom the owner shares them with; withdrawn goals.
    R"sql(
CREATE TABLE saved_reports (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  owner_account_id INTEGER NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  shared_roles TEXT NOT NULL,
  shared_departments TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX saved_reports_by_workspace ON saved_reports(workspace_id);

-- Goals withdrawn from the goals page are kept as rows marked deleted, so that a withdrawal
-- is a record like any other (idempotent, replayable) and not a hole in the history.
ALTER TABLE goals ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: failed logins, for throttling that survives restarts (src/access/sessions.h).
    R"sql(
-- Failed logins per key (a login or an address) for throttling, shared by whoever uses the
-- store; rows older than the throttling window are deleted as new failures come.
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures(key, at);
CREATE INDEX login_failures_by_time ON login_failures(at);
)sql",
    // 6: what a workspace keeps of its CRM connection (src/store/meta_store.h, CrmStateStore):
    // the webhooks' credentials and the sync's marks, formerly files in the data directory
    // (moved in on first use, importers/crm_state.h).
    R"sql(
CREATE TABLE crm_state (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  crm TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, crm, kind)
) STRICT, WITHOUT ROWID;
)sql",
    // 7: how many activities each workspace holds (RecordWriter keeps it), so that a start-up
    // sizes the engine's table of activity ids once instead of rebuilding it as it fills.
    R"sql(
CREATE TABLE workspace_counts (
  workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id),
  activities INTEGER NOT NULL
) STRICT;
INSERT INTO workspace_counts (workspace_id, activities)
  SELECT workspace_id, count(*) FROM activities GROUP BY workspace_id;
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    return Status::Error(std::string("schema: ") + message);
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() {
  return kMigrationCount;
}

Result<int> SchemaVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT version FROM schema_version UNION ALL SELECT 0 "
      "WHERE NOT EXISTS (SELECT 1 FROM schema_version)";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    // No schema_version table: an empty database.
    return 0;
  }
  int version = 0;
  if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

Status Migrate(sqlite3* db) {
  if (Status status = Exec(db,
                           "CREATE TABLE IF NOT EXISTS schema_version "
                           "(version INTEGER NOT NULL) STRICT");
      !status.ok()) {
    return status;
  }
  Result<int> current = SchemaVersion(db);
  if (!current.ok()) return current.status();
  if (*current > kMigrationCount) {
    return Status::Error("schema: the database has version " + std::to_string(*current) +
                         ", newer than this build's " + std::to_string(kMigrationCount));
  }
  for (int version = *current + 1; version <= kMigrationCount; ++version) {
    std::string sql = std::string("BEGIN IMMEDIATE;\n") + kMigrations[version - 1] +
                      "\nDELETE FROM schema_version;\nINSERT INTO schema_version VALUES (" +
                      std::to_string(version) + ");\nCOMMIT;";
    if (Status status = Exec(db, sql.c_str()); !status.ok()) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return Status::Error(status.message() + " (migration " + std::to_string(version) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace voronka::sqlite
