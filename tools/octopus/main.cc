// octopus: the command-line program. Each subcommand lives in cmd_*.cc.
#include <CLI/CLI.hpp>

#include "tools/octopus/cli.h"

int main(int argc, char** argv) {
  using namespace octopus::cli;
  CLI::App app{"Octopus Photos: a self-hosted photo library"};
  app.require_subcommand(1);
  CliContext ctx;
  std::string home;
  app.add_option("--home", home, "Library home (default: $OCTOPUS_HOME or ~/.OctopusPhotos)")
      ->each([&](const std::string& v) { ctx.overrides["OCTOPUS_HOME"] = v; });
  AddUserCommands(app, ctx);
  AddImportCommand(app, ctx);
  AddLsCommand(app, ctx);
  AddFsckCommand(app, ctx);
  AddTrashCommands(app, ctx);
  AddReindexCommand(app, ctx);
#ifdef OCTOPUS_HAVE_FS
  AddMountCommand(app, ctx);
#endif
#ifdef OCTOPUS_HAVE_HTTP
  AddServeCommand(app, ctx);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
