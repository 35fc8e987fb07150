#include "tools/octopus/command_guess.h"

#include <algorithm>

namespace octopus::cli {
namespace {

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The option named `token` ("--home", "-j") of `app` or of a parent that
// its arguments fall through to.
const CLI::Option* FindOption(const CLI::App* app, const std::string& token) {
  for (; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* opt = app->get_option_no_throw(token)) return opt;
  }
  return nullptr;
}

const CLI::App* FindSubcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : app.get_subcommands(nullptr)) {
    if (sub->check_name(word)) return sub;
  }
  return nullptr;
}

}  // namespace

std::string ClosestSubcommand(const CLI::App& app, const std::string& word) {
  std::string best;
  std::size_t best_distance = 0;
  for (const CLI::App* sub : app.get_subcommands(nullptr)) {
    const std::size_t d = EditDistance(word, sub->get_name());
    if (best.empty() || d < best_distance) {
      best = sub->get_name();
      best_distance = d;
    }
  }
  // A typo changes a letter or two; beyond that the guess would be noise.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= limit ? best : "";
}

std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent()) {
    path = p->get_name() + " " + path;
  }
  return path;
}

std::optional<CommandProblem> FindCommandProblem(const CLI::App& app,
                                                 const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help" || a == "--version") return std::nullopt;
    if (a == "--") break;
  }
  const CLI::App* current = &app;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") break;
    if (token.size() > 1 && token[0] == '-') {
      // An option taking a value given as a separate word ("--home DIR"):
      // that word is not a command.
      const CLI::Option* opt =
          token.find('=') == std::string::npos ? FindOption(current, token) : nullptr;
      if (opt != nullptr && opt->get_type_size_max() > 0 && opt->get_items_expected_min() > 0) {
        ++i;
      }
      continue;
    }
    if (current->get_subcommands(nullptr).empty()) return std::nullopt;  // arguments from here
    if (const CLI::App* sub = FindSubcommand(*current, token)) {
      current = sub;
      continue;
    }
    if (current->get_require_subcommand_min() == 0) return std::nullopt;
    return CommandProblem{current, token, ClosestSubcommand(*current, token)};
  }
  if (current->get_require_subcommand_min() > 0) return CommandProblem{current, "", ""};
  return std::nullopt;
}

}  // namespace octopus::cli
