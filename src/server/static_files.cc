#include "server/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/response_body.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;

std::string ContentTypeOf(const fs::path& path) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto found = types.find(path.extension().string());
  return found == types.end() ? "application/octet-stream" : found->second;
}

// FNV-1a over the bytes: an ETag changes when the file does.
std::string EtagOf(const std::string& bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

// Whether an If-None-Match header names `etag` (or is "*").
bool Matches(const std::string& header, const std::string& etag) {
  if (header == "*") return true;
  std::stringstream items(header);
  std::string item;
  while (std::getline(items, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.rfind("W/", 0) == 0) item.erase(0, 2);
    if (item == etag) return true;
  }
  return false;
}

}  // namespace

void StaticFiles::Mount(std::string prefix, std::string directory) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  mounts_.emplace_back(std::move(prefix), std::move(directory));
  std::stable_sort(mounts_.begin(), mounts_.end(), [](const auto& a, const auto& b) {
    return a.first.size() > b.first.size();
  });
}

std::shared_ptr<const StaticFiles::File> StaticFiles::Load(const std::string& path) {
  std::error_code error;
  int64_t size = static_cast<int64_t>(fs::file_size(path, error));
  if (error) return nullptr;
  int64_t modified = fs::last_write_time(path, error).time_since_epoch().count();
  if (error) return nullptr;
  {
    std::lock_guard lock(mutex_);
    auto found = files_.find(path);
    if (found != files_.end() && found->second->size == size &&
        found->second->modified == modified) {
      return found->second;
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto file = std::make_shared<File>();
  file->size = size;
  file->modified = modified;
  file->etag = EtagOf(bytes);
  file->content_type = ContentTypeOf(path);
  if (Compressible(file->content_type)) {
    file->gzipped = std::make_shared<const std::string>(Gzip(bytes));
  }
  file->body = std::make_shared<const std::string>(std::move(bytes));
  std::lock_guard lock(mutex_);
  files_[path] = file;
  return file;
}

bool StaticFiles::Serve(const httplib::Request& request, httplib::Response& response) {
  const std::string& url = request.path;
  for (const auto& [prefix, directory] : mounts_) {
    bool under = prefix == "/" ? !url.empty() && url[0] == '/'
                               : url.rfind(prefix, 0) == 0 &&
                                     (url.size() == prefix.size() || url[prefix.size()] == '/');
    if (!under) continue;
    std::string relative = url.substr(prefix == "/" ? 1 : prefix.size());
    fs::path root = fs::path(directory).lexically_normal();
    fs::path path = (root / fs::path(relative).relative_path()).lexically_normal();
    // A path that climbs out of the folder ("/../etc/passwd") is no file of ours.
    auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    std::error_code error;
    if (root_end == root.end() && fs::is_directory(path, error)) path /= "index.html";
    std::shared_ptr<const File> file =
        root_end == root.end() && fs::is_regular_file(path, error) ? Load(path.string()) : nullptr;
    if (file == nullptr) {
      response.status = 404;
      SendBody(request, response, "not found", "text/plain; charset=utf-8");
      return true;
    }
    response.set_header("ETag", file->etag);
    response.set_header("Cache-Control", "no-cache");
    if (Matches(request.get_header_value("If-None-Match"), file->etag)) {
      response.status = 304;
      if (file->gzipped != nullptr) response.set_header("Vary", "Accept-Encoding");
      return true;
    }
    response.status = 200;
    SendBody(request, response, file->body, file->content_type, file->gzipped);
    return true;
  }
  return false;
}

}  // namespace voronka
