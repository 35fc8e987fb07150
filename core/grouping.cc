#include "core/grouping.h"

#include <algorithm>
#include <map>

#include "core/name_key.h"
#include "core/timestamps.h"

namespace octopus {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

// The code point of one valid UTF-8 sequence.
std::uint32_t DecodeUtf8(std::string_view seq) {
  const auto lead = static_cast<unsigned char>(seq[0]);
  if (seq.size() == 1) return lead;
  std::uint32_t cp = lead & (0xFF >> (seq.size() + 1));
  for (std::size_t k = 1; k < seq.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(seq[k]) & 0x3F);
  }
  return cp;
}

// Characters that change how a name is shown without being seen: the
// bidirectional embeddings, overrides and isolates (U+202E makes
// "photo\u202Egpj.exe" read as "photoexe.jpg"), the zero-width and
// directional marks, the Arabic letter mark, the word joiner and the
// invisible operators, the deprecated format characters, the BOM, the
// Mongolian vowel separator and the soft hyphen. Removed from names, so that
// two names that look the same are the same. The zero-width joiner and
// non-joiner (U+200D, U+200C) are kept: they are part of how Persian and
// Indic words and emoji sequences are written, and removing them would
// change a visible name.
bool IsInvisibleFormat(std::uint32_t cp) {
  return cp == 0x00AD || cp == 0x061C || cp == 0x180E || cp == 0x200B || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF;
}

// Cuts `s` (valid UTF-8) to at most `max` bytes on a character boundary.
std::string CutUtf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

std::string SplitExtension(const std::string& name, std::string* ext) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || name.size() - dot > 16) {
    ext->clear();
    return name;
  }
  *ext = name.substr(dot);
  return name.substr(0, dot);
}

}  // namespace

std::string SafeFileName(std::string_view name) {
  constexpr std::size_t kMaxBytes = 255;
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const std::size_t len = Utf8SequenceLength(name, i);
    const std::uint32_t cp = len == 0 ? 0 : DecodeUtf8(name.substr(i, len));
    if (len != 0 && IsInvisibleFormat(cp)) {
      i += len;
      continue;
    }
    if (len == 0 || c < 0x20 || c == 0x7F || c == '/' || (cp >= 0x80 && cp <= 0x9F) ||
        cp == 0x2028 || cp == 0x2029) {
      out.push_back('_');
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(name.substr(i, len));
    i += len;
  }
  if (out.empty() || out == "." || out == "..") return "_";
  if (out.size() > kMaxBytes) {
    std::string ext;
    std::string stem = SplitExtension(out, &ext);
    out = CutUtf8(stem, kMaxBytes - ext.size()) + ext;
  }
  return out;
}

std::string CameraLabel(const CameraInfo& camera) {
  if (camera.make.empty() && camera.model.empty()) return "Unknown camera";
  if (camera.make.empty()) return camera.model;
  if (camera.model.empty()) return camera.make;
  return camera.make + " " + camera.model;
}

std::vector<std::string> ViewFolder(const Photo& photo, View view) {
  switch (view) {
    case View::kDate: {
      const std::string& t = photo.meta.taken_at;
      if (photo.meta.taken_at_estimated || t.size() < 10) return {"unknown"};
      return {t.substr(0, 4), t.substr(0, 7), t.substr(0, 10)};
    }
    case View::kCamera:
      return {SafeFileName(CameraLabel(photo.meta.camera))};
    case View::kPlace: {
      if (!photo.place || photo.place->country.empty()) return {};
      std::vector<std::string> parts{SafeFileName(photo.place->country)};
      if (!photo.place->region.empty()) parts.push_back(SafeFileName(photo.place->region));
      if (!photo.place->city.empty()) parts.push_back(SafeFileName(photo.place->city));
      return parts;
    }
  }
  return {};
}

FolderNode GroupPhotos(const std::vector<Photo>& photos, View view) {
  FolderNode root;
  for (const Photo& photo : photos) {
    const auto parts = ViewFolder(photo, view);
    if (parts.empty()) continue;
    ++root.count;
    FolderNode* node = &root;
    for (const auto& part : parts) {
      node = &node->children[part];
      ++node->count;
    }
  }
  return root;
}

std::int64_t ImportOrder(std::string_view imported_at) {
  const auto seconds = UtcSeconds(imported_at);
  if (!seconds) return 0;
  int millis = 0;
  if (imported_at.size() >= 23 && imported_at[19] == '.') {
    for (std::size_t i = 20; i < 23 && imported_at[i] >= '0' && imported_at[i] <= '9'; ++i) {
      millis = millis * 10 + (imported_at[i] - '0');
    }
  }
  return *seconds * 1000 + millis;
}

