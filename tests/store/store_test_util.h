// Helpers for the store tests: a temporary data directory, batches from NDJSON or records,
// and a census of every table to prove that a failed batch changed nothing.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ingest/ndjson.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"  // TempDir

namespace voronka::testing {

inline std::unique_ptr<SqliteStore> OpenStore(const std::string& dir) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir);
  EXPECT_TRUE(store.ok()) << store.message();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Records as a batch, numbered 1.. like the lines of a file.
inline ParsedBatch BatchOf(std::vector<Record> records) {
  ParsedBatch batch;
  batch.records = std::move(records);
  for (size_t i = 0; i < batch.records.size(); ++i) {
    batch.lines.push_back(static_cast<int64_t>(i) + 1);
  }
  return batch;
}

// NDJSON through the real parser; the test fails if the text does not parse.
inline ParsedBatch Parse(std::string_view ndjson) {
  ParsedBatch batch = ParseNdjson(ndjson);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  return batch;
}

inline std::vector<Record> LoadAll(const SqliteStore& store, int64_t workspace_id) {
  std::vector<Record> records;
  Status status = store.Load(workspace_id, [&](const Record& r) { records.push_back(r); });
  EXPECT_TRUE(status.ok()) << status.message();
  return records;
}

// Row count of every table in the database file, read through a connection of its own.
inline std::map<std::string, int64_t> RowCounts(const std::string& db_path) {
  std::map<std::string, int64_t> counts;
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::vector<std::string> tables;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1,
                     &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  for (const std::string& table : tables) {
    std::string sql = "SELECT count(*) FROM " + table;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    if (sqlite3_step(stmt) == SQLITE_ROW) counts[table] = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return counts;
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace voronka::testing
