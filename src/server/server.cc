#include "server/server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "metrics/report.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr size_t kMaxBodyBytes = size_t{256} << 20;  // one ingest batch at most

void SendJson(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

void SendError(httplib::Response& response, int status, const std::string& message) {
  SendJson(response, status, json{{"error", message}});
}

std::string BearerToken(const httplib::Request& request) {
  std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.compare(0, kPrefix.size(), kPrefix) != 0) {
    return "";
  }
  return header.substr(kPrefix.size());
}

Instant Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Instant{std::chrono::duration_cast<std::chrono::microseconds>(now).count()};
}

}  // namespace

HttpServer::HttpServer(Runtime& runtime)
    : runtime_(runtime), http_(std::make_unique<httplib::Server>()) {
  Route();
}

HttpServer::~HttpServer() = default;

void HttpServer::Route() {
  http_->set_payload_max_length(kMaxBodyBytes);

  http_->Get("/api/v1/health", [](const httplib::Request&, httplib::Response& response) {
    SendJson(response, 200, json{{"status", "ok"}});
  });

  // Machines ingest with a workspace's token; the token alone decides the workspace.
  auto workspace_of_caller = [this](const httplib::Request& request,
                                    httplib::Response& response) -> std::optional<int64_t> {
    std::string token = BearerToken(request);
    std::optional<int64_t> workspace =
        token.empty() ? std::nullopt : runtime_.store().WorkspaceOfToken(token);
    if (!workspace) {
      response.set_header("WWW-Authenticate", "Bearer");
      SendError(response, 401, "a valid API token is required (Authorization: Bearer ...)");
    }
    return workspace;
  };

  http_->Post("/api/v1/events", [this, workspace_of_caller](const httplib::Request& request,
                                                             httplib::Response& response) {
    std::optional<int64_t> workspace = workspace_of_caller(request, response);
    if (!workspace) return;
    IngestOutcome outcome = runtime_.Ingest(*workspace, request.body);
    if (!outcome.ok()) {
      SendJson(response, 400, json{{"errors", outcome.errors}});
      return;
    }
    SendJson(response, 200, json{{"applied", outcome.applied}, {"skipped", outcome.skipped}});
  });

  auto report_route = [this, workspace_of_caller](auto run) {
    return [this, workspace_of_caller, run](const httplib::Request& request,
                                            httplib::Response& response) {
      std::optional<int64_t> workspace = workspace_of_caller(request, response);
      if (!workspace) return;
      json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded() || !body.is_object()) {
        SendError(response, 400, "the request body must be a JSON object");
        return;
      }
      const Engine* engine = runtime_.engine(*workspace);
      if (engine == nullptr) {
        SendError(response, 404, "no such workspace");
        return;
      }
      Result<json> answer = run(*engine, body, Now());
      if (!answer.ok()) {
        SendError(response, 400, answer.message());
        return;
      }
      SendJson(response, 200, answer.value());
    };
  };
  http_->Post("/api/v1/report", report_route([](const Engine& engine, const json& body,
                                                Instant now) {
    return RunReport(engine, body, now);
  }));
  http_->Post("/api/v1/drilldown", report_route([](const Engine& engine, const json& body,
                                                   Instant now) {
    return RunDrilldown(engine, body, now);
  }));
}

Status HttpServer::Run(const ServerOptions& options) {
  if (!options.web_root.empty()) http_->set_mount_point("/", options.web_root);
  if (!http_->bind_to_port(options.host.c_str(), options.port)) {
    return Status::Error("cannot listen on " + options.host + ":" + std::to_string(options.port));
  }
  return Serve();
}

Result<int> HttpServer::BindAnyPort(const std::string& host) {
  int port = http_->bind_to_any_port(host.c_str());
  if (port < 0) return Status::Error("cannot listen on " + host);
  return port;
}

Status HttpServer::Serve() {
  if (!http_->listen_after_bind()) return Status::Error("the server stopped with an error");
  return Status::Ok();
}

void HttpServer::Stop() { http_->stop(); }

}  // namespace voronka
