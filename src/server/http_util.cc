#include "server/http_util.h"

#include <chrono>

namespace voronka {

using nlohmann::json;

void SendJson(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

void SendJsonText(httplib::Response& response, int status, std::string body) {
  response.status = status;
  // set_content copies its text; the answer is moved in after it set the type.
  response.set_content("", 0, "application/json; charset=utf-8");
  response.body = std::move(body);
}

void SendError(httplib::Response& response, int status, std::string_view message) {
  SendJson(response, status, json{{"error", message}});
}

void SendFailure(httplib::Response& response, const Status& status, std::string_view prefix) {
  std::string message = std::string(prefix) + status.message();
  if (!status.unavailable()) return SendError(response, 400, message);
  response.set_header("Cache-Control", "no-store");
  response.set_header("Retry-After", "5");
  SendError(response, 503, message);
}

std::optional<json> ParseBodyObject(const httplib::Request& request, httplib::Response& response) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    SendError(response, 400, "the request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::string CookieValue(const httplib::Request& request, std::string_view name) {
  std::string header = request.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (pair.substr(0, equals) == name) return std::string(pair.substr(equals + 1));
  }
  return "";
}

std::string BearerToken(const httplib::Request& request) {
  std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.compare(0, kPrefix.size(), kPrefix) != 0) {
    return "";
  }
  return header.substr(kPrefix.size());
}


}  // namespace voronka
