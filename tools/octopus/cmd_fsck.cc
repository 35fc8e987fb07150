// octopus fsck [--repair]
#include <iostream>

#include "tools/octopus/cli.h"

namespace octopus::cli {

void AddFsckCommand(CLI::App& app, CliContext& ctx) {
  auto repair = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("fsck", "Check the database against the blob store");
  cmd->add_flag("--repair", *repair, "Mend what can be mended");
  cmd->callback([&ctx, repair] {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto report = lib->Fsck(*repair);
    if (!report.ok()) return ctx.Fail(report.status().message());
    for (const auto& p : report->problems) std::cout << "problem: " << p << "\n";
    if (report->clean()) {
      std::cout << "fsck: library is consistent\n";
      return;
    }
    std::cout << "fsck: " << report->problems.size() << " problem(s)";
    if (*repair) std::cout << ", " << report->repaired << " repaired";
    std::cout << "\n";
    // Found problems: exit 1 unless --repair mended them all.
    if (!*repair || report->repaired < static_cast<int>(report->problems.size())) {
      ctx.exit_code = 1;
    }
  });
}

}  // namespace octopus::cli
