#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "demo/generator.h"
#include "demo/vocabulary.h"

namespace voronka::cli {

namespace {

struct DemoCommandOptions {
  uint64_t seed = 42;
  int64_t deals = 20000;
  int32_t months = 24;
  std::string end_date;  // empty: today (UTC)
  std::string locale = "ru";
  std::string out = "-";
};

int Demo(const DemoCommandOptions& options) {
  DemoOptions demo;
  demo.seed = options.seed;
  demo.deals = options.deals;
  demo.months = options.months;
  demo.locale = options.locale;
  if (options.end_date.empty()) {
    // Today where the demo company works: in the evening (UTC) Moscow's date is already the
    // next one, and a history ending on the UTC date would leave its current month empty.
    const demo::Vocabulary* vocabulary = demo::FindVocabulary(options.locale);
    Result<TimeZone> zone = TimeZone::Find(vocabulary != nullptr ? vocabulary->time_zone : "UTC");
    auto now = std::chrono::system_clock::now().time_since_epoch();
    demo.end_date = (zone.ok() ? zone.value() : TimeZone::Utc())
                        .DateOf(Instant{
                            std::chrono::duration_cast<std::chrono::microseconds>(now).count()});
  } else {
    auto parsed = ParseDate(options.end_date);
    if (!parsed.ok()) {
      std::fprintf(stderr, "voronka demo: --end-date: %s\n", parsed.message().c_str());
      return kExitBadInput;
    }
    demo.end_date = parsed.value();
  }
  std::FILE* out = options.out == "-" ? stdout : std::fopen(options.out.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "voronka demo: cannot write %s\n", options.out.c_str());
    return kExitFailure;
  }
  bool write_failed = false;
  Status status = GenerateDemo(demo, [&](std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) write_failed = true;
  });
  if (std::fflush(out) != 0) write_failed = true;
  if (out != stdout && std::fclose(out) != 0) write_failed = true;
  if (!status.ok()) {
    std::fprintf(stderr, "voronka demo: %s\n", status.message().c_str());
    return kExitBadInput;
  }
  if (write_failed) {
    std::fprintf(stderr, "voronka demo: writing %s failed\n", options.out.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto options = std::make_shared<DemoCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "Generate a realistic CRM history (managers, pipelines, deals, calls, tasks, goals)\n"
      "as canonical NDJSON. The same seed gives the same history.\n"
      "Example: voronka demo --deals 20000 --out demo.ndjson && "
      "voronka import --data DIR demo.ndjson");
  command->add_option("--seed", options->seed, "random seed")->capture_default_str();
  command->add_option("--deals", options->deals, "number of deals")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  command->add_option("--months", options->months, "months of history ending at --end-date")
      ->capture_default_str()
      ->check(CLI::Range(1, 240));
  command->add_option("--end-date", options->end_date, "last day of history, YYYY-MM-DD (default today)");
  command->add_option("--locale", options->locale, "names and texts: ru, en or pl")
      ->capture_default_str()
      ->check(CLI::IsMember({"ru", "en", "pl"}));
  command->add_option("--out", options->out, "output file, - for standard output")
      ->capture_default_str();
  command->callback([options] {
    int code = Demo(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
