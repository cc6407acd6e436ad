// Copies committed pages from the write-ahead log into the database file on a thread of its
// own, so that a commit costs one WAL sync and never the copy (SQLite's automatic checkpoint
// runs inside the committing call, which made a large import's commit twice as long).
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "model/status.h"
#include "store/sqlite/statement.h"

namespace voronka::sqlite {

class Checkpointer {
 public:
  // Takes over checkpointing for `writer` (a WAL connection to `path`): its automatic
  // checkpoints stop, and once the log holds `threshold_pages` or more after a commit, this
  // thread runs a passive checkpoint (one that never blocks readers or the writer).
  static Result<std::unique_ptr<Checkpointer>> Start(sqlite3* writer, const std::string& path,
                                                     int threshold_pages = 1000);
  // Stops the thread; SQLite checkpoints whatever is left when the last connection closes.
  ~Checkpointer();

  // Runs a checkpoint now and waits for it (for tests and maintenance).
  Status CheckpointNow();

 private:
  Checkpointer() = default;
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Run();

  sqlite3* writer_ = nullptr;
  std::unique_ptr<Connection> connection_;
  int threshold_pages_ = 1000;
  std::mutex mutex_;             // guards requested_ and stopping_
  std::mutex connection_mutex_;  // guards connection_
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace voronka::sqlite
