// A throwaway PostgreSQL server for the tests of the metadata store: scripts/postgres.sh on a
// free loopback port, its cluster copied from a template made once per build directory (initdb
// takes seconds; a copy and a start take a fraction of one). Stopped when the object goes.
// When VORONKA_NO_POSTGRES=1 the tests that need it are skipped; otherwise a server that
// cannot start fails them, with the script's output.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "testing/process.h"

namespace voronka::testing {

inline bool PostgresDisabled() {
  const char* disabled = std::getenv("VORONKA_NO_POSTGRES");
  return disabled != nullptr && std::string(disabled) == "1";
}

class PostgresServer {
 public:
  PostgresServer() : port_(FreePort()) {
    script_ = std::string(VORONKA_SOURCE_DIR) + "/scripts/postgres.sh";
    cluster_ = dir_.path() + "/cluster";
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all |
                                                  std::filesystem::perms::group_exec |
                                                  std::filesystem::perms::others_exec);
    std::string template_dir = std::string(VORONKA_BINARY_DIR) + "/postgres-template";
    if (!std::filesystem::exists(template_dir + "/PG_VERSION")) {
      // Made under a private name and renamed: tests starting together never see half of one.
      std::string making = template_dir + ".making." + std::to_string(getpid());
      CommandResult made = RunCommand(script_ + " start " + making + " " + std::to_string(port_));
      if (made.exit_code == 0) made = RunCommand(script_ + " stop " + making);
      if (made.exit_code != 0) {
        error_ = "PostgreSQL could not start (scripts/postgres.sh): " + made.output;
        return;
      }
      std::error_code ignored;
      std::filesystem::rename(making, template_dir, ignored);
      std::filesystem::remove_all(making, ignored);
    }
    CommandResult copied = RunCommand("cp -a " + template_dir + " " + cluster_);
    if (copied.exit_code != 0) {
      error_ = "copying the PostgreSQL template cluster failed: " + copied.output;
      return;
    }
    Start();
  }
  ~PostgresServer() { Stop(); }

  // Empty when the server runs; otherwise why it does not.
  const std::string& error() const { return error_; }
  std::string uri() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }
  int port() const { return port_; }

  // Stops (fast shutdown: connections are cut) and starts again on the same port.
  void Stop() { RunCommand(script_ + " stop " + cluster_); }
  void Start() {
    CommandResult started =
        RunCommand(script_ + " start " + cluster_ + " " + std::to_string(port_));
    error_ = started.exit_code == 0
                 ? ""
                 : "PostgreSQL could not start (scripts/postgres.sh): " + started.output;
  }

 private:
  TempDir dir_;
  int port_;
  std::string script_;
  std::string cluster_;
  std::string error_;
};

// The server for one test: null (with the test skipped or failed) when there is none.
#define VORONKA_START_POSTGRES(server)                                                   \
  do {                                                                                   \
    if (::voronka::testing::PostgresDisabled()) GTEST_SKIP() << "VORONKA_NO_POSTGRES=1"; \
    server = std::make_unique<::voronka::testing::PostgresServer>();                     \
    ASSERT_TRUE(server->error().empty()) << server->error();                             \
  } while (false)

}  // namespace voronka::testing
