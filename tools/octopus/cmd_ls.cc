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
    if (photos->photos.empty()) {
      std::cout << "no photos; add some with `octopus import --user " << user->name << " DIR`\n";
      return;
    }
    const std::size_t id_width = photos->photos.front().id.size();
    std::cout << std::left << std::setw(static_cast<int>(id_width)) << "ID"
              << "  " << std::setw(20) << "TAKEN"
              << " " << std::setw(10) << "SIZE"
              << " " << std::setw(24) << "CAMERA"
              << " FILE\n";
    bool estimated = false;
    for (const Photo& p : photos->photos) {
      // "T" between date and time would only be noise in a table.
      std::string when = p.meta.taken_at.substr(0, 19);
      if (when.size() > 10 && when[10] == 'T') when[10] = ' ';
      if (p.meta.taken_at_estimated) {
        when += "*";
        estimated = true;
      }
      std::cout << std::left << std::setw(static_cast<int>(id_width)) << p.id << "  "
                << std::setw(20) << when << " " << std::setw(10) << FormatSize(p.size) << " "
                << std::setw(24) << CameraLabel(p.meta.camera) << " " << p.filename << "\n";
    }
    if (estimated) {
      std::cout << "* no date in the photo: the file's modification time, shown under "
                   "by-date/unknown/ in the mount\n";
    }
  });
}

}  // namespace octopus::cli
