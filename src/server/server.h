// The HTTP API of `voronka serve`: routes, authentication of the caller, JSON in and out.
#pragma once

#include <memory>
#include <string>

#include "model/status.h"
#include "server/runtime.h"

namespace httplib {
class Server;
}

namespace voronka {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_root;  // static files of the dashboard; empty: none served
};

class HttpServer {
 public:
  explicit HttpServer(Runtime& runtime);
  ~HttpServer();

  // Binds and serves until Stop(); an error when the address cannot be bound.
  Status Run(const ServerOptions& options);
  // Binds to a free port on `host` (for tests); returns it. Call Serve() after.
  Result<int> BindAnyPort(const std::string& host);
  Status Serve();
  void Stop();

 private:
  void Route();

  Runtime& runtime_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace voronka
