#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "access/ingest_token.h"
#include "cli/commands.h"
#include "server/http_util.h"
#include "server/server.h"

namespace voronka::cli {

namespace {

HttpServer* running_server = nullptr;

void StopOnSignal(int) {
  if (running_server != nullptr) running_server->Stop();
}

struct ServeOptions {
  std::string data_dir;
  std::string meta_uri;   // empty: metadata in the data directory's SQLite database
  std::string facts_uri;  // empty: facts in the data directory (the embedded engine)
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_root = VORONKA_WEB_ROOT;
  // The npm packages of the source tree, beside web/.
  std::string vendor_root =
      (std::filesystem::path(VORONKA_WEB_ROOT).parent_path() / "node_modules").string();
  bool secure_cookie = false;
};

int Serve(const ServeOptions& options) {
  auto runtime = Runtime::Open(options.data_dir, options.meta_uri, options.facts_uri);
  if (!runtime.ok()) {
    std::fprintf(stderr, "voronka serve: %s\n", runtime.message().c_str());
    return kExitFailure;
  }
  AccountStore& accounts = runtime.value()->accounts();
  int64_t workspace = runtime.value()->default_workspace();
  if (!HasIngestToken(accounts, workspace)) {
    auto token = IssueIngestToken(accounts, workspace, NowMicros());
    if (!token.ok()) {
      std::fprintf(stderr, "voronka serve: %s\n", token.message().c_str());
      return kExitFailure;
    }
    std::printf(
        "Ingest token for the workspace (shown once, keep it):\n  %s\n"
        "Send records with: curl -H 'Authorization: Bearer %s' --data-binary @file.ndjson "
        "http://%s:%d/api/v1/events\n",
        token.value().c_str(), token.value().c_str(), options.host.c_str(), options.port);
  }
  HttpServer server(*runtime.value(), SessionPolicy{}, options.secure_cookie);
  running_server = &server;
  std::signal(SIGINT, StopOnSignal);
  std::signal(SIGTERM, StopOnSignal);
  ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.web_root = options.web_root;
  server_options.vendor_root = options.vendor_root;
  std::string serving = options.data_dir.empty() ? options.facts_uri : options.data_dir;
  std::printf("Voronka is serving %s on http://%s:%d\n", serving.c_str(), options.host.c_str(),
              options.port);
  std::fflush(stdout);
  Status status = server.Run(server_options);
  running_server = nullptr;
  if (!status.ok()) {
    std::fprintf(stderr, "voronka serve: %s\n", status.message().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command =
      app.add_subcommand("serve",
                         "Serve the dashboard and the HTTP API over a data directory.\n"
                         "On first start it creates a workspace and prints its ingest token once.\n"
                         "Example: voronka serve --data /var/lib/voronka --port 8080");
  command->add_option("--data", options->data_dir,
                      "data directory (created when missing; not needed with --meta and --facts)");
  command->add_option("--meta", options->meta_uri, kMetaHelp);
  command->add_option("--facts", options->facts_uri,
                      "clickhouse://HOST:PORT/DB: keep the records in that ClickHouse database "
                      "(scale-out; see docs/scale-out.md) instead of the data directory; the "
                      "schema is made by `voronka cluster init`");
  command->add_option("--host", options->host, "address to listen on (loopback by default)")
      ->capture_default_str();
  command->add_option("--port", options->port, "TCP port")->capture_default_str();
  command->add_option("--web", options->web_root, "folder of the dashboard's static files")
      ->capture_default_str();
  command
      ->add_option("--vendor", options->vendor_root,
                   "node_modules folder: echarts and gridstack are served under /vendor/")
      ->capture_default_str();
  command->add_flag("--secure-cookie", options->secure_cookie,
                    "mark the session cookie Secure (when a TLS proxy is in front)");
  command->callback([options] {
    int code = Serve(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
