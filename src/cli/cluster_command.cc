// `voronka cluster init`: creates the scale-out fact schema on a ClickHouse cluster.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "clickhouse/client.h"
#include "clickhouse/fact_import.h"
#include "clickhouse/schema.h"

namespace voronka::cli {

namespace {

struct ClusterInitOptions {
  std::string facts;
  std::string cluster;
  std::vector<std::string> servers;  // HOST:PORT (HTTP) of every server, when given
};

[[noreturn]] void Fail(const std::string& message, int code) {
  std::fprintf(stderr, "voronka cluster init: %s\n", message.c_str());
  throw CLI::RuntimeError(code);
}

void Init(const ClusterInitOptions& options) {
  Result<clickhouse::Client> client = clickhouse::Client::Open(options.facts);
  if (!client.ok()) Fail(client.message(), kExitBadInput);
  std::vector<clickhouse::Endpoint> servers;
  for (const std::string& server : options.servers) {
    Result<clickhouse::Endpoint> endpoint =
        clickhouse::ParseUrl("clickhouse://" + server + "/" + client->endpoint().database);
    if (!endpoint.ok()) Fail("--server " + server + ": " + endpoint.message(), kExitBadInput);
    servers.push_back(std::move(endpoint).value());
  }
  if (servers.empty()) {
    Result<std::vector<clickhouse::Endpoint>> found =
        clickhouse::ClusterServers(*client, options.cluster);
    if (!found.ok()) Fail(found.message(), kExitFailure);
    servers = std::move(found).value();
  }
  Status status = clickhouse::InitCluster(*client, options.cluster, servers);
  if (!status.ok()) Fail(status.message(), kExitFailure);
  for (const clickhouse::Endpoint& server : servers) {
    std::printf("%s: %zu tables ready\n", server.Url().c_str(),
                (clickhouse::FactTables().size() + clickhouse::DerivedTables().size()) * 2);
  }
}

}  // namespace

int ImportIntoFacts(const std::string& facts_url, const std::string& workspace,
                    const std::string& file) {
  Result<clickhouse::Client> client = clickhouse::Client::Open(facts_url);
  if (!client.ok()) {
    std::fprintf(stderr, "voronka import: %s\n", client.message().c_str());
    return kExitBadInput;
  }
  const auto started = std::chrono::steady_clock::now();
  clickhouse::WriteResult result =
      clickhouse::ImportFactsFile(*client, workspace, file == "-" ? "/dev/stdin" : file);
  if (!result.errors.empty()) {
    PrintRejectedImport(result.errors);
    return kExitBadInput;
  }
  if (!result.status.ok()) {
    std::fprintf(stderr, "voronka import: %s; nothing was imported\n",
                 result.status.message().c_str());
    return kExitFailure;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr,
               "Imported %lld records (%lld skipped as already applied) into %s, workspace %s, "
               "batch %llu, in %.1f s\n",
               static_cast<long long>(result.applied), static_cast<long long>(result.skipped),
               client->label().c_str(), workspace.c_str(),
               static_cast<unsigned long long>(result.batch), seconds);
  return kExitOk;
}

void AddClusterCommand(CLI::App& app) {
  CLI::App* cluster = app.add_subcommand("cluster", "Set up the scale-out fact store.");
  cluster->require_subcommand(1);
  auto options = std::make_shared<ClusterInitOptions>();
  CLI::App* init = cluster->add_subcommand(
      "init",
      "Create the fact database and tables on every server of a ClickHouse cluster (a\n"
      "MergeTree table per shard and a Distributed table over them, sharded by workspace).\n"
      "Safe to repeat: what exists is kept. The servers are those system.clusters lists for\n"
      "--cluster, reached on their HTTP ports; name them with --server when the ports differ.\n"
      "Example: voronka cluster init --facts clickhouse://ch1:8123/voronka --cluster facts");
  init->add_option("--facts", options->facts, kFactsHelp)->required();
  init->add_option("--cluster", options->cluster,
                   "cluster name, as in <remote_servers> of the servers' configuration")
      ->required();
  init->add_option("--server", options->servers,
                   "HOST:PORT (HTTP) of a server of the cluster; repeat for each");
  init->callback([options] { Init(*options); });
}

}  // namespace voronka::cli
