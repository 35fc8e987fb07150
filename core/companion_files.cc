#include "core/companion_files.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace octopus {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <std::size_t N>
bool AnyIgnoreCase(std::string_view s, const std::array<std::string_view, N>& names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return EqualsIgnoreCase(s, n); });
}

// What cameras and phones write beside their photos. MTS/M2TS: AVCHD
// camcorders; LRV: GoPro's low-resolution copies; 3GP: older phones.
constexpr std::array<std::string_view, 8> kVideo = {"mov", "mp4", "m4v",  "3gp",
                                                    "avi", "mts", "m2ts", "lrv"};
constexpr std::array<std::string_view, 3> kSidecar = {"aae", "thm", "xmp"};
constexpr std::array<std::string_view, 3> kSystem = {".DS_Store", "Thumbs.db", "desktop.ini"};

}  // namespace

CompanionKind ClassifyCompanion(std::string_view filename) {
  // macOS writes "._NAME" (AppleDouble: the resource fork and extended
  // attributes of NAME) beside every file it copies to a FAT card; it is
  // never an image, even when NAME is one.
  if (filename.size() > 2 && filename.substr(0, 2) == "._") return CompanionKind::kSystem;
  if (AnyIgnoreCase(filename, kSystem)) return CompanionKind::kSystem;
  const auto dot = filename.rfind('.');
  // No extension, or a dot file with nothing before its dot (".mov"): a
  // name, not a type.
  if (dot == std::string_view::npos || dot == 0) return CompanionKind::kNone;
  const std::string_view ext = filename.substr(dot + 1);
  if (AnyIgnoreCase(ext, kVideo)) return CompanionKind::kVideo;
  if (AnyIgnoreCase(ext, kSidecar)) return CompanionKind::kSidecar;
  return CompanionKind::kNone;
}

const char* CompanionKindName(CompanionKind kind) {
  switch (kind) {
    case CompanionKind::kVideo:
      return "video";
    case CompanionKind::kSidecar:
      return "sidecar";
    case CompanionKind::kSystem:
      return "system file";
    case CompanionKind::kNone:
      break;
  }
  return "";
}

}  // namespace octopus
