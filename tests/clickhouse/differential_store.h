// For the report compiler's tests: a throwaway ClickHouse server (scripts/clickhouse.sh), the
// facts tables of the scale-out schema on it, and canonical records written into them in
// batches, committed the way the fact writer commits them (the batch row last).
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clickhouse/report.h"
#include "model/records.h"
#include "testing/process.h"

namespace voronka::testing {

inline bool ClickHouseDisabled() {
  const char* off = std::getenv("VORONKA_NO_CLICKHOUSE");
  return off != nullptr && std::string(off) == "1";
}

// One server for a test binary, started on first use and stopped at exit.
class ClickHouseServer {
 public:
  static ClickHouseServer& Get() {
    static ClickHouseServer server;
    return server;
  }
  ~ClickHouseServer() {
    if (started_) {
      std::string stop = std::string(VORONKA_SOURCE_DIR) + "/scripts/clickhouse.sh stop " +
                         dir_.path() + " >/dev/null 2>&1";
      [[maybe_unused]] int ignored = std::system(stop.c_str());
    }
  }
  bool started() const { return started_ || external_; }

  Result<std::string> Run(const std::string& sql) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(120, 0);
    auto began = std::chrono::steady_clock::now();
    auto answer = client.Post("/", sql, "text/plain");
    if (std::getenv("VORONKA_SQL_TRACE") != nullptr) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - began)
                    .count();
      std::fprintf(
          stderr, "%5lld ms %s\n", static_cast<long long>(ms),
          (std::string(std::getenv("VORONKA_SQL_TRACE")) == "full" ? sql : sql.substr(0, 60))
              .c_str());
    }
    if (!answer) return Status::Error("facts store unreachable");
    if (answer->status != 200) return Status::Error("facts store: " + answer->body);
    return answer->body;
  }
  ClickHouseQuery Query() {
    return [this](const std::string& sql) { return Run(sql); };
  }

 private:
  ClickHouseServer() {
    // VORONKA_CLICKHOUSE_PORT: use a server already running there (during development).
    if (const char* port = std::getenv("VORONKA_CLICKHOUSE_PORT")) {
      port_ = std::atoi(port);
      external_ = true;
      return;
    }
    port_ = FreePort();
    std::string start = std::string(VORONKA_SOURCE_DIR) + "/scripts/clickhouse.sh start " +
                        dir_.path() + " " + std::to_string(port_) + " >/dev/null";
    started_ = std::system(start.c_str()) == 0;
  }
  TempDir dir_;
  int port_ = 0;
  bool started_ = false;
  bool external_ = false;
};

// The facts tables (single server: the MergeTree tables under the names queries read).
inline void CreateFactsTables(ClickHouseServer& server) {
  const char* tables[] = {
      "batches (ws String, batch UInt64, committed_at Int64)",
      "settings (ws String, name String, value String, batch UInt64, seq UInt32)",
      "users (ws String, id String, name String, department_id String, active UInt8, "
      "capacity Int32, batch UInt64, seq UInt32)",
      "departments (ws String, id String, name String, parent_id String, head_id String, "
      "batch UInt64, seq UInt32)",
      "pipelines (ws String, id String, name String, entity UInt8, stage_ids Array(String), "
      "stage_names Array(String), stage_semantics Array(UInt8), batch UInt64, seq UInt32)",
      "companies (ws String, id String, name String, batch UInt64, seq UInt32)",
      "deals (ws String, id String, entity UInt8, title String, pipeline_id String, "
      "stage_id String, amount Int64, responsible_id String, company_id String, "
      "contact_id String, source String, deal_type String, created_at Int64, loss_reason "
      "String, converted_to String, batch UInt64, seq UInt32)",
      "deal_updates (ws String, deal_id String, at Int64, name String, is_null UInt8, value "
      "String, batch UInt64, seq UInt32)",
      "deal_fields (ws String, deal_id String, key Int64, name String, is_null UInt8, kind "
      "UInt8, value String, items Array(String), batch UInt64, seq UInt32)",
      "stage_changes (ws String, deal_id String, at Int64, to_stage String, from_stage String, "
      "by_user String, batch UInt64, seq UInt32)",
      "activities (ws String, id String, kind UInt8, direction UInt8, deal_id String, user_id "
      "String, at Int64, batch UInt64, seq UInt32)",
      "tasks (ws String, id String, deal_id String, user_id String, created_at Int64, deadline "
      "Int64, completed_at Int64, batch UInt64, seq UInt32)",
      "task_updates (ws String, task_id String, at Int64, name String, is_null UInt8, value "
      "String, batch UInt64, seq UInt32)"};
  for (const char* table : tables) {
    std::string name = std::string(table).substr(0, std::string(table).find(' '));
    ASSERT_TRUE(server.Run("DROP TABLE IF EXISTS " + name).ok());
    Result<std::string> made =
        server.Run(std::string("CREATE TABLE ") + table + " ENGINE = MergeTree ORDER BY ws");
    ASSERT_TRUE(made.ok()) << made.message();
  }
}

