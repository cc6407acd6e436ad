// Asks the kernel to read a database's files into the page cache ahead of a full read of them.
//
// A whole-workspace read (the start-up load) steps the store's tables in key order, and after
// inserts in any other order those pages lie scattered through the file: read cold, that is one
// small random read per page, and on a disk doing ~4 000 of them a second the start-up waits
// more for the disk than it computes. Read ahead from the start of the file to the end on a
// thread of its own, the same pages arrive in large sequential reads while the reader works.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace voronka::sqlite {

class FilePrefetch {
 public:
  // Starts reading `paths` ahead, one after another, unless together they exceed half the
  // memory available now (then the pages read first would be evicted before they are used,
  // and the reads would only compete with the reader's own). Missing files are skipped.
  explicit FilePrefetch(std::vector<std::string> paths);
  // Stops between two steps and waits for the thread.
  ~FilePrefetch();
  FilePrefetch(const FilePrefetch&) = delete;
  FilePrefetch& operator=(const FilePrefetch&) = delete;

  // Whether the files were small enough to be read ahead.
  bool started() const { return thread_.joinable(); }

 private:
  void Run(std::vector<std::string> paths);

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace voronka::sqlite
