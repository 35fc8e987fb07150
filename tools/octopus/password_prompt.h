#pragma once

#include <optional>
#include <string>

namespace octopus::cli {

// Reads a password: one line from stdin when `from_stdin`, else prompts on
// the terminal without echo (twice, to confirm, when `confirm`). nullopt
// when there is no terminal to prompt on, or the two entries differ.
std::optional<std::string> ReadPassword(bool from_stdin, bool confirm, std::string* error);

}  // namespace octopus::cli
