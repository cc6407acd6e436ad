// voronka: the self-hosted sales-analytics server and its tools.
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Voronka: sales analytics for CRM data.\n"
      "  voronka demo --out demo.ndjson        generate a realistic CRM history\n"
      "  voronka import --data DIR FILE         load NDJSON records into a data dir\n"
      "  voronka serve --data DIR               serve the dashboard and the API\n"
      "  voronka report --data DIR --request F  answer a report request as JSON\n"
      "  voronka user add --data DIR --login L --password-stdin --role admin",
      "voronka"};
  app.require_subcommand(1);
  voronka::cli::AddServeCommand(app);
  voronka::cli::AddImportCommand(app);
  voronka::cli::AddDemoCommand(app);
  voronka::cli::AddReportCommand(app);
  voronka::cli::AddTokenCommand(app);
  voronka::cli::AddUserCommand(app);
  voronka::cli::AddWorkspaceCommand(app);
  voronka::cli::AddSyncCommand(app);
  voronka::cli::AddClusterCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);  // also the exit code of a failed command (CLI::RuntimeError)
  }
  return 0;
}
