// Thin RAII wrappers over the SQLite C API: a connection and a reusable prepared statement.
// Text is bound without copying (SQLITE_STATIC): the caller keeps it alive until Step().
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/status.h"

namespace voronka::sqlite {

// An open database connection, closed on destruction.
class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens `path` (read-write, creating it unless `read_only`) with extended error codes.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only);
  // Opens `path` read-write with every commit synced to disk (synchronous = FULL): the
  // metadata stores' connections, written rarely and needing the records' durability.
  static Result<std::unique_ptr<Connection>> OpenDurable(const std::string& path);

  sqlite3* get() const { return db_; }
  // Runs one or more statements without results ("PRAGMA ...; CREATE ...").
  Status Exec(std::string_view sql);
  // The last error of this connection, prefixed with `context`.
  Status Error(std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
};

// A prepared statement, reset (not re-prepared) between uses.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  static Result<Statement> Prepare(sqlite3* db, std::string_view sql);

  // Parameters are 1-based as in SQLite. Optional values bind NULL when empty.
  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void Bind(int index, const std::string& text) { Bind(index, std::string_view(text)); }
  // Binds `values` to the parameters 1, 2, ... in order.
  template <typename... Values>
  void BindAll(const Values&... values) {
    int index = 1;
    (Bind(index++, values), ...);
  }
  void BindBlob(int index, const void* data, int size) {
    sqlite3_bind_blob(stmt_, index, data, size, SQLITE_STATIC);
  }
  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }
  void Bind(int index, const std::optional<std::string>& text) {
    if (!text) return BindNull(index);
    Bind(index, std::string_view(*text));
  }
  void Bind(int index, const std::optional<int64_t>& value) {
    if (!value) return BindNull(index);
    Bind(index, *value);
  }
  void Bind(int index, const std::optional<int32_t>& value) {
    if (!value) return BindNull(index);
    Bind(index, static_cast<int64_t>(*value));
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  // Runs a statement without results to completion and resets it for the next use.
  int Run() {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string_view Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text ? std::string_view(text, sqlite3_column_bytes(stmt_, column)) : std::string_view();
  }
  std::string String(int column) const { return std::string(Text(column)); }
  // The text of a column, or none for NULL: a view into SQLite's buffer, valid until the next
  // Step() or Reset().
  std::optional<std::string_view> OptText(int column) const {
    // sqlite3_column_text answers null for a NULL value (and when out of memory, told apart by
    // the type): one call fewer per column than asking the type first, on every stored row
    // that the start-up load reads.
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) {
      if (IsNull(column)) return std::nullopt;
      return std::string_view();
    }
    return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::optional<std::string> OptString(int column) const {
    std::optional<std::string_view> text = OptText(column);
    if (!text) return std::nullopt;
    return std::string(*text);
  }
  std::optional<int64_t> OptInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }

  sqlite3_stmt* get() const { return stmt_; }

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace voronka::sqlite
