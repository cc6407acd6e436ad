// A thin layer over libpq for the metadata store: one connection with its prepared
// statements, and a small pool of them shared by the threads of a server. Every call returns
// a Result; nothing here throws.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/status.h"

struct pg_conn;
struct pg_result;

namespace voronka::postgres {

// A statement prepared once per connection under `name` on its first use.
struct Sql {
  const char* name;
  const char* text;
};

// Bytes sent as bytea (binary), unlike text which goes as text.
struct Bytes {
  std::string_view data;
};

// One parameter of a statement: text, a bigint, raw bytes, or NULL.
class Param {
 public:
  Param(std::string_view text) : value_(std::string(text)) {}  // NOLINT: implicit by design
  Param(const std::string& text) : value_(text) {}             // NOLINT
  Param(const char* text) : value_(std::string(text)) {}       // NOLINT
  Param(int64_t number) : value_(std::to_string(number)) {}    // NOLINT
  Param(bool flag) : value_(flag ? "t" : "f") {}               // NOLINT
  Param(std::optional<int64_t> number)                         // NOLINT
      : value_(number ? std::optional<std::string>(std::to_string(*number)) : std::nullopt) {}
  Param(Bytes bytes) : value_(std::string(bytes.data)), binary_(true) {}  // NOLINT
  static Param Null() { return Param(std::nullopt); }

  const std::optional<std::string>& value() const { return value_; }
  bool binary() const { return binary_; }

 private:
  explicit Param(std::nullopt_t) {}
  std::optional<std::string> value_;
  bool binary_ = false;
};

// The rows of a statement's answer, in text format.
class Rows {
 public:
  explicit Rows(pg_result* result);
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&&) = delete;
  Rows(const Rows&) = delete;

  int size() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  std::optional<int64_t> OptInt(int row, int column) const;
  bool Bool(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t Affected() const;

 private:
  pg_result* result_;
};

class Connection {
 public:
  ~Connection();
  // Connects with a libpq connection string or URI ("postgresql://user@host:port/db").
  static Result<std::unique_ptr<Connection>> Open(const std::string& uri);

  // Runs `sql`, prepared on this connection on first use. An error names `what`.
  Result<Rows> Execute(const Sql& sql, const std::vector<Param>& params, std::string_view what);
  // Runs one or more statements without parameters (schema changes, BEGIN/COMMIT).
  Status ExecScript(std::string_view script, std::string_view what);
  // False once the server has gone away; such a connection is of no further use.
  bool alive() const;
  // The SQLSTATE of the last failed statement ("23505": a unique key exists already).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  Status Failed(pg_result* result, std::string_view what);
  pg_conn* conn_;
  std::unordered_set<std::string> prepared_;
  std::string last_sqlstate_;
};

// Connections to one database, opened when needed (at most `max_connections` at a time) and
// kept for reuse. A connection found dead is dropped, so after the server restarts the next
// call connects afresh: a pool recovers by itself.
class Pool {
 public:
  class Lease;
  Pool(std::string uri, std::string label, int max_connections);
  ~Pool();

  // A connection for the calling thread until the lease ends; waits while all are in use.
  Result<Lease> Acquire();
  // What the messages call the database: "PostgreSQL at HOST:PORT/DB" (no password).
  const std::string& label() const { return label_; }
  // Runs `sql` on a connection of the pool. When the connection turns out dead (the server
  // restarted), a `repeatable` statement (a read, or a write whose repetition changes
  // nothing) is run once more on a fresh one. `sqlstate`, when given, receives the SQLSTATE
  // of a failed statement ("23505": a unique key exists already).
  Result<Rows> Run(const Sql& sql, const std::vector<Param>& params, std::string_view what,
                   bool repeatable, std::string* sqlstate = nullptr);
  // Ok while the last call reached the server; after a failure, checks with a connection.
  Status Health();

 private:
  void NoteFailure(const std::string& message);
  void NoteSuccess();
  void Return(std::unique_ptr<Connection> connection);

  const std::string uri_;
  const std::string label_;
  const int max_connections_;
  std::mutex mutex_;  // guards the members below
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;                        // idle plus leased
  std::optional<std::string> failure_;  // the last failure, until a call succeeds
};

// A connection taken from the pool; returned to it (or dropped when dead) at the end.
class Pool::Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection* operator->() { return connection_.get(); }
  Connection& operator*() { return *connection_; }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace voronka::postgres
