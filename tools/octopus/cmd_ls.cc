// octopus ls --user NAME [--json]
#include <iomanip>
#include <iostream>

#include "core/grouping.h"
#include "core/photo_json.h"
#include "tools/octopus/cli.h"

namespace octopus::cli {

void AddLsCommand(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string user;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("ls", "List a user's photos, newest first");
  cmd->add_option("--user,-u", args->user, "Owner")->required();
  cmd->add_flag("--json", args->json, "Print an array of photo records");
  cmd->callback([&ctx, args] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto user = lib->FindUser(args->user);
    if (!user.ok()) return ctx.Fail(user.status().message());
    auto photos = lib->ListPhotos(user->id, PhotoQuery{});
    if (!photos.ok()) return ctx.Fail(photos.status().message());
    if (args->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const Photo& p : photos->photos) out.push_back(PhotoToJson(p));
      std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    for (const Photo& p : photos->photos) {
      std::string when = p.meta.taken_at.substr(0, 19);
      if (p.meta.taken_at_estimated) when += "~";
      std::cout << p.id << "  " << std::left << std::setw(20) << when << " " << std::setw(10)
                << FormatSize(p.size) << " " << std::setw(24) << CameraLabel(p.meta.camera) << " "
                << p.filename << "\n";
    }
  });
}

}  // namespace octopus::cli
