// octopus trash empty [--user NAME]
#include <iostream>

#include "tools/octopus/cli.h"

namespace octopus::cli {

void AddTrashCommands(CLI::App& app, CliContext& ctx) {
  auto* trash = app.add_subcommand("trash", "Purge photos from the trash");
  trash->require_subcommand(1);
  auto user = std::make_shared<std::string>();
  auto* empty = trash->add_subcommand(
      "empty",
      "With --user: purge everything in that user's trash. Without: purge, in every "
      "user's trash, what has been there longer than OCTOPUS_TRASH_DAYS (serve and mount "
      "also do this every hour)");
  empty->add_option("--user,-u", *user, "Whose trash to empty, all of it");
  empty->callback([&ctx, user] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto purge = [&]() -> Result<int> {
      if (user->empty()) return lib->PurgeExpiredTrash();
      ASSIGN_OR_RETURN(const User u, lib->FindUser(*user));
      return lib->EmptyTrash(u.id);
    };
    const Result<int> purged = purge();
    if (!purged.ok()) return ctx.Fail(purged.status().message());
    std::cout << "trash: purged " << *purged << " photo(s)\n";
  });
}

}  // namespace octopus::cli
