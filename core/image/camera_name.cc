#include "core/image/camera_name.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace octopus::image {
namespace {

std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == Lower(prefix);
}

// Corporate EXIF makes -> the brand people know. Matched on the lower-cased
// make's prefix, so "NIKON CORPORATION" and "NIKON" both become "Nikon".
constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kBrands = {{
    {"nikon", "Nikon"},
    {"canon", "Canon"},
    {"olympus", "Olympus"},
    {"om digital", "OM System"},
    {"fujifilm", "Fujifilm"},
    {"fuji photo", "Fujifilm"},
    {"sony", "Sony"},
    {"samsung", "Samsung"},
    {"apple", "Apple"},
    {"google", "Google"},
    {"hewlett-packard", "HP"},
    {"hp", "HP"},
    {"eastman kodak", "Kodak"},
    {"kodak", "Kodak"},
    {"panasonic", "Panasonic"},
    {"pentax", "Pentax"},
    {"ricoh", "Ricoh"},
    {"leica", "Leica"},
    {"casio", "Casio"},
    {"konica minolta", "Konica Minolta"},
    {"minolta", "Minolta"},
    {"sigma", "Sigma"},
    {"hasselblad", "Hasselblad"},
    {"huawei", "Huawei"},
    {"xiaomi", "Xiaomi"},
    {"motorola", "Motorola"},
    {"lg electronics", "LG"},
    {"hmd global", "HMD"},
    {"oneplus", "OnePlus"},
    {"gopro", "GoPro"},
    {"dji", "DJI"},
    {"nokia", "Nokia"},
}};

// Unknown makes: drop corporate suffixes, then fix all-caps or all-lower
// words ("ACME OPTICS" -> "Acme Optics"); short ones stay upper ("ZTE").
std::string NormalizeUnknownMake(std::string_view make) {
  std::string m(make);
  for (std::string_view suffix :
       {" corporation", " corp.", " corp", " co., ltd.", " co.,ltd.", " co., ltd", " co.,ltd",
        " company", " inc.", " inc", " imaging", " electronics", " ltd.", " ltd", " ag", " gmbh"}) {
    while (m.size() > suffix.size() && Lower(m).ends_with(suffix)) {
      m.resize(m.size() - suffix.size());
      m = std::string(Trim(m));
    }
  }
  const bool all_upper =
      std::none_of(m.begin(), m.end(), [](unsigned char c) { return std::islower(c); });
  const bool all_lower =
      std::none_of(m.begin(), m.end(), [](unsigned char c) { return std::isupper(c); });
  if (!(all_upper || all_lower) || m.size() <= 3) {
    if (all_lower && m.size() <= 3) {
      std::transform(m.begin(), m.end(), m.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    return m;
  }
  bool word_start = true;
  for (char& c : m) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(word_start ? std::toupper(u) : std::tolower(u));
    word_start = !std::isalnum(u);
  }
  return m;
}

}  // namespace

CameraInfo CleanCameraName(std::string_view raw_make, std::string_view raw_model) {
  const std::string_view make = Trim(raw_make);
  std::string_view model = Trim(raw_model);
  CameraInfo out;
  const std::string lower = Lower(make);
  for (const auto& [prefix, brand] : kBrands) {
    if (lower.starts_with(prefix) &&
        (lower.size() == prefix.size() ||
         !std::isalnum(static_cast<unsigned char>(lower[prefix.size()])))) {
      out.make = brand;
      break;
    }
  }
  if (out.make.empty() && !make.empty()) out.make = NormalizeUnknownMake(make);

  // Drop a repeated make from the model: the raw make's first word, or the
  // brand ("NIKON D750" -> "D750", "hp photosmart 735" -> "photosmart 735").
  const std::string_view first_word = make.substr(0, make.find_first_of(" -"));
  for (std::string_view prefix : {std::string_view(out.make), first_word, make}) {
    if (prefix.empty() || !StartsWithNoCase(model, prefix)) continue;
    const std::string_view rest = model.substr(prefix.size());
    if (!rest.empty() && (rest.front() == ' ' || rest.front() == '-' || rest.front() == '_')) {
      const std::string_view trimmed = Trim(rest.substr(1));
      if (!trimmed.empty()) model = trimmed;
      break;
    }
  }
  out.model = std::string(model);
  return out;
}

}  // namespace octopus::image
