#include "store/postgres/connection.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace voronka::postgres {

namespace {

// libpq's message ends with a newline (and sometimes has several lines): one line is kept.
std::string OneLine(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

Rows::Rows(pg_result* result) : result_(result) {}
Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}
Rows::Rows(Rows&& other) noexcept : result_(other.result_) {
  other.result_ = nullptr;
}

int Rows::size() const {
  return PQntuples(result_);
}
bool Rows::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}
std::string Rows::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}
int64_t Rows::Int(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}
std::optional<int64_t> Rows::OptInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}
bool Rows::Bool(int row, int column) const {
  return PQgetvalue(result_, row, column)[0] == 't';
}
int64_t Rows::Affected() const {
  return std::strtoll(PQcmdTuples(result_), nullptr, 10);
}

Connection::~Connection() {
  PQfinish(conn_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& uri) {
  pg_conn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) return Status::Error("out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Error(message);
  }
  // Notices (e.g. "relation exists, skipping") are not for the server's log.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

bool Connection::alive() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

Status Connection::Failed(pg_result* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  std::string message = std::string(what) + ": " + OneLine(PQerrorMessage(conn_));
  if (result != nullptr) PQclear(result);
  return Status::Error(message);
}

Result<Rows> Connection::Execute(const Sql& sql, const std::vector<Param>& params,
                                 std::string_view what) {
  last_sqlstate_.clear();
  const int count = static_cast<int>(params.size());
  if (prepared_.count(sql.name) == 0) {
    pg_result* prepared = PQprepare(conn_, sql.name, sql.text, count, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) return Failed(prepared, what);
    PQclear(prepared);
    prepared_.insert(sql.name);
  }
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const std::optional<std::string>& value = params[i].value();
    values[i] = value ? value->data() : nullptr;
    lengths[i] = value ? static_cast<int>(value->size()) : 0;
    formats[i] = params[i].binary() ? 1 : 0;
  }
  pg_result* result = PQexecPrepared(conn_, sql.name, count, values.data(), lengths.data(),
                                     formats.data(), /*resultFormat=*/0);
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Failed(result, what);
  return Rows(result);
}

Status Connection::ExecScript(std::string_view script, std::string_view what) {
  last_sqlstate_.clear();
  pg_result* result = PQexec(conn_, std::string(script).c_str());
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Failed(result, what);
  PQclear(result);
  return Status::Ok();
}

Pool::Pool(std::string uri, std::string label, int max_connections)
    : uri_(std::move(uri)), label_(std::move(label)), max_connections_(max_connections) {}

Pool::~Pool() = default;

Result<Pool::Lease> Pool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  // Connecting takes a round trip or a timeout: not under the lock.
  Result<std::unique_ptr<Connection>> opened = Connection::Open(uri_);
  if (!opened.ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    failure_ = label_ + " is unreachable: " + opened.message();
    return Status::Error(*failure_);
  }
  return Lease(this, std::move(opened).value());
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->alive()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  returned_.notify_one();
}

void Pool::NoteFailure(const std::string& message) {
  std::lock_guard lock(mutex_);
  failure_ = message;
}

void Pool::NoteSuccess() {
  std::lock_guard lock(mutex_);
  failure_.reset();
}

Result<Rows> Pool::Run(const Sql& sql, const std::vector<Param>& params, std::string_view what,
                       bool repeatable, std::string* sqlstate) {
  for (int attempt = 0;; ++attempt) {
    Result<Lease> lease = Acquire();
    if (!lease.ok()) return lease.status();
    Result<Rows> rows = (*lease)->Execute(sql, params, what);
    if (rows.ok()) {
      NoteSuccess();
      return rows;
    }
    if ((*lease)->alive()) {  // the statement failed, not the connection
      if (sqlstate != nullptr) *sqlstate = (*lease)->last_sqlstate();
      return rows.status();
    }
    std::string failure = label_ + " is unreachable: " + rows.message();
    NoteFailure(failure);
    if (!repeatable || attempt > 0) return Status::Error(failure);
  }
}

Status Pool::Health() {
  {
    std::lock_guard lock(mutex_);
    if (!failure_) return Status::Ok();
  }
  // A pooled connection may predate the failure; it is dropped when found dead.
  static constexpr Sql kCheck{"health_check", "SELECT 1"};
  Result<Rows> checked = Run(kCheck, {}, "health check", /*repeatable=*/true);
  return checked.ok() ? Status::Ok() : checked.status();
}

Pool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

}  // namespace voronka::postgres
