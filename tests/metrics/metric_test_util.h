// Helpers for metric tests: a test is a short NDJSON history, a request and the answer.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "ingest/ndjson.h"
#include "metrics/report.h"

namespace voronka::testing {

// Parses NDJSON (failing the test on any error) and applies it to `engine` as one batch.
inline void Feed(Engine& engine, std::string_view ndjson) {
  ParsedBatch batch = ParseNdjson(ndjson);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  engine.Apply(batch.records);
}

inline std::unique_ptr<Engine> Load(std::string_view ndjson) {
  auto engine = std::make_unique<Engine>();
  Feed(*engine, ndjson);
  return engine;
}

// Runs a report; a failed request fails the test and answers null.
inline nlohmann::json Report(const Engine& engine, std::string_view request,
                             const Visibility& visibility = {}) {
  Result<nlohmann::json> answer =
      RunReport(engine, nlohmann::json::parse(request), Instant{0}, visibility);
  if (!answer.ok()) {
    ADD_FAILURE() << answer.message();
    return nullptr;
  }
  return answer.value();
}

inline nlohmann::json Drill(const Engine& engine, std::string_view request,
                            const Visibility& visibility = {}) {
  Result<nlohmann::json> answer =
      RunDrilldown(engine, nlohmann::json::parse(request), Instant{0}, visibility);
  if (!answer.ok()) {
    ADD_FAILURE() << answer.message();
    return nullptr;
  }
  return answer.value();
}

// The drill-down of one answer row of `request`: the request plus the row's group and bucket.
inline nlohmann::json DrillRow(const Engine& engine, const nlohmann::json& request,
                               const nlohmann::json& row) {
  nlohmann::json drill = request;
  drill["group"] = row["group"];
  if (row.contains("bucket")) drill["bucket"] = row["bucket"];
  return Drill(engine, drill.dump());
}

// The value of the only row of an ungrouped, unbucketed report.
inline nlohmann::json Value(const Engine& engine, std::string_view request) {
  nlohmann::json answer = Report(engine, request);
  if (answer.is_null() || answer["rows"].size() != 1) {
    ADD_FAILURE() << "expected one row: " << answer.dump();
    return "no row";
  }
  return answer["rows"][0]["value"];
}

// A row's value by its group values given as {"key": "value"} JSON text (and bucket, if any).
inline nlohmann::json RowValue(const nlohmann::json& answer, std::string_view group,
                               std::string_view bucket = "") {
  nlohmann::json wanted = nlohmann::json::parse(group);
  for (const nlohmann::json& row : answer["rows"]) {
    bool match = true;
    for (const auto& [key, value] : wanted.items()) match = match && row["group"][key] == value;
    if (!bucket.empty()) match = match && row.value("bucket", "") == bucket;
    if (match) return row["value"];
  }
  ADD_FAILURE() << "no row " << group << " " << bucket << " in " << answer.dump();
  return "no row";
}

// The workspace most tests share: Moscow time, a department tree d1 > d2, users u1 (d1),
// u2 (d2), u3 (no department), and pipeline p1 with four open stages, one won, one lost,
// plus pipeline p2 (another funnel) and lead pipeline L.
inline constexpr std::string_view kWorkspace = R"(
{"type":"workspace","name":"Test","time_zone":"Europe/Moscow","currency":"RUB","locale":"ru","deal_url":"https://crm.example/deal/{id}/","forgotten_days":14}
{"type":"department","id":"d1","name":"Sales","parent_id":null,"head_id":"u1"}
{"type":"department","id":"d2","name":"Sales East","parent_id":"d1","head_id":null}
{"type":"user","id":"u1","name":"Adelina","department_id":"d1"}
{"type":"user","id":"u2","name":"Boris","department_id":"d2","capacity":4}
{"type":"user","id":"u3","name":"Vera"}
{"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"taken","name":"Taken","semantic":"open"},{"id":"request","name":"Request","semantic":"open"},{"id":"invoice","name":"Invoice","semantic":"open"},{"id":"awaiting","name":"Awaiting payment","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"},{"id":"failed","name":"Failed","semantic":"lost"}]}
{"type":"pipeline","id":"p2","name":"Retail","entity":"deal","stages":[{"id":"r_new","name":"New","semantic":"open"},{"id":"r_done","name":"Done","semantic":"won"},{"id":"r_lost","name":"Lost","semantic":"lost"}]}
)";

}  // namespace voronka::testing