namespace {

// The extension SplitExtension finds, as a view ("" when none).
std::string_view ExtensionOf(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot > 16) return {};
  return name.substr(dot);
}

// A name's family as two views into it: the prefix and the extension.
std::pair<std::string_view, std::string_view> FamilyParts(std::string_view name) {
  const std::string_view ext = ExtensionOf(name);
  const std::string_view stem = name.substr(0, name.size() - ext.size());
  const std::size_t end = std::min<std::size_t>({stem.find(" ("), 128, stem.size()});
  return {name.substr(0, end), ext};
}

// The k-th photo of a name becomes "stem (k).ext"; a suffixed name may
// itself be some other photo's real name, so count on until free. The stem
// is cut to leave room for the suffix: cutting the whole name instead
// dropped the suffix, and the loop never found a free name. `group` is in
// (import order, id) order.
void NameGroup(const std::vector<NameRequest>& photos, const std::vector<std::size_t>& group,
               const std::function<void(std::size_t, std::string_view)>& named) {
  constexpr std::size_t kMaxBytes = 255;
  std::map<std::string, int, std::less<>> taken;  // name -> times seen
  for (std::size_t i : group) {
    const std::string base(photos[i].name);
    std::string name = base;
    if (int& seen = taken[base]; seen++ > 0) {
      std::string ext;
      const std::string stem = SplitExtension(base, &ext);
      for (int n = seen;; ++n) {
        const std::string suffix = " (" + std::to_string(n) + ")";
        name = CutUtf8(stem, kMaxBytes - ext.size() - suffix.size()) + suffix + ext;
        if (taken.find(name) == taken.end()) break;
      }
      taken[name] = 1;
    }
    named(i, name);
  }
}

}  // namespace

std::string_view NameFamilyPrefix(std::string_view name) { return FamilyParts(name).first; }

std::string NameFamily(std::string_view name) {
  const auto [prefix, ext] = FamilyParts(name);
  std::string family(prefix);
  family.push_back('\0');  // names hold no NUL: prefix and extension stay apart
  family.append(ext);
  return family;
}

void ForEachDistinctName(const std::vector<NameRequest>& photos,
                         const std::function<void(std::size_t, std::string_view)>& named) {
  // Names collide only within a family (NameFamily), so each family is
  // named on its own: a folder of a million photos with their own names
  // needs no map of a million names.
  std::vector<std::pair<std::string_view, std::string_view>> family(photos.size());
  std::vector<std::pair<NameKey, std::size_t>> keyed(photos.size());
  for (std::size_t i = 0; i < photos.size(); ++i) {
    family[i] = FamilyParts(photos[i].name);
    keyed[i] = {NameKey(family[i].first), i};
  }
  std::sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    const std::size_t a = x.second, b = y.second;
    if (family[a] != family[b]) return family[a] < family[b];
    if (photos[a].order != photos[b].order) return photos[a].order < photos[b].order;
    return photos[a].id < photos[b].id;
  });
  std::vector<std::size_t> order(photos.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = keyed[i].second;
  std::vector<std::pair<NameKey, std::size_t>>().swap(keyed);
  std::vector<std::size_t> group;
  for (std::size_t at = 0; at < order.size();) {
    std::size_t end = at + 1;
    while (end < order.size() && family[order[end]] == family[order[at]]) ++end;
    if (end - at == 1) {
      named(order[at], photos[order[at]].name);
    } else {
      group.assign(order.begin() + static_cast<std::ptrdiff_t>(at),
                   order.begin() + static_cast<std::ptrdiff_t>(end));
      NameGroup(photos, group, named);
    }
    at = end;
  }
}

std::vector<std::string> DistinctNames(const std::vector<NameRequest>& photos) {
  std::vector<std::string> names(photos.size());
  ForEachDistinctName(photos, [&](std::size_t i, std::string_view name) { names[i] = name; });
  return names;
}

std::vector<std::string> DistinctNames(const std::vector<const Photo*>& photos) {
  std::vector<std::string> bases;
  bases.reserve(photos.size());
  for (const Photo* p : photos) bases.push_back(SafeFileName(p->filename));
  std::vector<NameRequest> requests;
  requests.reserve(photos.size());
  for (std::size_t i = 0; i < photos.size(); ++i) {
    requests.push_back({bases[i], ImportOrder(photos[i]->imported_at), photos[i]->id});
  }
  return DistinctNames(requests);
}

}  // namespace octopus
