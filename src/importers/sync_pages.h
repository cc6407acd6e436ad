// What the live syncs share: waiting (replaceable by tests), the folders of saved pages with
// their "finished" markers, and the start time of a download that may span several runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "model/status.h"

namespace voronka {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;

// Waits `duration` with `sleep`, or the thread's sleep when it is empty.
void SyncWait(const SleepFunction& sleep, std::chrono::milliseconds duration);

// The pages of one method or path: work/<folder>/<prefix>0001.json, ... and the marker saying
// they are all saved.
class SyncFolder {
 public:
  SyncFolder(const std::filesystem::path& work, const std::string& folder, std::string prefix);
  bool finished() const;
  // Makes the folder and removes the pages of an unfinished earlier run (they are fetched
  // again from the first page).
  Status Restart() const;
  Status SavePage(int page, const std::string& text) const;
  Status MarkFinished() const;

 private:
  std::filesystem::path folder_;
  std::string prefix_;
};

// The Unix time a download into `work` started: written by the first run, kept by the runs
// that continue it, so that the next incremental sync asks from there.
Result<int64_t> DownloadStartedAt(const std::filesystem::path& work, int64_t now);

}  // namespace voronka
