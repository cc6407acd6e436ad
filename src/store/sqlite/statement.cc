#include "store/sqlite/statement.h"

#include <memory>

namespace voronka::sqlite {

Connection::~Connection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only) {
  // Memory statistics take a global mutex on every allocation SQLite makes, several per row
  // written; nothing here reads them. Only possible before SQLite initialises, so this is
  // done once, first thing, and fails harmlessly if another part of the process was earlier.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  auto connection = std::make_unique<Connection>();
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // Each connection is used under one mutex at a time, so SQLite's own locking is not needed.
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &connection->db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open " + path + ": " +
                          (connection->db_ ? sqlite3_errmsg(connection->db_) : sqlite3_errstr(rc));
    return Status::Error(std::move(message));
  }
  sqlite3_extended_result_codes(connection->db_, 1);
  // Writers hold the database only for one short transaction; a reader opening meanwhile waits.
  sqlite3_busy_timeout(connection->db_, 10000);
  return connection;
}

Result<std::unique_ptr<Connection>> Connection::OpenDurable(const std::string& path) {
  Result<std::unique_ptr<Connection>> connection = Open(path, /*read_only=*/false);
  if (!connection.ok()) return connection;
  if (Status status = connection.value()->Exec("PRAGMA synchronous = FULL;"); !status.ok()) {
    return status;
  }
  return connection;
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    return Status::Error("sqlite: " + message);
  }
  return Status::Ok();
}

Status Connection::Error(std::string_view context) const {
  return Status::Error(std::string(context) + ": " + sqlite3_errmsg(db_));
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Error("sqlite: cannot prepare '" + std::string(sql) +
                         "': " + sqlite3_errmsg(db));
  }
  return Statement(stmt);
}

}  // namespace voronka::sqlite
