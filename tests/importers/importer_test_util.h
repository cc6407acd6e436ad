// Helpers for importer tests: a store in a temporary directory, the engine loaded from it as
// the server loads it, reports at a fixed moment, and the `voronka` command.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/engine.h"
#include "importers/import_batch.h"
#include "importers/import_target.h"
#include "metrics/report.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka::testing {

inline std::string FixtureDir(const std::string& name) {
  return std::string(VORONKA_SOURCE_DIR) + "/tests/importers/fixtures/" + name;
}

// A store with a workspace "acme" in Moscow time (the fixtures' portals are in Moscow).
struct ImportFixture {
  TempDir dir;
  std::unique_ptr<SqliteStore> store;
  int64_t workspace = 0;

  ImportFixture() {
    auto opened = SqliteStore::Open(dir.path() + "/data");
    EXPECT_TRUE(opened.ok()) << opened.message();
    store = std::move(opened.value());
    WorkspaceRecord settings;
    settings.time_zone = "Europe/Moscow";
    auto created = store->CreateWorkspace("acme", settings);
    EXPECT_TRUE(created.ok()) << created.message();
    workspace = created.value();
  }

  // The workspace as the importers and syncs write to it.
  SqliteImportTarget& target() {
    if (!target_) target_ = std::make_unique<SqliteImportTarget>(*store, workspace);
    return *target_;
  }

  // Stores the batch, failing the test on any error.
  ImportSummary Store(ImportBatch batch) {
    for (const std::string& error : batch.errors) ADD_FAILURE() << error;
    ImportSummary summary = StoreImportBatch(*store, workspace, std::move(batch));
    for (const std::string& error : summary.errors) ADD_FAILURE() << error;
    return summary;
  }

  // Every stored record of the workspace, as the server replays them.
  std::vector<Record> Stored() const {
    std::vector<Record> records;
    Status loaded =
        store->Load(workspace, [&](const Record& record) { records.push_back(record); });
    EXPECT_TRUE(loaded.ok()) << loaded.message();
    return records;
  }

  std::unique_ptr<Engine> LoadEngine() const {
    auto engine = std::make_unique<Engine>();
    engine->Apply(Stored());
    return engine;
  }

 private:
  std::unique_ptr<SqliteImportTarget> target_;
};

// Runs a report on `engine`; a failed request fails the test and answers null.
inline nlohmann::json Report(const Engine& engine, const nlohmann::json& request) {
  Result<nlohmann::json> answer = RunReport(engine, request, Instant{0});
  if (!answer.ok()) {
    ADD_FAILURE() << answer.message() << " for " << request.dump();
    return nullptr;
  }
  return answer.value();
}

// The request for `metric` over March 2024, seen on 2024-04-10, with more members merged in.
inline nlohmann::json March(const std::string& metric,
                            nlohmann::json more = nlohmann::json::object()) {
  nlohmann::json request = {{"metric", metric},
                            {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                            {"as_of", "2024-04-10T00:00:00Z"}};
  request.update(more);
  return request;
}

// The total of a report.
inline nlohmann::json Total(const Engine& engine, const nlohmann::json& request) {
  nlohmann::json answer = Report(engine, request);
  return answer.is_null() ? nlohmann::json("no answer") : answer["total"];
}

// The value of the row whose group has `key` = `value`.
inline nlohmann::json Row(const nlohmann::json& answer, const std::string& key,
                          const std::string& value) {
  for (const nlohmann::json& row : answer["rows"]) {
    if (row["group"].value(key, std::string("\x01")) == value) return row["value"];
  }
  ADD_FAILURE() << "no row " << key << "=" << value << " in " << answer.dump();
  return "no row";
}

// A copy of a fixture dump in a temporary directory, to spoil one page of it.
inline std::string CopyFixture(const TempDir& dir, const std::string& name) {
  std::string copy = dir.path() + "/" + name;
  std::filesystem::copy(FixtureDir(name), copy, std::filesystem::copy_options::recursive);
  return copy;
}

}  // namespace voronka::testing