// Rows of one batch, by table, as JSONEachRow objects.
class BatchRows {
 public:
  BatchRows(std::string ws, uint64_t batch) : ws_(std::move(ws)), batch_(batch) {}

  void Add(const Record& record) {
    ++seq_;
    std::visit([&](const auto& r) { AddBody(r); }, record.body);
  }
  // Inserts every row; with `commit` the batch row last.
  void Write(ClickHouseServer& server, bool commit) const {
    for (const auto& [table, rows] : rows_) {
      std::string body = "INSERT INTO " + table + " FORMAT JSONEachRow\n";
      for (const nlohmann::json& row : rows) body += row.dump() + "\n";
      Result<std::string> done = server.Run(body);
      ASSERT_TRUE(done.ok()) << done.message();
    }
    if (commit) {
      nlohmann::json row = {{"ws", ws_}, {"batch", batch_}, {"committed_at", 0}};
      ASSERT_TRUE(server.Run("INSERT INTO batches FORMAT JSONEachRow\n" + row.dump()).ok());
    }
  }

 private:
  nlohmann::json& Row(const std::string& table) {
    rows_[table].push_back({{"ws", ws_}, {"batch", batch_}, {"seq", seq_}});
    return rows_[table].back();
  }
  static std::string Text(const std::optional<std::string>& value) { return value.value_or(""); }

  void Field(const std::string& deal, int64_t key, const CustomField& field) {
    nlohmann::json& row = Row("deal_fields");
    const FieldValue& v = field.value;
    std::vector<std::string> items;
    std::string text = v.text;
    if (v.kind == FieldValue::Kind::kBool) text = v.boolean ? "true" : "false";
    if (v.kind == FieldValue::Kind::kList) items = v.items;
    if (v.kind == FieldValue::Kind::kString || v.kind == FieldValue::Kind::kNumber ||
        v.kind == FieldValue::Kind::kBool) {
      items = {text};
    }
    row.update({{"deal_id", deal},
                {"key", key},
                {"name", field.name},
                {"is_null", v.kind == FieldValue::Kind::kNull ? 1 : 0},
                {"kind", static_cast<int>(v.kind)},
                {"value", text},
                {"items", items}});
  }
  void Update(const std::string& deal, int64_t at, const std::string& name,
              const std::optional<std::string>& value) {
    Row("deal_updates")
        .update({{"deal_id", deal},
                 {"at", at},
                 {"name", name},
                 {"is_null", value ? 0 : 1},
                 {"value", Text(value)}});
  }

