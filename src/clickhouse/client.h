// A client of ClickHouse's HTTP interface for `clickhouse://HOST:PORT/DB` URLs (PORT is the
// HTTP port, 8123 by default): statements in, rows of text out, errors as Status values.
// Thread-safe: every call opens its own HTTP connection, so one Client serves all threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"

namespace voronka::clickhouse {

// Where a ClickHouse database is.
struct Endpoint {
  std::string host;
  int port = 8123;
  std::string database;
  // "clickhouse://HOST:PORT/DB".
  std::string Url() const;
};

// Parses "clickhouse://HOST[:PORT]/DB"; the error says what is wrong with the URL.
Result<Endpoint> ParseUrl(std::string_view url);

// Query-level settings sent with a statement ("insert_distributed_sync" = "1", ...).
using Settings = std::vector<std::pair<std::string, std::string>>;

// The rows of a SELECT as ClickHouse prints them in TabSeparated, read by cell. The answer is
// kept whole and split once; a cell is unescaped only when asked for (a report of a million
// cells makes no million strings).
class Rows {
 public:
  // Splits a TabSeparated answer; none when rows have differing numbers of cells.
  static std::optional<Rows> Parse(std::string text);
  Rows() = default;
  Rows(Rows&& other) noexcept = default;
  Rows& operator=(Rows&& other) noexcept = default;

  size_t size() const { return columns_ == 0 ? 0 : cells_.size() / columns_; }
  bool empty() const { return cells_.empty(); }
  size_t columns() const { return columns_; }
  // The value of a String (or any) column, unescaped.
  std::string Text(size_t row, size_t column) const;
  // A number column (Int*, UInt*); 0 when the cell is not an integer.
  int64_t Int(size_t row, size_t column) const;
  uint64_t UInt(size_t row, size_t column) const;
  // An Array(String) column (['a','b\'c']); empty when malformed.
  std::vector<std::string> Array(size_t row, size_t column) const;
  // NULL of a Nullable column (printed \N).
  bool IsNull(size_t row, size_t column) const { return Raw(row, column) == "\\N"; }
  // The cell as printed, escapes and all.
  std::string_view Raw(size_t row, size_t column) const {
    const Cell& cell = cells_[row * columns_ + column];
    return std::string_view(text_).substr(cell.begin, cell.length);
  }

 private:
  // Offsets rather than views: a moved short string moves its characters.
  struct Cell {
    size_t begin;
    size_t length;
  };
  std::string text_;
  std::vector<Cell> cells_;  // into text_, row after row
  size_t columns_ = 0;
};

struct ClientOptions {
  int connect_timeout_ms = 3000;  // a server that does not accept within this is unavailable
  int read_timeout_ms = 120000;   // the longest a statement may run
};

class Client {
 public:
  explicit Client(Endpoint endpoint, ClientOptions options = {});
  // A client for `url` (see ParseUrl).
  static Result<Client> Open(std::string_view url, ClientOptions options = {});
  Client(Client&& other) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs a statement that returns no rows (DDL, INSERT ... SELECT). `body`, when not empty,
  // is sent as the data of an INSERT ("INSERT INTO t FORMAT TabSeparated" + rows).
  Status Execute(std::string_view sql, std::string_view body = {},
                 const Settings& settings = {}) const;
  // Runs a SELECT (no FORMAT clause: TabSeparated is added) and returns its rows.
  Result<Rows> Query(std::string_view sql, const Settings& settings = {}) const;
  // The same in another database of the same server (empty: the server's default).
  Result<Rows> QueryIn(std::string_view database, std::string_view sql,
                       const Settings& settings = {}) const;
  Status ExecuteIn(std::string_view database, std::string_view sql, std::string_view body = {},
                   const Settings& settings = {}) const;

  // Ok while the last call reached the server; after a failure, asks the server again.
  Status Health() const;

  const Endpoint& endpoint() const { return endpoint_; }
  // What the messages call the server: "ClickHouse at HOST:PORT/DB".
  const std::string& label() const { return label_; }

 private:
  Result<std::string> Post(std::string_view database, std::string_view sql,
                           std::string_view body, const Settings& settings) const;
  void Note(const Status& status) const;

  Endpoint endpoint_;
  ClientOptions options_;
  std::string label_;
  mutable std::mutex mutex_;                    // guards failure_
  mutable std::optional<std::string> failure_;  // the last unavailability, until a success
};

// A string literal for SQL: 'it\'s' (backslash escapes, as ClickHouse reads them).
std::string Quote(std::string_view text);
// A list literal for SQL: ['a','b'].
std::string QuoteArray(const std::vector<std::string>& items);
// A value escaped for a field of TabSeparated input (tab, newline, backslash...).
std::string EscapeTsv(std::string_view text);
// Appends the TabSeparated field for `text` to `out` (EscapeTsv without a temporary).
void AppendTsv(std::string& out, std::string_view text);
// Reads an Array(String) as TabSeparated prints it (['a','b\'c']); none when malformed.
std::optional<std::vector<std::string>> ParseArray(std::string_view text);
// Undoes the backslash escapes of a TabSeparated cell.
std::string UnescapeTsv(std::string_view text);

}  // namespace voronka::clickhouse
