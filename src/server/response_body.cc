#include "server/response_body.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <memory>

namespace voronka {

namespace {

// Below this a body fits a packet or two anyway; compressing it costs more than it saves.
constexpr size_t kMinCompressedBytes = 1024;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string Gzip(std::string_view body) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, body.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

bool Compressible(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  if (type == "text/event-stream") return false;  // written as it happens
  return type.rfind("text/", 0) == 0 || type == "application/json" ||
         type == "application/javascript" || type == "image/svg+xml" ||
         type == "application/xml";
}

bool AcceptsGzip(const httplib::Request& request) {
  std::string accepted = Lower(request.get_header_value("Accept-Encoding"));
  size_t start = 0;
  while (start < accepted.size()) {
    size_t end = accepted.find(',', start);
    if (end == std::string::npos) end = accepted.size();
    std::string item = accepted.substr(start, end - start);
    start = end + 1;
    size_t semicolon = item.find(';');
    std::string name = item.substr(0, semicolon);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name != "gzip") continue;
    if (semicolon == std::string::npos) return true;
    size_t quality = item.find("q=", semicolon);
    return quality == std::string::npos || std::strtod(item.c_str() + quality + 2, nullptr) > 0;
  }
  return false;
}

void SendBody(const httplib::Request& request, httplib::Response& response,
              std::shared_ptr<const std::string> body, std::string_view content_type,
              std::shared_ptr<const std::string> gzipped) {
  response.body.clear();
  response.headers.erase("Content-Type");
  bool compress = Compressible(content_type) && body->size() >= kMinCompressedBytes;
  if (compress) response.set_header("Vary", "Accept-Encoding");
  if (compress && AcceptsGzip(request)) {
    if (gzipped == nullptr) gzipped = std::make_shared<const std::string>(Gzip(*body));
    if (!gzipped->empty() && gzipped->size() < body->size()) {
      body = std::move(gzipped);
      response.set_header("Content-Encoding", "gzip");
    }
  }
  if (body->empty()) {
    response.set_header("Content-Type", std::string(content_type));
    response.set_header("Content-Length", "0");
    return;
  }
  size_t size = body->size();
  response.set_content_provider(
      size, std::string(content_type),
      [body = std::move(body)](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, length);
      });
}

void SendBody(const httplib::Request& request, httplib::Response& response, std::string body,
              std::string_view content_type) {
  SendBody(request, response, std::make_shared<const std::string>(std::move(body)), content_type,
           nullptr);
}

void FinishBody(const httplib::Request& request, httplib::Response& response) {
  if (response.body.empty()) return;
  std::string content_type = response.get_header_value("Content-Type");
  std::string body = std::move(response.body);
  SendBody(request, response, std::move(body), content_type);
}

}  // namespace voronka
