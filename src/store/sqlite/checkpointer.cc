#include "store/sqlite/checkpointer.h"

namespace voronka::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(sqlite3* writer, const std::string& path,
                                                          int threshold_pages) {
  std::unique_ptr<Checkpointer> checkpointer(new Checkpointer());
  Result<std::unique_ptr<Connection>> connection = Connection::Open(path, /*read_only=*/false);
  if (!connection.ok()) return connection.status();
  checkpointer->connection_ = std::move(connection).value();
  checkpointer->writer_ = writer;
  checkpointer->threshold_pages_ = threshold_pages;
  // Replaces the automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer, &Checkpointer::OnCommit, checkpointer.get());
  checkpointer->thread_ = std::thread([raw = checkpointer.get()] { raw->Run(); });
  return checkpointer;
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int Checkpointer::OnCommit(void* self, sqlite3*, const char*, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages >= checkpointer->threshold_pages_) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->requested_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    // Unlocked meanwhile: a commit signalling the next request must not wait for this one.
    lock.unlock();
    {
      // A passive checkpoint that cannot finish (a reader still needs old frames) is simply
      // retried after a later commit; its error is not the writer's concern.
      std::lock_guard use(connection_mutex_);
      sqlite3_wal_checkpoint_v2(connection_->get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                nullptr);
    }
    lock.lock();
  }
}

Status Checkpointer::CheckpointNow() {
  std::lock_guard use(connection_mutex_);
  int rc = sqlite3_wal_checkpoint_v2(connection_->get(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     nullptr, nullptr);
  if (rc != SQLITE_OK) return connection_->Error("checkpoint");
  return Status::Ok();
}

}  // namespace voronka::sqlite
