#include "fs/trash_info.h"

#include <ctime>

namespace octopus::fs {
namespace {

// RFC 2396 path escaping, as the spec asks: unreserved characters and '/'
// stay, every other byte is %XX.
std::string EscapePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      std::string_view("-_.!~*'()/").find(ch) != std::string_view::npos;
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

std::string_view TrashedNameOf(std::string_view info_name) {
  if (info_name.size() <= kTrashInfoSuffix.size() || !info_name.ends_with(kTrashInfoSuffix)) {
    return {};
  }
  return info_name.substr(0, info_name.size() - kTrashInfoSuffix.size());
}

std::string TrashInfoContent(std::string_view name, std::int64_t trashed) {
  const auto t = static_cast<std::time_t>(trashed);
  std::tm local{};
  ::localtime_r(&t, &local);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &local);
  std::string out = "[Trash Info]\nPath=";
  out += EscapePath("all/" + std::string(name));
  out += "\nDeletionDate=";
  out += when;
  out += '\n';
  return out;
}

}  // namespace octopus::fs
