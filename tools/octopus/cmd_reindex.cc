// octopus reindex --places [--user NAME]
#include <iostream>

#include "core/places/place_index.h"
#include "tools/octopus/cli.h"

namespace octopus::cli {

void AddReindexCommand(CLI::App& app, CliContext& ctx) {
  struct Args {
    bool places = false;
    std::string user;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("reindex", "Recompute derived data for existing photos");
  cmd->add_flag("--places", args->places, "Recompute places from GPS (after a data refresh)")
      ->required();
  cmd->add_option("--user,-u", args->user, "Only this user's photos");
  cmd->callback([&ctx, args] {
    // Builds the index first when the home has none (LoadPlaces).
    auto lib = ctx.OpenLibrary({.places = true});
    if (!lib) return;
    if (ctx.places == nullptr) {
      return ctx.Fail("no usable places index at " + lib->config().places_index.string() +
                      "; nothing recomputed");
    }
    std::optional<UserId> owner;
    if (!args->user.empty()) {
      auto u = lib->FindUser(args->user);
      if (!u.ok()) return ctx.Fail(u.status().message());
      owner = u->id;
    }
    auto n = lib->ReindexPlaces(owner);
    if (!n.ok()) return ctx.Fail(n.status().message());
    std::cout << "places recomputed: " << *n << " photos changed place\n";
  });
}

}  // namespace octopus::cli
