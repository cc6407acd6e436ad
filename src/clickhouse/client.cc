#include "clickhouse/client.h"

#include <httplib.h>

#include <charconv>

namespace voronka::clickhouse {

namespace {

// ClickHouse error codes that say "not now" rather than "never": the statement may succeed
// when repeated once the cluster is whole again.
bool IsTransientCode(int code) {
  switch (code) {
    case 159:  // TIMEOUT_EXCEEDED
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR (a shard of a Distributed table is down)
    case 279:  // ALL_CONNECTION_TRIES_FAILED (likewise)
      return true;
    default:
      return false;
  }
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// ClickHouse answers an error with "Code: 60, e.displayText() = DB::Exception: Table x
// doesn't exist., e.what() = DB::Exception" (18.16) or "Code: 60. DB::Exception: ... (
// UNKNOWN_TABLE) (version ...)" (current releases). Returns the code (0 when absent) and
// the message without the decoration.
std::pair<int, std::string> ParseError(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  int code = 0;
  constexpr std::string_view kCode = "Code: ";
  if (body.starts_with(kCode)) {
    const char* begin = body.data() + kCode.size();
    std::from_chars(begin, body.data() + body.size(), code);
  }
  std::string_view message = body;
  constexpr std::string_view kException = "DB::Exception: ";
  if (size_t at = message.find(kException); at != std::string_view::npos) {
    message.remove_prefix(at + kException.size());
  }
  if (size_t at = message.rfind(", e.what() = "); at != std::string_view::npos) {
    message = message.substr(0, at);
  }
  if (size_t at = message.find(" (version "); at != std::string_view::npos) {
    message = message.substr(0, at);
  }
  return {code, std::string(message)};
}

// Appends `text` with the backslash escapes ClickHouse reads both in TabSeparated fields and
// in quoted literals.
void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out.push_back(c);
    }
  }
}

char Unescaped(char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case '0': return '\0';
    default: return c;  // \\ \' and any other escaped character stand for themselves
  }
}

}  // namespace

std::string Endpoint::Url() const {
  return "clickhouse://" + host + ":" + std::to_string(port) + "/" + database;
}

Result<Endpoint> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "clickhouse://";
  auto bad = [&](std::string_view why) {
    return Status::Error("the ClickHouse URL '" + std::string(url) + "' " + std::string(why) +
                         "; expected clickhouse://HOST:PORT/DB (PORT: the HTTP port)");
  };
  if (!url.starts_with(kScheme)) return bad("does not start with clickhouse://");
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return bad("names no database");
  }
  Endpoint endpoint;
  endpoint.database = std::string(rest.substr(slash + 1));
  for (char c : endpoint.database) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_';
    if (!plain) return bad("has a database name with characters other than letters, digits, _");
  }
  std::string_view host_port = rest.substr(0, slash);
  size_t bracket = host_port.find(']');  // an IPv6 address: [::1]:8123
  size_t colon = host_port.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    std::string_view port = host_port.substr(colon + 1);
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (error != std::errc() || end != port.data() + port.size() || endpoint.port <= 0 ||
        endpoint.port > 65535) {
      return bad("has a bad port");
    }
    host_port = host_port.substr(0, colon);
  }
  if (host_port.empty()) return bad("names no host");
  endpoint.host = std::string(host_port);
  return endpoint;
}

Client::Client(Endpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)),
      options_(options),
      label_("ClickHouse at " + endpoint_.host + ":" + std::to_string(endpoint_.port) + "/" +
             endpoint_.database) {}

Client::Client(Client&& other) noexcept
    : endpoint_(std::move(other.endpoint_)),
      options_(other.options_),
      label_(std::move(other.label_)),
      failure_(std::move(other.failure_)) {}

Result<Client> Client::Open(std::string_view url, ClientOptions options) {
  Result<Endpoint> endpoint = ParseUrl(url);
  if (!endpoint.ok()) return endpoint.status();
  return Client(std::move(endpoint).value(), options);
}

Result<std::string> Client::Post(std::string_view database, std::string_view sql,
                                 std::string_view body, const Settings& settings) const {
  std::string path = "/?";
  if (!database.empty()) path += "database=" + PercentEncode(database) + "&";
  for (const auto& [name, value] : settings) {
    path += PercentEncode(name) + "=" + PercentEncode(value) + "&";
  }
  std::string payload;
  if (body.empty()) {
    payload = sql;
  } else {
    // With data, the statement goes in the URL and the data is the whole body.
    path += "query=" + PercentEncode(sql) + "&";
    payload = body;
  }
  path.pop_back();

  httplib::Client http(endpoint_.host, endpoint_.port);
  http.set_connection_timeout(std::chrono::milliseconds(options_.connect_timeout_ms));
  http.set_read_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  http.set_write_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  httplib::Result answer = http.Post(path, payload, "text/plain; charset=utf-8");
  if (!answer) {
    Status status = Status::Unavailable(label_ + " is unreachable: " +
                                        httplib::to_string(answer.error()));
    Note(status);
    return status;
  }
  if (answer->status != 200) {
    auto [code, message] = ParseError(answer->body);
    std::string text = label_ + ": " + message;
    if (code != 0) text += " (code " + std::to_string(code) + ")";
    bool transient = IsTransientCode(code) || answer->status == 502 || answer->status == 503 ||
                     answer->status == 504;
    Status status = transient ? Status::Unavailable(text) : Status::Error(text);
    Note(status);
    return status;
  }
  Note(Status::Ok());
  return std::move(answer->body);
}

