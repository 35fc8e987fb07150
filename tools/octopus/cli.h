// The `octopus` command: each subcommand lives in its own cmd_*.cc and is
// registered on the app by an Add*Command function. A command's callback
// stores its exit status in CliContext::exit_code.
//
// Exit statuses, for every command: 0 ok, 1 error (including "no library at
// DIR"), 2 bad usage, 3 some files refused (import only).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/library.h"
#include "core/places/place_index.h"

namespace octopus::cli {

// How a command opens the library.
struct OpenOptions {
  // kExisting for every command but those that set a library up: a
  // mistyped --home is then "no library at DIR", not a new empty library.
  HomeUse home = HomeUse::kExisting;
  // The command computes places (import, mount, serve, reindex): load the
  // index, building it on first use (see LoadPlaces).
  bool places = false;
  // The log file (data/logs/<log>.log) and whether log lines go to stderr too.
  const char* log = "cli";
  bool log_to_stderr = false;
};

struct CliContext {
  Overrides overrides;  // global flags: --home -> OCTOPUS_HOME, ...
  int exit_code = 0;
  // The places index OpenLibrary loaded (null without one); it outlives the
  // libraries that point to it.
  std::unique_ptr<places::PlaceIndex> places;

  // Loads the config and opens the library (and the places index when
  // asked); on error prints it to stderr and returns nullptr with exit_code
  // set.
  std::unique_ptr<Library> OpenLibrary(const OpenOptions& options = {});
  Result<Config> LoadConfig(HomeUse home);
  // Prints "octopus: <message>" to stderr and sets exit_code (default 1).
  void Fail(const std::string& message, int code = 1);
};

// Gives `library` the places index of its config. When there is none yet,
// builds it first from the installed GeoNames data (places_data.h), or, when
// there is no data, says how to get places. What happened is logged once,
// and told once on stderr when `tell_stderr` (a process whose log already
// goes to stderr passes false). Photos get no place without an index:
// never an error.
std::unique_ptr<places::PlaceIndex> LoadPlaces(Library& library, bool tell_stderr);

// The directory is fit to mount on: it exists and is empty (mounting over
// files would hide them). The message says what to do otherwise.
Status CheckMountPoint(const std::filesystem::path& dir);

void AddUserCommands(CLI::App& app, CliContext& ctx);    // cmd_user.cc
void AddImportCommand(CLI::App& app, CliContext& ctx);   // cmd_import.cc
void AddLsCommand(CLI::App& app, CliContext& ctx);       // cmd_ls.cc
void AddFsckCommand(CLI::App& app, CliContext& ctx);     // cmd_fsck.cc
void AddTrashCommands(CLI::App& app, CliContext& ctx);   // cmd_trash.cc
void AddReindexCommand(CLI::App& app, CliContext& ctx);  // cmd_reindex.cc
void AddPlacesCommands(CLI::App& app, CliContext& ctx);  // cmd_places.cc
void AddDbCommands(CLI::App& app, CliContext& ctx);      // cmd_db.cc
void AddMountCommand(CLI::App& app, CliContext& ctx);    // cmd_mount.cc (needs fs/)
void AddUmountCommand(CLI::App& app, CliContext& ctx);   // cmd_umount.cc
void AddServeCommand(CLI::App& app, CliContext& ctx);    // cmd_serve.cc (needs http/, fs/)

}  // namespace octopus::cli
