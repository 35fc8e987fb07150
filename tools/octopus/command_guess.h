// Before CLI11 parses: finds a word where a subcommand is expected that
// names none ("octopus imprt"), or a command line that stops before a
// required subcommand ("octopus user"). CLI11 alone answers both with "A
// subcommand is required", which does not say what was wrong.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace octopus::cli {

struct CommandProblem {
  const CLI::App* at = nullptr;  // the command whose subcommand is wrong or missing
  std::string word;              // the unknown word; "" when missing
  std::string suggestion;        // the closest subcommand name, "" when none is close
};

// `args` without the program name. nullopt when the subcommands are all
// known and present, or when --help or --version is asked for (CLI11 then
// answers).
std::optional<CommandProblem> FindCommandProblem(const CLI::App& app,
                                                 const std::vector<std::string>& args);

// The subcommand of `app` closest to `word` by edit distance, when close
// enough to be a typo; "" otherwise.
std::string ClosestSubcommand(const CLI::App& app, const std::string& word);

// "octopus user" for the user subcommand.
std::string CommandPath(const CLI::App& app);

}  // namespace octopus::cli
