// Subcommands of the `voronka` command. Each adds itself to the app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "model/status.h"

namespace voronka {
class SqliteStore;
}

namespace voronka::cli {

void AddServeCommand(CLI::App& app);
void AddImportCommand(CLI::App& app);
void AddDemoCommand(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddTokenCommand(CLI::App& app);
void AddUserCommand(CLI::App& app);
void AddWorkspaceCommand(CLI::App& app);
void AddSyncCommand(CLI::App& app);
void AddClusterCommand(CLI::App& app);

// `voronka import --facts URL --workspace WS FILE`: NDJSON into the scale-out fact store as
// one batch. Returns an exit code.
int ImportIntoFacts(const std::string& facts_url, const std::string& workspace,
                    const std::string& file);
// Prints the errors of a rejected import (the first 50 and how many more) to stderr.
void PrintRejectedImport(const std::vector<std::string>& errors);

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitFailure = 2;

// The help of the --meta option of `serve`, `user` and `token`.
inline constexpr const char* kMetaHelp =
    "PostgreSQL database for accounts, sessions, layouts, settings, tokens, saved reports and\n"
    "CRM hook credentials, shared by several servers: postgresql://USER@HOST:PORT/DB\n"
    "(default: in the data directory)";

// The help of the --facts option (scale-out facts in ClickHouse).
inline constexpr const char* kFactsHelp =
    "ClickHouse database for facts, on a cluster set up by `voronka cluster init`:\n"
    "clickhouse://HOST:PORT/DB (PORT: the HTTP port, 8123 by default)";

}  // namespace voronka::cli