  void AddBody(const WorkspaceRecord& r) {
    auto set = [&](const char* name, const std::optional<std::string>& value) {
      if (value) Row("settings").update({{"name", name}, {"value", *value}});
    };
    set("name", r.name);
    set("time_zone", r.time_zone);
    set("currency", r.currency);
    set("locale", r.locale);
    set("deal_url", r.deal_url);
    if (r.forgotten_days) set("forgotten_days", std::to_string(*r.forgotten_days));
  }
  void AddBody(const UserRecord& r) {
    Row("users").update({{"id", r.id},
                         {"name", r.name},
                         {"department_id", Text(r.department_id)},
                         {"active", r.active ? 1 : 0},
                         {"capacity", r.capacity.value_or(-1)}});
  }
  void AddBody(const DepartmentRecord& r) {
    Row("departments")
        .update({{"id", r.id},
                 {"name", r.name},
                 {"parent_id", Text(r.parent_id)},
                 {"head_id", Text(r.head_id)}});
  }
  void AddBody(const PipelineRecord& r) {
    std::vector<std::string> ids, names;
    std::vector<int> semantics;
    for (const StageDef& s : r.stages) {
      ids.push_back(s.id);
      names.push_back(s.name);
      semantics.push_back(static_cast<int>(s.semantic));
    }
    Row("pipelines")
        .update({{"id", r.id},
                 {"name", r.name},
                 {"entity", static_cast<int>(r.entity)},
                 {"stage_ids", ids},
                 {"stage_names", names},
                 {"stage_semantics", semantics}});
  }
  void AddBody(const DealRecord& r) {
    Row("deals").update({{"id", r.id},
                         {"entity", static_cast<int>(r.entity)},
                         {"title", r.title},
                         {"pipeline_id", r.pipeline_id},
                         {"stage_id", r.stage_id},
                         {"amount", r.amount},
                         {"responsible_id", Text(r.responsible_id)},
                         {"company_id", Text(r.company_id)},
                         {"contact_id", Text(r.contact_id)},
                         {"source", Text(r.source)},
                         {"deal_type", Text(r.deal_type)},
                         {"created_at", r.created_at.micros},
                         {"loss_reason", Text(r.loss_reason)},
                         {"converted_to", Text(r.converted_to)}});
    for (const CustomField& field : r.fields) Field(r.id, r.created_at.micros * 2, field);
  }
  void AddBody(const DealUpdateRecord& r) {
    int64_t at = r.at.micros;
    if (r.title) Update(r.id, at, "title", *r.title);
    if (r.amount) Update(r.id, at, "amount", std::to_string(*r.amount));
    auto member = [&](const char* name, const std::optional<std::optional<std::string>>& value) {
      if (value) Update(r.id, at, name, *value);
    };
    member("responsible_id", r.responsible_id);
    member("company_id", r.company_id);
    member("contact_id", r.contact_id);
    member("source", r.source);
    member("deal_type", r.deal_type);
    member("loss_reason", r.loss_reason);
    member("converted_to", r.converted_to);
    for (const CustomField& field : r.fields) Field(r.id, at * 2 + 1, field);
  }
  void AddBody(const StageChangeRecord& r) {
    Row("stage_changes")
        .update({{"deal_id", r.deal_id},
                 {"at", r.at.micros},
                 {"to_stage", r.to},
                 {"from_stage", Text(r.from)},
                 {"by_user", Text(r.by)}});
  }
  void AddBody(const ActivityRecord& r) {
    Row("activities")
        .update({{"id", r.id},
                 {"kind", static_cast<int>(r.kind)},
                 {"direction", static_cast<int>(r.direction)},
                 {"deal_id", Text(r.deal_id)},
                 {"user_id", Text(r.user_id)},
                 {"at", r.at.micros}});
  }
  void AddBody(const TaskRecord& r) {
    auto time = [](const std::optional<Instant>& at) { return at ? at->micros : kNoTime; };
    Row("tasks").update({{"id", r.id},
                         {"deal_id", Text(r.deal_id)},
                         {"user_id", Text(r.user_id)},
                         {"created_at", r.created_at.micros},
                         {"deadline", time(r.deadline)},
                         {"completed_at", time(r.completed_at)}});
  }
  void AddBody(const TaskUpdateRecord& r) {
    auto time = [&](const char* name, const std::optional<std::optional<Instant>>& value) {
      if (!value) return;
      Row("task_updates")
          .update(
              {{"task_id", r.id},
               {"at", r.at.micros},
               {"name", name},
               {"is_null", value->has_value() ? 0 : 1},
               {"value", value->has_value() ? std::to_string((*value)->micros) : std::string()}});
    };
    time("completed_at", r.completed_at);
    time("deadline", r.deadline);
  }
  void AddBody(const CompanyRecord& r) {
    Row("companies").update({{"id", r.id}, {"name", r.name}});
  }
  template <typename Other>
  void AddBody(const Other&) {}  // goals, contacts: not read by reports here

  std::string ws_;
  uint64_t batch_;
  uint32_t seq_ = 0;
  std::map<std::string, std::vector<nlohmann::json>> rows_;
};

}  // namespace voronka::testing
