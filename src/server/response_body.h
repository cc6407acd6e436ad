// How an answer's body leaves the server: gzip (zlib's default level) when the request accepts
// it and the content is text that is worth compressing, else as it is; never Brotli.
//
// cpp-httplib compresses a plain body itself and prefers Brotli, at its highest quality: about
// ten seconds of CPU per megabyte here (the chart library took 11.6 s to reach the browser,
// 0.25 s with gzip). A body handed over as a content provider with a known length is written as
// given, so every body the server makes goes through SendBody or FinishBody.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

namespace voronka {

// `body` gzip-compressed (a complete gzip stream), or "" when zlib fails.
std::string Gzip(std::string_view body);

// Whether a body of `content_type` is worth compressing (text, JSON, JavaScript, SVG).
bool Compressible(std::string_view content_type);

// Whether the request's Accept-Encoding offers gzip (and does not refuse it with q=0).
bool AcceptsGzip(const httplib::Request& request);

// Answers `body` of `content_type` (the status is the caller's). Adds Content-Encoding and
// Vary as chosen.
void SendBody(const httplib::Request& request, httplib::Response& response, std::string body,
              std::string_view content_type);
// The same for a body kept elsewhere (static files); `gzipped`, when not null, is that body
// already compressed ("" when compressing does not pay).
void SendBody(const httplib::Request& request, httplib::Response& response,
              std::shared_ptr<const std::string> body, std::string_view content_type,
              std::shared_ptr<const std::string> gzipped);

// Moves a body a handler set with set_content (SendJson, exports) through SendBody.
void FinishBody(const httplib::Request& request, httplib::Response& response);

}  // namespace voronka
