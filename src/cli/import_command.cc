#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/import_crm.h"
#include "store/sqlite/ndjson_import.h"

namespace voronka::cli {

namespace {

constexpr size_t kMaxPrintedErrors = 50;

struct ImportCommandOptions {
  std::string data_dir;
  std::string file;
  std::string facts;
  std::string workspace;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long PeakMemoryMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux reports kilobytes
}

int Import(const ImportCommandOptions& options) {
  auto store = SqliteStore::Open(options.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "voronka import: %s\n", store.message().c_str());
    return kExitFailure;
  }
  auto workspace = store.value()->EnsureDefaultWorkspace();
  if (!workspace.ok()) {
    std::fprintf(stderr, "voronka import: %s\n", workspace.message().c_str());
    return kExitFailure;
  }

  // A progress line on a terminal only; logs and pipes get the summary alone.
  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  int64_t records = 0;
  ImportOptions import_options;
  import_options.on_chunk = [&](const ParsedBatch& chunk, const ApplyResult&) {
    records += static_cast<int64_t>(chunk.records.size());
    if (!progress || SecondsSince(last_progress) < 0.5) return;
    last_progress = std::chrono::steady_clock::now();
    std::fprintf(stderr, "\r%lld records  %.0f records/s  ", static_cast<long long>(records),
                 static_cast<double>(records) / SecondsSince(started));
  };
  std::string path = options.file == "-" ? "/dev/stdin" : options.file;
  ImportResult result = ImportNdjsonFile(*store.value(), workspace.value(), path, import_options);
  if (progress) std::fprintf(stderr, "\r%60s\r", "");

  if (!result.ok()) {
    for (size_t i = 0; i < result.errors.size() && i < kMaxPrintedErrors; ++i) {
      std::fprintf(stderr, "%s\n", result.errors[i].c_str());
    }
    if (result.errors.size() > kMaxPrintedErrors) {
      std::fprintf(stderr, "... and %zu more errors\n", result.errors.size() - kMaxPrintedErrors);
    }
    std::fprintf(stderr, "voronka import: %zu errors; nothing was imported\n",
                 result.errors.size());
    return kExitBadInput;
  }
  double seconds = SecondsSince(started);
  std::fprintf(stderr,
               "Imported %lld records (%lld skipped as already applied) in %.1f s: "
               "%.0f records/s, peak memory %ld MB\n",
               static_cast<long long>(result.applied), static_cast<long long>(result.skipped),
               seconds, static_cast<double>(result.applied + result.skipped) / (seconds > 0 ? seconds : 1),
               PeakMemoryMegabytes());
  return kExitOk;
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  auto options = std::make_shared<ImportCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "import",
      "Load canonical NDJSON records into a data directory as one atomic batch:\n"
      "with any error, every error is printed with its line and nothing is stored.\n"
      "Example: voronka import --data /var/lib/voronka history.ndjson\n"
      "         zcat history.ndjson.gz | voronka import --data /var/lib/voronka -");
  // `--data` and the file are checked below rather than required: a CRM subcommand
  // (import bitrix24, amocrm, csv) takes its own.
  command->add_option("--data", options->data_dir, "data directory (created when missing)");
  command->add_option("file", options->file, "NDJSON file, or - for standard input");
  command->add_option("--facts", options->facts,
                      std::string(kFactsHelp) + "\n(instead of --data; needs --workspace)");
  command->add_option("--workspace", options->workspace, "workspace name (with --facts)");
  command->require_subcommand(0, 1);
  AddImportBitrix24Command(*command);
  AddImportAmocrmCommand(*command);
  AddImportCsvCommand(*command);
  command->callback([command, options] {
    if (!command->get_subcommands().empty()) return;
    if (!options->facts.empty()) {
      if (options->workspace.empty() || options->file.empty()) {
        throw CLI::RequiredError("import --facts needs --workspace NAME and a FILE");
      }
      int code = ImportIntoFacts(options->facts, options->workspace, options->file);
      if (code != kExitOk) throw CLI::RuntimeError(code);
      return;
    }
    if (options->data_dir.empty() || options->file.empty()) {
      throw CLI::RequiredError("import needs --data DIR and a FILE (or a subcommand)");
    }
    int code = Import(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
