#include "tools/octopus/cli.h"

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
  return std::move(lib).value();
}

void CliContext::Fail(const std::string& message, int code) {
  std::cerr << "octopus: " << message << "\n";
  exit_code = code;
}

}  // namespace octopus::cli
