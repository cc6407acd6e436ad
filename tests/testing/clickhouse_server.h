// A throwaway two-shard ClickHouse cluster for the tests of the scale-out fact store:
// scripts/clickhouse.sh cluster-start on four consecutive free loopback ports (HTTP and native
// of each shard), named `voronka_test`. Stopped when the object goes. Starting takes a fraction
// of a second and stopping about two, so a test binary shares one (ClickHouseCluster::Shared).
// When VORONKA_NO_CLICKHOUSE=1 the tests that need it are skipped; otherwise a cluster that
// cannot start fails them, with the script's output.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "testing/process.h"

namespace voronka::testing {

inline bool ClickHouseDisabled() {
  const char* disabled = std::getenv("VORONKA_NO_CLICKHOUSE");
  return disabled != nullptr && std::string(disabled) == "1";
}

// True when nothing listens on loopback `port` and it can be bound now.
inline bool PortIsFree(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return free;
}

class ClickHouseCluster {
 public:
  static constexpr const char* kName = "voronka_test";

  ClickHouseCluster() {
    script_ = std::string(VORONKA_SOURCE_DIR) + "/scripts/clickhouse.sh";
    for (int attempt = 0; attempt < 20 && base_port_ == 0; ++attempt) {
      int port = FreePort();
      if (port > 65000) continue;
      bool all_free = true;
      for (int i = 0; i < 4; ++i) all_free = all_free && PortIsFree(port + i);
      if (all_free) base_port_ = port;
    }
    if (base_port_ == 0) {
      error_ = "no four consecutive free loopback ports for a ClickHouse cluster";
      return;
    }
    Start();
  }
  ~ClickHouseCluster() { Stop(); }

  // The cluster of the test binary, started on first use and stopped at exit.
  static ClickHouseCluster& Shared() {
    static ClickHouseCluster cluster;
    return cluster;
  }

  // Empty when both servers run; otherwise why they do not.
  const std::string& error() const { return error_; }
  // The HTTP port of shard 1 or 2.
  int http_port(int shard) const { return base_port_ + 2 * (shard - 1); }
  // clickhouse://127.0.0.1:PORT/DB on shard 1 (or 2).
  std::string url(const std::string& database, int shard = 1) const {
    return "clickhouse://127.0.0.1:" + std::to_string(http_port(shard)) + "/" + database;
  }

  // Stops both servers (their data stays) and starts them again on the same ports.
  void Stop() { RunCommand(script_ + " cluster-stop " + dir_.path()); }
  void Start() {
    CommandResult started = RunCommand(script_ + " cluster-start " + dir_.path() + " " +
                                       std::to_string(base_port_) + " " + kName);
    error_ = started.exit_code == 0
                 ? ""
                 : "ClickHouse could not start (scripts/clickhouse.sh): " + started.output;
  }

 private:
  TempDir dir_;
  int base_port_ = 0;
  std::string script_;
  std::string error_;
};

// The shared cluster for one test: a pointer to it, or the test skipped or failed.
#define VORONKA_START_CLICKHOUSE(cluster)                                                    \
  do {                                                                                       \
    if (::voronka::testing::ClickHouseDisabled()) GTEST_SKIP() << "VORONKA_NO_CLICKHOUSE=1"; \
    cluster = &::voronka::testing::ClickHouseCluster::Shared();                              \
    ASSERT_TRUE(cluster->error().empty()) << cluster->error();                               \
  } while (false)

}  // namespace voronka::testing
