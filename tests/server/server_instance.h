// One `voronka serve` inside a test: its own data directory, a Runtime, an HttpServer serving
// on a free loopback port in a thread, and a client of it. For tests that run several servers
// on shared stores (--meta, --facts).
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "access/password.h"
#include "server/server.h"
#include "testing/process.h"

namespace voronka::testing {

struct ServerInstance {
  TempDir dir;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<HttpServer> server;
  std::thread thread;
  std::unique_ptr<httplib::Client> client;

  // Serves `opened` (a Runtime opened on `dir`); false with the reason in `error` when it
  // could not be opened.
  bool Serve(Result<std::unique_ptr<Runtime>> opened, std::string& error) {
    if (!opened.ok()) {
      error = opened.message();
      return false;
    }
    runtime = std::move(opened).value();
    server = std::make_unique<HttpServer>(*runtime);
    int port = server->BindAnyPort("127.0.0.1").value();
    thread = std::thread([this] { (void)server->Serve(); });
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    // A scale-out request (ClickHouse behind it) under ASan on a busy 2-core machine can take
    // longer than httplib's 5-second default.
    client->set_read_timeout(60, 0);
    return true;
  }

  // Adds an admin account of the default workspace (to the metadata store the runtime uses).
  Status AddAdmin(const std::string& login, const std::string& name, const std::string& password) {
    Account account;
    account.workspace_id = runtime->default_workspace();
    account.login = login;
    account.name = name;
    account.role = "admin";
    account.password_hash = HashPassword(password).value();
    Result<int64_t> added = runtime->accounts().AddAccount(account);
    return added.ok() ? Status::Ok() : added.status();
  }

  // Logs in: the session cookie and CSRF token to send, and the status of the login.
  std::pair<httplib::Headers, int> Login(const std::string& login, const std::string& password) {
    nlohmann::json body = {{"login", login}, {"password", password}};
    auto response = client->Post("/api/v1/login", body.dump(), "application/json");
    if (!response) return {{}, 0};
    std::string cookie = response->get_header_value("Set-Cookie");
    std::string csrf =
        nlohmann::json::parse(response->body, nullptr, false).value("csrf_token", "");
    return {{{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", csrf}},
            response->status};
  }

  ~ServerInstance() {
    if (server) {
      server->Stop();
      thread.join();
    }
  }
};

}  // namespace voronka::testing
