// The `octopus` command: each subcommand lives in its own cmd_*.cc and is
// registered on the app by an Add*Command function. A command's callback
// stores its exit status in CliContext::exit_code.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/library.h"
#include "core/places/place_index.h"

namespace octopus::cli {

struct CliContext {
  Overrides overrides;  // global flags: --home -> OCTOPUS_HOME, ...
  int exit_code = 0;
  // The places index OpenLibrary loaded (null without one); it outlives the
  // libraries that point to it.
  std::unique_ptr<places::PlaceIndex> places;

  // Loads the config (creating the home on first use) and opens the library
  // with the places index if there is one (see LoadPlaces); on error prints
  // it to stderr and returns nullptr with exit_code set.
  std::unique_ptr<Library> OpenLibrary();
  Result<Config> LoadConfig();
  // Prints "octopus: <message>" to stderr and sets exit_code (default 1).
  void Fail(const std::string& message, int code = 1);
};

// Opens config.places_index and gives it to `library`. Without an index, or
// with a corrupt one (logged), photos get no place: never an error.
std::unique_ptr<places::PlaceIndex> LoadPlaces(Library& library);

// Exit statuses: 0 ok, 1 error, 2 usage, 3 some files refused (import).
void AddUserCommands(CLI::App& app, CliContext& ctx);    // cmd_user.cc
void AddImportCommand(CLI::App& app, CliContext& ctx);   // cmd_import.cc
void AddLsCommand(CLI::App& app, CliContext& ctx);       // cmd_ls.cc
void AddFsckCommand(CLI::App& app, CliContext& ctx);     // cmd_fsck.cc
void AddTrashCommands(CLI::App& app, CliContext& ctx);   // cmd_trash.cc
void AddReindexCommand(CLI::App& app, CliContext& ctx);  // cmd_reindex.cc
void AddMountCommand(CLI::App& app, CliContext& ctx);    // cmd_mount.cc (needs fs/)
void AddServeCommand(CLI::App& app, CliContext& ctx);    // cmd_serve.cc (needs http/, fs/)

}  // namespace octopus::cli
