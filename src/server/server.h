// The HTTP side of `voronka serve`: the API routes of server/routes.h with the caller
// authenticated (session cookie + CSRF token, or ingest token), the dashboard's static files,
// and security headers on every answer.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "access/sessions.h"
#include "model/status.h"
#include "server/runtime.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace voronka {

class Api;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_root;        // static files of the dashboard; empty: none served
  std::string vendor_root;     // a node_modules folder served under /vendor/; empty: none
  bool secure_cookie = false;  // mark the session cookie Secure (behind a TLS proxy)
};

class StaticFiles;

class HttpServer {
 public:
  // `policy` sets session lifetimes and login throttling.
  explicit HttpServer(Runtime& runtime, SessionPolicy policy = {}, bool secure_cookie = false);
  ~HttpServer();

  // Binds and serves until Stop(); an error when the address cannot be bound.
  Status Run(const ServerOptions& options);
  // Mounts the static folders of `options` (Run does it itself).
  Status MountStatic(const ServerOptions& options);
  // Binds to a free port on `host` (for tests); returns it. Call Serve() after.
  Result<int> BindAnyPort(const std::string& host);
  Status Serve();
  // Ends Serve(), also when called before Serve() has started listening (it waits for that).
  void Stop();

 private:
  void Route();
  // Registers `handler` for METHOD `pattern`; its answer is compressed on the way out.
  void Handle(std::string_view method, const std::string& pattern,
              std::function<void(const httplib::Request&, httplib::Response&)> handler);

  Runtime& runtime_;
  SessionManager sessions_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<bool> bound_{false};  // BindAnyPort() bound: Serve() follows
  std::unique_ptr<StaticFiles> static_files_;  // the dashboard's files and libraries
  bool static_mounted_ = false;
};

}  // namespace voronka
