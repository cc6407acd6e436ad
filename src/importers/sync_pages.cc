#include "importers/sync_pages.h"

#include <fstream>
#include <thread>

namespace voronka {

namespace fs = std::filesystem;

void SyncWait(const SleepFunction& sleep, std::chrono::milliseconds duration) {
  if (duration.count() <= 0) return;
  if (sleep) {
    sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

SyncFolder::SyncFolder(const fs::path& work, const std::string& folder, std::string prefix)
    : folder_(work / folder), prefix_(std::move(prefix)) {}

bool SyncFolder::finished() const {
  std::error_code error;
  return fs::exists(folder_ / (".done-" + prefix_), error);
}

Status SyncFolder::Restart() const {
  std::error_code error;
  fs::create_directories(folder_, error);
  if (error) return Status::Error(folder_.string() + ": " + error.message());
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix_, 0) == 0 && entry.path().extension() == ".json") {
      fs::remove(entry.path(), error);
    }
  }
  if (error) return Status::Error(folder_.string() + ": " + error.message());
  return Status::Ok();
}

Status SyncFolder::SavePage(int page, const std::string& text) const {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", page);
  fs::path file = folder_ / (prefix_ + number + ".json");
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) return Status::Error(file.string() + ": cannot write");
  return Status::Ok();
}

Status SyncFolder::MarkFinished() const {
  fs::path marker = folder_ / (".done-" + prefix_);
  std::ofstream out(marker);
  out.close();
  if (!out) return Status::Error(marker.string() + ": cannot write");
  return Status::Ok();
}

Result<int64_t> DownloadStartedAt(const fs::path& work, int64_t now) {
  std::error_code error;
  fs::create_directories(work, error);
  if (error) return Status::Error(work.string() + ": " + error.message());
  fs::path file = work / ".started";
  if (std::ifstream in(file); in) {
    int64_t started = 0;
    if (in >> started) return started;
  }
  std::ofstream out(file);
  out << now << "\n";
  out.close();
  if (!out) return Status::Error(file.string() + ": cannot write");
  return now;
}

}  // namespace voronka
