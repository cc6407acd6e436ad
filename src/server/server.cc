#include "server/server.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "access/secret.h"
#include "server/api.h"
#include "server/http_util.h"
#include "server/response_body.h"
#include "server/static_files.h"
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

void SendMetaUnavailable(httplib::Response& response, const Status& health) {
  response.set_header("Cache-Control", "no-store");
  response.set_header("Retry-After", "5");
  response.headers.erase("Set-Cookie");  // a login that could not be completed
  SendError(response, 503, "the metadata store is unavailable: " + health.message());
}

bool ChangesState(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

}  // namespace

HttpServer::HttpServer(Runtime& runtime, SessionPolicy policy, bool secure_cookie)
    : runtime_(runtime),
      sessions_(runtime.accounts(), policy),
      api_(std::make_unique<Api>(runtime, sessions_, ApiOptions{secure_cookie})),
      http_(std::make_unique<httplib::Server>()),
      static_files_(std::make_unique<StaticFiles>()) {
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
    auto serve = [this, access, handler](const httplib::Request& request,
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
    // Every route reads metadata (the session, the token, the login). While its database is
    // unreachable the answer is 503 saying so, also when that was found out halfway through.
    auto wrapped = [this, serve](const httplib::Request& request, httplib::Response& response) {
      if (Status health = runtime_.accounts().Health(); !health.ok()) {
        return SendMetaUnavailable(response, health);
      }
      serve(request, response);
      if (Status health = runtime_.accounts().Health(); !health.ok()) {
        SendMetaUnavailable(response, health);
      }
    };
    Handle(spec.method, std::string(spec.pattern), std::move(wrapped));
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
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) Handle(method, "/api/.*", unknown);
}

void HttpServer::Handle(std::string_view method, const std::string& pattern,
                        std::function<void(const httplib::Request&, httplib::Response&)> handler) {
  // Every API answer leaves through FinishBody, which compresses it for the client.
  auto finished = [handler = std::move(handler)](const httplib::Request& request,
                                                 httplib::Response& response) {
    handler(request, response);
    FinishBody(request, response);
  };
  if (method == "GET") {
    http_->Get(pattern, finished);
  } else if (method == "POST") {
    http_->Post(pattern, finished);
  } else if (method == "PUT") {
    http_->Put(pattern, finished);
  } else if (method == "DELETE") {
    http_->Delete(pattern, finished);
  }
}

Status HttpServer::MountStatic(const ServerOptions& options) {
  namespace fs = std::filesystem;
  bool any = false;
  if (!options.vendor_root.empty()) {
    for (const char* package : {"echarts", "gridstack"}) {
      fs::path dist = fs::path(options.vendor_root) / package / "dist";
      if (!fs::is_directory(dist)) continue;  // the dashboard then shows what it can
      static_files_->Mount(std::string("/vendor/") + package, dist.string());
      any = true;
    }
  }
  if (!options.web_root.empty() && fs::is_directory(options.web_root)) {
    static_files_->Mount("/", options.web_root);
    any = true;
  }
  if (any && !static_mounted_) {
    static_mounted_ = true;
    // After the /api routes: the first pattern that matches a path answers it.
    http_->Get("/.*", [this](const httplib::Request& request, httplib::Response& response) {
      if (!static_files_->Serve(request, response)) response.status = 404;
    });
  }
  return Status::Ok();
}

Status HttpServer::Run(const ServerOptions& options) {
  if (Status mounted = MountStatic(options); !mounted.ok()) return mounted;
  if (!http_->bind_to_port(options.host.c_str(), options.port)) {
    return Status::Error("cannot listen on " + options.host + ":" + std::to_string(options.port));
  }
  bound_ = true;
  return Serve();
}

Result<int> HttpServer::BindAnyPort(const std::string& host) {
  int port = http_->bind_to_any_port(host.c_str());
  if (port < 0) return Status::Error("cannot listen on " + host);
  bound_ = true;
  return port;
}

Status HttpServer::Serve() {
  if (!http_->listen_after_bind()) return Status::Error("the server stopped with an error");
  return Status::Ok();
}

void HttpServer::Stop() {
  // httplib's stop() does nothing until the listening loop runs, and the loop then runs for
  // ever: a Stop() right after a bound server's Serve() was started on another thread waits
  // (boundedly) for the loop.
  if (bound_) {
    for (int i = 0; i < 5000 && !http_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  http_->stop();
}

}  // namespace voronka
