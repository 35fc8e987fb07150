#include "core/copy_names.h"

#include <cctype>

namespace octopus {

std::string NameBehindTemporary(std::string_view name) {
  constexpr std::size_t kRandom = 6;
  // "." + at least one character + "." + six letters or digits.
  if (name.size() < 2 + 1 + kRandom || name.front() != '.') return std::string(name);
  const std::size_t dot = name.size() - kRandom - 1;
  if (name[dot] != '.' || dot < 2) return std::string(name);
  for (std::size_t i = dot + 1; i < name.size(); ++i) {
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return std::string(name);
  }
  return std::string(name.substr(1, dot - 1));
}

}  // namespace octopus
