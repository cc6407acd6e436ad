// `voronka workspace`: the tenants of one data directory, or of every server of the
// scale-out mode (listed in its PostgreSQL database).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/stores.h"
#include "model/time.h"

namespace voronka::cli {

namespace {

struct WorkspaceOptions {
  StoreOptions stores;
  std::string name;
  std::string time_zone = "UTC";
  std::string currency = "RUB";
  std::string locale = "ru";
};

[[noreturn]] void Fail(const char* command, const std::string& message, int code) {
  std::fprintf(stderr, "voronka workspace %s: %s\n", command, message.c_str());
  throw CLI::RuntimeError(code);
}

}  // namespace

void AddWorkspaceCommand(CLI::App& app) {
  CLI::App* workspace = app.add_subcommand("workspace", "Manage workspaces (one per company).");
  workspace->require_subcommand(1);
  auto options = std::make_shared<WorkspaceOptions>();

  CLI::App* add = workspace->add_subcommand(
      "add",
      "Add a workspace. A running server serves it at once (loaded on its first request).\n"
      "Example: voronka workspace add --data /var/lib/voronka --name acme "
      "--time-zone Europe/Moscow\n"
      "Scale-out: voronka workspace add --meta postgresql://... --facts clickhouse://... "
      "--name acme");
  AddStoreOptions(add, options->stores);
  add->add_option("--name", options->name, "workspace name (unique)")->required();
  add->add_option("--time-zone", options->time_zone, "IANA time zone")->capture_default_str();
  add->add_option("--currency", options->currency, "base currency")->capture_default_str();
  add->add_option("--locale", options->locale, "ru | en | pl")->capture_default_str();
  add->callback([options] {
    if (!TimeZone::Find(options->time_zone).ok()) {
      Fail("add", "unknown time zone " + options->time_zone, kExitBadInput);
    }
    if (options->locale != "ru" && options->locale != "en" && options->locale != "pl") {
      Fail("add", "--locale must be ru, en or pl", kExitBadInput);
    }
    Result<Stores> stores = OpenStores(options->stores);
    if (!stores.ok()) Fail("add", stores.message(), kExitFailure);
    WorkspaceRecord settings;
    settings.name = options->name;
    settings.time_zone = options->time_zone;
    settings.currency = options->currency;
    settings.locale = options->locale;
    auto id = stores->workspaces->CreateWorkspace(options->name, settings);
    if (!id.ok()) Fail("add", id.message(), kExitBadInput);
    std::printf("added workspace %s (id %lld)\n", options->name.c_str(),
                static_cast<long long>(id.value()));
  });

  CLI::App* list = workspace->add_subcommand("list", "List the workspaces.");
  AddStoreOptions(list, options->stores);
  list->callback([options] {
    Result<Stores> stores = OpenStores(options->stores);
    if (!stores.ok()) Fail("list", stores.message(), kExitFailure);
    for (const WorkspaceInfo& info : stores->workspaces->Workspaces()) {
      std::printf("%lld\t%s\t%s\n", static_cast<long long>(info.id), info.name.c_str(),
                  info.settings.time_zone.value_or("UTC").c_str());
    }
  });
}

}  // namespace voronka::cli
