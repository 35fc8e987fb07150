// octopus: the command-line program. Each subcommand lives in cmd_*.cc.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/octopus/cli.h"
#include "tools/octopus/command_guess.h"

namespace {

using namespace octopus::cli;

// `octopus help [COMMAND...]`: the help of the program or of a command.
void AddHelpCommand(CLI::App& app, CliContext& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* help = app.add_subcommand("help", "Show the help of octopus or of a command");
  help->add_option("COMMAND", *words, "A command (and subcommand): `octopus help user add`");
  help->callback([&app, &ctx, words] {
    const CLI::App* target = &app;
    for (const std::string& w : *words) {
      const CLI::App* sub = nullptr;
      for (const CLI::App* s : target->get_subcommands(nullptr)) {
        if (s->check_name(w)) sub = s;
      }
      if (sub == nullptr) {
        const std::string guess = ClosestSubcommand(*target, w);
        return ctx.Fail("no command '" + w + "' in `" + CommandPath(*target) + "`" +
                            (guess.empty() ? "" : "; did you mean '" + guess + "'?"),
                        2);
      }
      target = sub;
    }
    // Not target->help(): on the program it shows the selected subcommand,
    // which is `help` itself.
    std::cout << target->get_formatter()->make_help(target, target->get_name(),
                                                    CLI::AppFormatMode::Normal);
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Octopus Photos: a self-hosted photo library"};
  app.name("octopus");
  app.require_subcommand(1);
  // Options of a command's parents are accepted after it too, as the README
  // promises for --home ("octopus ls --user alice --home DIR"). Set before
  // the subcommands are added: they inherit it.
  app.fallthrough();
  app.set_version_flag("--version", std::string("octopus ") + OCTOPUS_VERSION);
  app.footer(
      "Exit status: 0 ok, 1 error, 2 bad usage, 3 some files refused (import).\n"
      "`octopus help COMMAND` shows a command's options.");
  CliContext ctx;
  std::string home;
  app.add_option("--home", home, "Library home (default: $OCTOPUS_HOME or ~/.OctopusPhotos)")
      ->each([&](const std::string& v) { ctx.overrides["OCTOPUS_HOME"] = v; });
  std::string database;
  app.add_option("--database", database,
                 "Metadata database: sqlite: (default) or a PostgreSQL URL "
                 "(default: $OCTOPUS_DATABASE_URL, then the home's .env)")
      ->each([&](const std::string& v) { ctx.overrides["OCTOPUS_DATABASE_URL"] = v; });
  AddHelpCommand(app, ctx);
  AddUserCommands(app, ctx);
  AddImportCommand(app, ctx);
  AddLsCommand(app, ctx);
  AddFsckCommand(app, ctx);
  AddTrashCommands(app, ctx);
  AddReindexCommand(app, ctx);
  AddPlacesCommands(app, ctx);
  AddDbCommands(app, ctx);
#ifdef OCTOPUS_HAVE_FS
  AddMountCommand(app, ctx);
  AddUmountCommand(app, ctx);
#endif
#ifdef OCTOPUS_HAVE_HTTP
  AddServeCommand(app, ctx);
#endif

  const std::vector<std::string> args(argv + 1, argv + argc);
  if (auto problem = FindCommandProblem(app, args)) {
    const std::string where = CommandPath(*problem->at);
    if (problem->word.empty()) {
      // "octopus" or "octopus user" alone: what could follow.
      std::cerr << problem->at->help();
    } else {
      std::cerr << where << ": unknown command '" << problem->word << "'"
                << (problem->suggestion.empty() ? ""
                                                : "; did you mean '" + problem->suggestion + "'?")
                << "\nRun `" << where << " --help` for the commands.\n";
    }
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
