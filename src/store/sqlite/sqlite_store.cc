// SqliteStore: opening, workspaces, ingest tokens and the catalog view.
// Applying and loading records is in sqlite_store_apply.cc.
#include "store/sqlite/sqlite_store.h"

#include <sodium.h>

#include <chrono>
#include <filesystem>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/id_catalog.h"
#include "store/sqlite/record_writer.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/statement.h"
#include "model/clock.h"

namespace voronka {

namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr std::string_view kTokenPrefix = "vk_";
constexpr size_t kTokenRandomBytes = 32;

// Tokens are 256 random bits, so a fast keyed-free hash is enough: there is nothing to guess
// by brute force, and a stolen database yields no usable token.
std::string TokenHash(std::string_view token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

std::string NewToken() {
  unsigned char random[kTokenRandomBytes];
  randombytes_buf(random, sizeof random);
  char text[sodium_base64_ENCODED_LEN(kTokenRandomBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, random, sizeof random,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(random, sizeof random);
  return std::string(kTokenPrefix) + text;
}


}  // namespace

std::string SqliteStore::UnknownWorkspace(int64_t workspace_id) {
  return "no workspace with id " + std::to_string(workspace_id);
}

SqliteStore::~SqliteStore() {
  stopping_ = true;
  if (catalog_loader_.joinable()) catalog_loader_.join();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& data_dir) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  if (Status status = store->Initialize(data_dir); !status.ok()) return status;
  return store;
}

Status SqliteStore::Initialize(const std::string& data_dir) {
  if (sodium_init() < 0) return Status::Error("store: libsodium failed to initialise");
  data_dir_ = data_dir;
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) return Status::Error("store: cannot create " + data_dir + ": " + error.message());
  db_path_ = (std::filesystem::path(data_dir) / "voronka.db").string();

  Result<std::unique_ptr<Connection>> db = Connection::Open(db_path_, /*read_only=*/false);
  if (!db.ok()) return db.status();
  writer_db_ = std::move(db).value();
  // WAL lets Load read a snapshot while a batch commits; synchronous=FULL syncs the WAL at
  // every commit, so an acknowledged batch survives a power cut. The large page cache keeps
  // the id indexes of a big import in memory. Foreign keys stay off: the only ones declared
  // are to workspaces, whose ids only this class hands out, and checking them would cost a
  // lookup per stored row (references between records are checked by ValidateReferences).
  if (Status status = writer_db_->Exec(
          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;"
          "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;");
      !status.ok()) {
    return status;
  }
  if (Status status = sqlite::Migrate(writer_db_->get()); !status.ok()) return status;
  Result<std::unique_ptr<sqlite::RecordWriter>> writer =
      sqlite::RecordWriter::Create(writer_db_->get());
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  Result<std::unique_ptr<sqlite::Checkpointer>> checkpointer =
      sqlite::Checkpointer::Start(writer_db_->get(), db_path_);
  if (!checkpointer.ok()) return checkpointer.status();
  checkpointer_ = std::move(checkpointer).value();

  Result<std::unique_ptr<Connection>> lookup = Connection::Open(db_path_, /*read_only=*/false);
  if (!lookup.ok()) return lookup.status();
  lookup_db_ = std::move(lookup).value();

  std::lock_guard turn(write_mutex_);
  data_version_ = -1;  // never a real version: load everything now
  return CatchUpWithOtherWriters();
}

Status SqliteStore::CatchUpWithOtherWriters() {
  Result<Statement> query = Statement::Prepare(writer_db_->get(), "PRAGMA data_version");
  if (!query.ok()) return query.status();
  if (query->Step() != SQLITE_ROW) return writer_db_->Error("store: data_version");
  int64_t version = query->Int(0);
  if (version == data_version_) return Status::Ok();
  if (Status status = ReloadWorkspaces(); !status.ok()) return status;
  if (Status status = ReloadTokens(); !status.ok()) return status;
  {
    std::lock_guard lock(catalog_mutex_);
    catalogs_.clear();  // read again when next used
  }
  data_version_ = version;
  return Status::Ok();
}

Status SqliteStore::ReloadWorkspaces() {
  Result<Statement> query = Statement::Prepare(
      writer_db_->get(),
      "SELECT id, name, display_name, time_zone, currency, locale, deal_url, forgotten_days "
      "FROM workspaces ORDER BY id");
  if (!query.ok()) return query.status();
  std::vector<WorkspaceInfo> workspaces;
  int rc;
  while ((rc = query->Step()) == SQLITE_ROW) {
    WorkspaceInfo info;
    info.id = query->Int(0);
    info.name = query->String(1);
    info.settings.name = query->OptString(2);
    info.settings.time_zone = query->String(3);
    info.settings.currency = query->String(4);
    info.settings.locale = query->String(5);
    info.settings.deal_url = query->OptString(6);
    if (!query->IsNull(7)) info.settings.forgotten_days = static_cast<int32_t>(query->Int(7));
    workspaces.push_back(std::move(info));
  }
  if (rc != SQLITE_DONE) return writer_db_->Error("store: workspaces");
  std::unique_lock lock(meta_mutex_);
  workspaces_ = std::move(workspaces);
  return Status::Ok();
}

Status SqliteStore::ReloadTokens() {
  Result<Statement> query =
      Statement::Prepare(writer_db_->get(), "SELECT token_hash, workspace_id FROM ingest_tokens");
  if (!query.ok()) return query.status();
  std::unordered_map<std::string, int64_t> hashes;
  int rc;
  while ((rc = query->Step()) == SQLITE_ROW) {
    const void* blob = sqlite3_column_blob(query->get(), 0);
    int size = sqlite3_column_bytes(query->get(), 0);
    hashes[std::string(static_cast<const char*>(blob), static_cast<size_t>(size))] = query->Int(1);
  }
  if (rc != SQLITE_DONE) return writer_db_->Error("store: ingest tokens");
  std::unique_lock lock(meta_mutex_);
  token_hashes_ = std::move(hashes);
  return Status::Ok();
}

Result<std::unique_ptr<sqlite::IdCatalog>> SqliteStore::ReadCatalog(int64_t workspace_id) const {
  Result<std::unique_ptr<Connection>> connection = Connection::Open(db_path_, /*read_only=*/false);
  if (!connection.ok()) return connection.status();
  sqlite3* db = connection.value()->get();
  auto catalog = std::make_unique<sqlite::IdCatalog>();
  Result<Statement> stages = Statement::Prepare(
      db,
      "SELECT p.id, s.id FROM pipelines p LEFT JOIN stages s ON s.workspace_id = "
      "p.workspace_id AND s.pipeline_id = p.id WHERE p.workspace_id = ?1 "
      "ORDER BY p.id, s.position");
  if (!stages.ok()) return stages.status();
  stages->Bind(1, workspace_id);
  std::optional<std::string> pipeline;
  std::vector<std::string> stage_ids;
  auto flush = [&] {
    if (!pipeline) return;
    std::vector<std::string_view> views(stage_ids.begin(), stage_ids.end());
    catalog->SetPipeline(*pipeline, views);
  };
  int rc;
  while ((rc = stages->Step()) == SQLITE_ROW) {
    if (!pipeline || stages->Text(0) != *pipeline) {
      flush();
      pipeline = stages->String(0);
      stage_ids.clear();
    }
    if (!stages->IsNull(1)) stage_ids.push_back(stages->String(1));
  }
  if (rc != SQLITE_DONE) return connection.value()->Error("store: stages");
  flush();

  auto read_ids = [&](const char* sql, auto add) -> Status {
    Result<Statement> ids = Statement::Prepare(db, sql);
    if (!ids.ok()) return ids.status();
    ids->Bind(1, workspace_id);
    int step;
    while ((step = ids->Step()) == SQLITE_ROW) add(ids->Text(0));
    if (step != SQLITE_DONE) return connection.value()->Error("store: ids");
    return Status::Ok();
  };
  Status status = read_ids("SELECT id FROM deals WHERE workspace_id = ?1",
                           [&](std::string_view id) { catalog->AddDeal(id); });
  if (!status.ok()) return status;
  status = read_ids("SELECT id FROM tasks WHERE workspace_id = ?1",
                    [&](std::string_view id) { catalog->AddTask(id); });
  if (!status.ok()) return status;
  return catalog;
}

Result<sqlite::IdCatalog*> SqliteStore::CatalogLocked(int64_t workspace_id) const {
  auto found = catalogs_.find(workspace_id);
  if (found != catalogs_.end()) return found->second.get();
  if (!WorkspaceExists(workspace_id)) return Status::Error(UnknownWorkspace(workspace_id));
  Result<std::unique_ptr<sqlite::IdCatalog>> read = ReadCatalog(workspace_id);
  if (!read.ok()) return read.status();
  sqlite::IdCatalog* catalog = read.value().get();
  catalogs_.emplace(workspace_id, std::move(read).value());
  return catalog;
}

void SqliteStore::LoadCatalogsInBackground() {
  if (catalog_loader_.joinable()) return;
  catalog_loader_ = std::thread([this] {
    for (const WorkspaceInfo& workspace : Workspaces()) {
      if (stopping_) return;
      std::lock_guard lock(catalog_mutex_);
      // A failed read is not kept: the batch that needs the catalog reads it and reports why.
      (void)CatalogLocked(workspace.id);
    }
  });
}

Result<int64_t> SqliteStore::EnsureDefaultWorkspace() {
  {
    std::shared_lock lock(meta_mutex_);
    if (!workspaces_.empty()) return workspaces_.front().id;
  }
  Result<int64_t> created = CreateWorkspace("default");
  if (created.ok()) return created;
  // Another thread may have created it between the check and the insert.
  std::shared_lock lock(meta_mutex_);
  if (!workspaces_.empty()) return workspaces_.front().id;
  return created;
}

Result<int64_t> SqliteStore::CreateWorkspace(std::string_view name,
                                             const WorkspaceRecord& settings) {
  if (name.empty()) return Status::Error("workspace: the name is empty");
  std::lock_guard turn(write_mutex_);
  Result<Statement> insert = Statement::Prepare(
      writer_db_->get(),
      "INSERT INTO workspaces (name, display_name, time_zone, currency, locale, deal_url, "
      "forgotten_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  // Bound text is not copied: the defaults must outlive Step().
  const std::string time_zone = settings.time_zone.value_or("UTC");
  const std::string currency = settings.currency.value_or("RUB");
  const std::string locale = settings.locale.value_or("ru");
  insert->Bind(1, name);
  insert->Bind(2, settings.name);
  insert->Bind(3, std::string_view(time_zone));
  insert->Bind(4, std::string_view(currency));
  insert->Bind(5, std::string_view(locale));
  insert->Bind(6, settings.deal_url);
  insert->Bind(7, settings.forgotten_days);
  int rc = insert->Step();
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Status::Error("workspace '" + std::string(name) + "' exists already");
  }
  if (rc != SQLITE_DONE) return writer_db_->Error("workspace");
  int64_t id = sqlite3_last_insert_rowid(writer_db_->get());
  {
    std::lock_guard lock(catalog_mutex_);
    catalogs_[id] = std::make_unique<sqlite::IdCatalog>();
  }
  if (Status status = ReloadWorkspaces(); !status.ok()) return status;
  return id;
}

std::vector<WorkspaceInfo> SqliteStore::Workspaces() const {
  std::shared_lock lock(meta_mutex_);
  return workspaces_;
}

std::optional<WorkspaceInfo> SqliteStore::FindWorkspace(int64_t workspace_id) const {
  std::shared_lock lock(meta_mutex_);
  for (const WorkspaceInfo& workspace : workspaces_) {
    if (workspace.id == workspace_id) return workspace;
  }
  return std::nullopt;
}

bool SqliteStore::WorkspaceExists(int64_t workspace_id) const {
  std::shared_lock lock(meta_mutex_);
  for (const WorkspaceInfo& workspace : workspaces_) {
    if (workspace.id == workspace_id) return true;
  }
  return false;
}

Result<std::string> SqliteStore::CreateIngestToken(int64_t workspace_id) {
  if (!WorkspaceExists(workspace_id)) {
    return Status::Error("no workspace with id " + std::to_string(workspace_id));
  }
  std::string token = NewToken();
  std::string hash = TokenHash(token);
  std::lock_guard turn(write_mutex_);
  Result<Statement> insert = Statement::Prepare(
      writer_db_->get(),
      "INSERT INTO ingest_tokens (token_hash, workspace_id, created_at) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  insert->BindBlob(1, hash.data(), static_cast<int>(hash.size()));
  insert->Bind(2, workspace_id);
  insert->Bind(3, NowMicros());
  if (insert->Step() != SQLITE_DONE) return writer_db_->Error("ingest token");
  std::unique_lock lock(meta_mutex_);
  token_hashes_[hash] = workspace_id;
  return token;
}

std::optional<int64_t> SqliteStore::WorkspaceOfToken(std::string_view token) const {
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return std::nullopt;
  std::string hash = TokenHash(token);
  {
    std::shared_lock lock(meta_mutex_);
    auto found = token_hashes_.find(hash);
    if (found != token_hashes_.end()) return found->second;
  }
  // Not issued by this store; perhaps by another process since it opened.
  std::lock_guard lock(lookup_mutex_);
  Result<Statement> query = Statement::Prepare(
      lookup_db_->get(), "SELECT workspace_id FROM ingest_tokens WHERE token_hash = ?1");
  if (!query.ok()) return std::nullopt;
  query->BindBlob(1, hash.data(), static_cast<int>(hash.size()));
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return query->Int(0);
}

bool SqliteStore::HasIngestToken(int64_t workspace_id) const {
  {
    std::shared_lock lock(meta_mutex_);
    for (const auto& [hash, workspace] : token_hashes_) {
      if (workspace == workspace_id) return true;
    }
  }
  std::lock_guard lock(lookup_mutex_);
  Result<Statement> query = Statement::Prepare(
      lookup_db_->get(), "SELECT 1 FROM ingest_tokens WHERE workspace_id = ?1 LIMIT 1");
  if (!query.ok()) return false;
  query->Bind(1, workspace_id);
  return query->Step() == SQLITE_ROW;
}

SqliteStore::WorkspaceCatalog SqliteStore::CatalogOf(int64_t workspace_id) const {
  return WorkspaceCatalog(this, workspace_id);
}

template <typename Fn>
auto SqliteStore::WorkspaceCatalog::Ask(Fn fn,
                                        decltype(fn(std::declval<const Catalog&>())) none) const {
  std::lock_guard lock(store_->catalog_mutex_);
  Result<sqlite::IdCatalog*> catalog = store_->CatalogLocked(workspace_id_);
  if (!catalog.ok()) return none;
  return fn(static_cast<const Catalog&>(*catalog.value()));
}

std::optional<std::string_view> SqliteStore::WorkspaceCatalog::PipelineOfStage(
    std::string_view stage_id) const {
  return Ask([&](const Catalog& c) { return c.PipelineOfStage(stage_id); },
             std::optional<std::string_view>());
}
bool SqliteStore::WorkspaceCatalog::HasPipeline(std::string_view pipeline_id) const {
  return Ask([&](const Catalog& c) { return c.HasPipeline(pipeline_id); }, false);
}
bool SqliteStore::WorkspaceCatalog::HasDeal(std::string_view deal_id) const {
  return Ask([&](const Catalog& c) { return c.HasDeal(deal_id); }, false);
}
bool SqliteStore::WorkspaceCatalog::HasTask(std::string_view task_id) const {
  return Ask([&](const Catalog& c) { return c.HasTask(task_id); }, false);
}

}  // namespace voronka
