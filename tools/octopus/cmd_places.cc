// octopus places build [--from DIR] [--force] [--output FILE]
// octopus places status
//
// The places index (README "Places"): built from GeoNames data into the
// home's data/places.idx. Commands that need places build it on first use
// (LoadPlaces); these make it explicit, and say where it stands.
#include <chrono>
#include <iomanip>
#include <iostream>

#include "core/places/place_index.h"
#include "tools/octopus/cli.h"
#include "tools/octopus/places_data.h"

namespace octopus::cli {
namespace {

namespace fs = std::filesystem;

struct BuildArgs {
  std::string from, output;
  bool force = false;
};

void Build(CliContext& ctx, const BuildArgs& args) {
  // With both --from and --output no home is involved (a benchmark's
  // index). Otherwise this sets a home up: it may be the first command run
  // on it.
  Config config;
  if (args.from.empty() || args.output.empty()) {
    auto loaded = ctx.LoadConfig(HomeUse::kCreate);
    if (!loaded.ok()) return ctx.Fail(loaded.status().message());
    config = std::move(loaded).value();
  }
  const fs::path out = args.output.empty() ? config.places_index : fs::path(args.output);
  if (!args.force) {
    if (auto existing = places::OpenPlaceIndex(out); existing.ok()) {
      std::cout << "places index " << out.string() << " is there (" << (*existing)->size()
                << " places); --force rebuilds it\n";
      return;
    }
  }
  auto data = FindPlacesData(config, args.from);
  if (!data.ok()) {
    return ctx.Fail(data.status().message() +
                    (args.from.empty() ? "; give the GeoNames data with --from DIR" : ""));
  }
  std::cout << "building " << out.string() << " from " << data->Describe() << "\n" << std::flush;
  const auto start = std::chrono::steady_clock::now();
  auto built = BuildPlacesIndex(*data, out);
  if (!built.ok()) return ctx.Fail(built.status().message());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << out.string() << ": " << *built << " places in " << std::fixed
            << std::setprecision(1) << secs << " s\n"
            << "photos imported from now on get their place; `octopus reindex --places` gives "
               "one to those already in the library\n";
}

void ShowStatus(CliContext& ctx) {
  auto config = ctx.LoadConfig(HomeUse::kExisting);
  if (!config.ok()) return ctx.Fail(config.status().message());
  const fs::path& file = config->places_index;
  auto index = places::OpenPlaceIndex(file);
  if (index.ok()) {
    std::error_code ec;
    const auto size = static_cast<std::int64_t>(fs::file_size(file, ec));
    std::cout << "index: " << file.string() << ": " << (*index)->size() << " places ("
              << FormatSize(size) << ")\n";
  } else {
    std::cout << "index: " << file.string() << ": "
              << (index.status().code() == Code::kNotFound ? "none" : index.status().message())
              << ": photos get no place\n";
    ctx.exit_code = 1;
  }
  auto data = FindPlacesData(*config);
  if (data.ok()) {
    std::cout << "data:  " << data->Describe() << "\n";
    if (!index.ok()) {
      std::cout << "the next import, mount or serve builds the index from it, or now: "
                   "`octopus places build`\n";
    }
  } else {
    std::cout << "data:  " << data.status().message() << "\n";
    if (!index.ok()) std::cout << "build the index with `octopus places build --from DIR`\n";
  }
}

}  // namespace

void AddPlacesCommands(CLI::App& app, CliContext& ctx) {
  auto* places = app.add_subcommand("places", "The places index (country, region, city from GPS)");
  places->require_subcommand(1);

  auto build_args = std::make_shared<BuildArgs>();
  auto* build = places->add_subcommand("build", "Build the places index from GeoNames data");
  build->add_option("--from", build_args->from,
                    "GeoNames dump files (cities1000.txt, admin1CodesASCII.txt, "
                    "countryInfo.txt) or the npm packages of tools/setup.sh (default: "
                    "OCTOPUS_PLACES_DATA, then web/node_modules of the source tree)");
  build->add_flag("--force", build_args->force, "Rebuild even when a usable index is there");
  build->add_option("-o,--output", build_args->output,
                    "Write it here (default: the home's data/places.idx, OCTOPUS_PLACES_INDEX)");
  build->callback([&ctx, build_args] { Build(ctx, *build_args); });

  auto* status = places->add_subcommand("status", "Say whether photos get places, and from what");
  status->callback([&ctx] { ShowStatus(ctx); });
}

}  // namespace octopus::cli