void Client::Note(const Status& status) const {
  std::lock_guard lock(mutex_);
  if (status.ok()) {
    failure_.reset();
  } else if (status.unavailable()) {
    failure_ = status.message();
  }
}

Status Client::ExecuteIn(std::string_view database, std::string_view sql, std::string_view body,
                         const Settings& settings) const {
  Result<std::string> answer = Post(database, sql, body, settings);
  return answer.ok() ? Status::Ok() : answer.status();
}

Status Client::Execute(std::string_view sql, std::string_view body,
                       const Settings& settings) const {
  return ExecuteIn(endpoint_.database, sql, body, settings);
}

Result<Rows> Client::QueryIn(std::string_view database, std::string_view sql,
                             const Settings& settings) const {
  std::string statement(sql);
  statement += "\nFORMAT TabSeparated";
  Result<std::string> answer = Post(database, statement, {}, settings);
  if (!answer.ok()) return answer.status();
  std::optional<Rows> rows = Rows::Parse(std::move(answer).value());
  if (!rows) return Status::Error(label_ + ": an answer that is not TabSeparated");
  return std::move(*rows);
}

Result<Rows> Client::Query(std::string_view sql, const Settings& settings) const {
  return QueryIn(endpoint_.database, sql, settings);
}

Status Client::Health() const {
  {
    std::lock_guard lock(mutex_);
    if (!failure_) return Status::Ok();
  }
  Result<Rows> answer = QueryIn("", "SELECT 1");
  return answer.ok() ? Status::Ok() : answer.status();
}

std::string Quote(std::string_view text) {
  std::string out = "'";
  AppendEscaped(out, text);
  out += '\'';
  return out;
}

std::string QuoteArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += Quote(items[i]);
  }
  out += ']';
  return out;
}

std::string EscapeTsv(std::string_view text) {
  std::string out;
  AppendTsv(out, text);
  return out;
}

void AppendTsv(std::string& out, std::string_view text) { AppendEscaped(out, text); }

std::optional<std::vector<std::string>> ParseArray(std::string_view text) {
  std::vector<std::string> items;
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  size_t i = 1;
  const size_t end = text.size() - 1;
  while (i < end) {
    if (text[i] != '\'') return std::nullopt;
    ++i;
    std::string item;
    for (;;) {
      if (i >= end) return std::nullopt;
      char c = text[i++];
      if (c == '\'') break;
      if (c == '\\') {
        if (i >= end) return std::nullopt;
        c = Unescaped(text[i++]);
      }
      item.push_back(c);
    }
    items.push_back(std::move(item));
    if (i < end) {
      if (text[i] != ',') return std::nullopt;
      ++i;
      if (i == end) return std::nullopt;  // a trailing comma
    }
  }
  return items;
}

std::string UnescapeTsv(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out.push_back(Unescaped(text[++i]));
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::optional<Rows> Rows::Parse(std::string text) {
  Rows rows;
  rows.text_ = std::move(text);
  std::string_view all = rows.text_;
  if (!all.empty() && all.back() != '\n') return std::nullopt;  // every row ends with a newline
  // Tabs and newlines inside values are escaped (\t, \n), so every raw one separates cells.
  size_t start = 0;
  size_t in_row = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] != '\t' && all[i] != '\n') continue;
    rows.cells_.push_back({start, i - start});
    start = i + 1;
    ++in_row;
    if (all[i] == '\n') {
      if (rows.columns_ == 0) rows.columns_ = in_row;
      if (in_row != rows.columns_) return std::nullopt;
      in_row = 0;
    }
  }
  return rows;
}

std::string Rows::Text(size_t row, size_t column) const { return UnescapeTsv(Raw(row, column)); }

int64_t Rows::Int(size_t row, size_t column) const {
  std::string_view cell = Raw(row, column);
  int64_t value = 0;
  std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return value;
}

uint64_t Rows::UInt(size_t row, size_t column) const {
  std::string_view cell = Raw(row, column);
  uint64_t value = 0;
  std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return value;
}

std::vector<std::string> Rows::Array(size_t row, size_t column) const {
  std::optional<std::vector<std::string>> items = ParseArray(Raw(row, column));
  return items ? std::move(*items) : std::vector<std::string>{};
}

}  // namespace voronka::clickhouse
