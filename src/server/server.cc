#include "server/server.h"

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "access/secret.h"
#include "server/api.h"
#include "server/http_util.h"
#include "server/routes.h"

namespace voronka {

namespace {

constexpr size_t kMaxBodyBytes = size_t{256} << 20;  // one ingest batch at most
constexpr std::string_view kSessionCookie = "voronka_session";
constexpr std::string_view kLoginRequired = "login required";
constexpr size_t kWorkerThreads = 128;

// Sent with every answer, static files included. The dashboard loads only its own scripts
// and styles (no inline script); ECharts sets inline styles on the elements it draws.
httplib::Headers SecurityHeaders() {
  return {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
}

// An Accept-Encoding value without its "br" entries ("gzip, deflate, br" -> "gzip, deflate").
std::string WithoutBrotli(const std::string& accepted) {
  std::string kept;
  size_t start = 0;
  while (start <= accepted.size()) {
    size_t end = accepted.find(',', start);
    if (end == std::string::npos) end = accepted.size();
    std::string item = accepted.substr(start, end - start);
    size_t first = item.find_first_not_of(' ');
    std::string name = first == std::string::npos ? "" : item.substr(first);
    name = name.substr(0, name.find(';'));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!name.empty() && name != "br") {
      if (!kept.empty()) kept += ", ";
      kept += item.substr(first);
    }
    start = end + 1;
  }
  return kept;
}

bool ChangesState(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

}  // namespace

HttpServer::HttpServer(Runtime& runtime, SessionPolicy policy, bool secure_cookie)
    : runtime_(runtime),
      sessions_(runtime.accounts(), policy),
      api_(std::make_unique<Api>(runtime, sessions_, ApiOptions{secure_cookie})),
      http_(std::make_unique<httplib::Server>()) {
  Route();
}

HttpServer::~HttpServer() = default;

void HttpServer::Route() {
  // A browser opens several connections per tab ahead of need (preconnect) and keeps them
  // alive; each holds one cpp-httplib worker until it idles out. With the library's default
  // of 8 workers, 20 idle connections delayed a fresh request by 9 s (the dashboard's scripts
  // took seconds to arrive). Workers are threads that mostly wait on sockets: keep many.
  http_->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  http_->set_payload_max_length(kMaxBodyBytes);
  http_->set_default_headers(SecurityHeaders());
  // cpp-httplib answers "Accept-Encoding: br" with Brotli at its highest quality, about ten
  // seconds of CPU per megabyte here: the chart library (1.1 MB) took 11.6 s to arrive in the
  // browser (0.25 s with gzip), and every script and JSON answer paid for it as well. Browsers
  // always offer br; it is taken off the request so that gzip (zlib's default level) is used.
  http_->set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    // The request object is the server's own, handed to the handler as const only.
    auto& headers = const_cast<httplib::Headers&>(request.headers);
    auto found = headers.find("Accept-Encoding");
    if (found != headers.end()) found->second = WithoutBrotli(found->second);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  std::map<std::string, RouteHandler> handlers = api_->Handlers();
  for (const RouteSpec& spec : ApiRoutes()) {
    std::string key = std::string(spec.method) + " " + std::string(spec.pattern);
    auto found = handlers.find(key);
    if (found == handlers.end()) {
      std::fprintf(stderr, "server: no handler for the listed route %s\n", key.c_str());
      std::abort();
    }
    RouteHandler handler = std::move(found->second);
    handlers.erase(found);
    RouteAccess access = spec.access;
    auto wrapped = [this, access, handler](const httplib::Request& request,
                                           httplib::Response& response) {
      RouteContext context{request, response};
      context.now = NowMicros();
      response.set_header("Cache-Control", "no-store");
      if (access == RouteAccess::kIngest) {
        std::string token = BearerToken(request);
        std::optional<int64_t> workspace =
            token.empty() ? std::nullopt
                          : runtime_.accounts().WorkspaceOfIngestTokenHash(SecretHash(token));
        if (!workspace) {
          response.set_header("WWW-Authenticate", "Bearer");
          return SendError(response, 401,
                           "a valid ingest token is required (Authorization: Bearer ...)");
        }
        context.workspace_id = *workspace;
        return handler(context);
      }
      std::optional<Caller> caller;
      if (access == RouteAccess::kSession) {
        caller = sessions_.Authenticate(CookieValue(request, kSessionCookie), context.now);
        if (!caller) return SendError(response, 401, kLoginRequired);
        if (ChangesState(request.method) &&
            !EqualInConstantTime(request.get_header_value("X-CSRF-Token"), caller->csrf_token)) {
          return SendError(response, 403, "missing or wrong CSRF token");
        }
        context.caller = &*caller;
        context.workspace_id = caller->account.workspace_id;
      }
      handler(context);
    };
    std::string pattern(spec.pattern);
    if (spec.method == "GET") {
      http_->Get(pattern, wrapped);
    } else if (spec.method == "POST") {
      http_->Post(pattern, wrapped);
    } else if (spec.method == "PUT") {
      http_->Put(pattern, wrapped);
    } else if (spec.method == "DELETE") {
      http_->Delete(pattern, wrapped);
    }
  }
  if (!handlers.empty()) {
    std::fprintf(stderr, "server: handler %s is not in ApiRoutes()\n",
                 handlers.begin()->first.c_str());
    std::abort();
  }

  // Any other /api path: 401 without a session (nothing is said about what exists), 404 with.
  auto unknown = [this](const httplib::Request& request, httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    if (!sessions_.Authenticate(CookieValue(request, kSessionCookie), NowMicros())) {
      return SendError(response, 401, kLoginRequired);
    }
    SendError(response, 404, "not found");
  };
  http_->Get("/api/.*", unknown);
  http_->Post("/api/.*", unknown);
  http_->Put("/api/.*", unknown);
  http_->Delete("/api/.*", unknown);
}

Status HttpServer::MountStatic(const ServerOptions& options) {
  namespace fs = std::filesystem;
  // Longer prefixes first: httplib takes the first mount point that matches.
  if (!options.vendor_root.empty()) {
    for (const char* package : {"echarts", "gridstack"}) {
      fs::path dist = fs::path(options.vendor_root) / package / "dist";
      if (!fs::is_directory(dist)) continue;  // the dashboard then shows what it can
      if (!http_->set_mount_point(std::string("/vendor/") + package, dist.string())) {
        return Status::Error("cannot serve " + dist.string());
      }
    }
  }
  if (!options.web_root.empty() && fs::is_directory(options.web_root)) {
    if (!http_->set_mount_point("/", options.web_root)) {
      return Status::Error("cannot serve " + options.web_root);
    }
  }
  return Status::Ok();
}

Status HttpServer::Run(const ServerOptions& options) {
  if (Status mounted = MountStatic(options); !mounted.ok()) return mounted;
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

void HttpServer::Stop() {
  http_->stop();
}

}  // namespace voronka
