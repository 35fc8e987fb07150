#include "tools/octopus/cli.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "core/log.h"

namespace octopus::cli {

Result<Config> CliContext::LoadConfig() { return octopus::LoadConfig(overrides); }

std::unique_ptr<Library> CliContext::OpenLibrary() {
  auto config = LoadConfig();
  if (!config.ok()) {
    Fail(config.status().ToString());
    return nullptr;
  }
  InitLogging(*config, "cli", false);
  auto lib = Library::Open(*config);
  if (!lib.ok()) {
    Fail(lib.status().ToString());
    return nullptr;
  }
  places = LoadPlaces(**lib);
  return std::move(lib).value();
}

std::unique_ptr<places::PlaceIndex> LoadPlaces(Library& library) {
  const auto& file = library.config().places_index;
  auto index = places::OpenPlaceIndex(file);
  if (!index.ok()) {
    if (index.status().code() == Code::kNotFound) {
      spdlog::info("no places index at {}: photos get no place", file.string());
    } else {
      spdlog::warn("places disabled: {}", index.status().message());
    }
    return nullptr;
  }
  spdlog::info("places index {} ({} places)", file.string(), (*index)->size());
  library.SetPlaceIndex(index->get());
  return std::move(index).value();
}

void CliContext::Fail(const std::string& message, int code) {
  std::cerr << "octopus: " << message << "\n";
  exit_code = code;
}

}  // namespace octopus::cli
