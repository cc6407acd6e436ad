// The dashboard's files (web/) and the chart and grid libraries (node_modules/<package>/dist)
// over HTTP, with caching a reload can rely on: every file has an ETag (a hash of its bytes),
// and is sent with "Cache-Control: no-cache", so the browser asks again each time and gets a
// bodiless 304 while the file is unchanged. A reload of the dashboard then moves a few
// kilobytes of headers instead of 1.2 MB. Files are read once and kept in memory with their
// gzip form; a file changed on disk (size or time) is read again.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace voronka {

class StaticFiles {
 public:
  // Serves the files under `directory` at URL `prefix` ("/" or "/vendor/echarts"). Longer
  // prefixes are matched first.
  void Mount(std::string prefix, std::string directory);

  // Answers a GET or HEAD of a file under a mount: 200 with the file, 304 when the request's
  // If-None-Match holds its ETag, 404 when there is no such file (also for paths that leave
  // the folder). False when no mount matches the path.
  bool Serve(const httplib::Request& request, httplib::Response& response);

 private:
  struct File {
    int64_t size = -1;
    int64_t modified = 0;
    std::string etag;
    std::string content_type;
    std::shared_ptr<const std::string> body;
    std::shared_ptr<const std::string> gzipped;  // null for binary files
  };
  // The file at `path` (read or re-read as needed); null when it cannot be read.
  std::shared_ptr<const File> Load(const std::string& path);

  std::vector<std::pair<std::string, std::string>> mounts_;  // prefix, directory
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const File>> files_;
};

}  // namespace voronka
