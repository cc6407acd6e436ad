#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "metrics/report.h"
#include "server/runtime.h"

namespace voronka::cli {

namespace {

struct ReportOptions {
  std::string data_dir;
  std::string request_file;
  bool drilldown = false;
};

int Report(const ReportOptions& options) {
  std::stringstream text;
  if (options.request_file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(options.request_file);
    if (!in) {
      std::fprintf(stderr, "voronka report: cannot read %s\n", options.request_file.c_str());
      return kExitFailure;
    }
    text << in.rdbuf();
  }
  nlohmann::json request = nlohmann::json::parse(text.str(), nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    std::fprintf(stderr, "voronka report: %s is not a JSON object\n", options.request_file.c_str());
    return kExitBadInput;
  }
  auto runtime = Runtime::Open(options.data_dir);
  if (!runtime.ok()) {
    std::fprintf(stderr, "voronka report: %s\n", runtime.message().c_str());
    return kExitFailure;
  }
  std::shared_ptr<const Engine> engine = runtime.value()->engine(runtime.value()->default_workspace());
  // The workspace's settings fill in what the request leaves out, as over HTTP.
  AddReportDefaults(*runtime.value()->settings(runtime.value()->default_workspace()), request);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  Instant now_instant{std::chrono::duration_cast<std::chrono::microseconds>(now).count()};
  Result<nlohmann::json> answer = options.drilldown ? RunDrilldown(*engine, request, now_instant)
                                                    : RunReport(*engine, request, now_instant);
  if (!answer.ok()) {
    std::fprintf(stderr, "voronka report: %s\n", answer.message().c_str());
    return kExitBadInput;
  }
  std::printf("%s\n", answer.value().dump(2).c_str());
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = app.add_subcommand(
      "report",
      "Answer a report request (the JSON of POST /api/v1/report) and print the JSON answer.\n"
      "Example: echo '{\"metric\":\"won_amount\",\"period\":{\"preset\":\"this_month\"},"
      "\"group_by\":[\"responsible\"]}' | voronka report --data DIR --request -");
  command->add_option("--data", options->data_dir, "data directory")->required();
  command->add_option("--request", options->request_file, "request JSON file, - for stdin")
      ->required();
  command->add_flag("--drilldown", options->drilldown,
                    "list the deals behind the number instead (the request of POST /api/v1/drilldown)");
  command->callback([options] {
    int code = Report(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
