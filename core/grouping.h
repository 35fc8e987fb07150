// The virtual tree: which folder a photo lives in under each view, the
// folder counts, and distinct file names inside a folder. The FUSE mount and
// the HTTP browse endpoints both use these functions, so they never disagree.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/photo.h"

namespace octopus {

enum class View { kDate, kCamera, kPlace };

// Folder path components of `photo` in `view`:
//   kDate:   {"2024", "2024-07", "2024-07-14"}, or {"unknown"} when the date is
//            estimated or missing;
//   kCamera: {"Apple iPhone 12"}, or {"Unknown camera"};
//   kPlace:  {"France", "Île-de-France", "Paris"}; a level that is empty is
//            skipped; {} when the photo has no place (not listed).
// Each component is a safe file name (SafeFileName).
std::vector<std::string> ViewFolder(const Photo& photo, View view);

// "<Make> <Model>", "Unknown camera" when both are empty.
std::string CameraLabel(const CameraInfo& camera);

struct FolderNode {
  std::int64_t count = 0;  // photos in this folder and below
  std::map<std::string, FolderNode> children;
};

// The folder tree of a view with counts, root being the view itself.
FolderNode GroupPhotos(const std::vector<Photo>& photos, View view);

// One photo of a folder, as DistinctNames needs it.
struct NameRequest {
  std::string_view name;   // SafeFileName(photo.filename)
  std::int64_t order = 0;  // ImportOrder(photo.imported_at)
  std::string_view id;
};

// Names for the photos of one folder, distinct and stable: photos are ordered
// by (import time, id); the first keeps its name, later ones with the same
// name (case-sensitively) get " (2)", " (3)"... before the extension (the
// name cut, if need be, to leave room for it). Returns names in the order of
// `photos` as given.
std::vector<std::string> DistinctNames(const std::vector<NameRequest>& photos);
std::vector<std::string> DistinctNames(const std::vector<const Photo*>& photos);
// The same, handing each photo's name (by its index in `photos`) to
// `name`, in no particular order, without keeping every name at once: a
// photo whose name is its own is handed photos[i].name itself.
void ForEachDistinctName(const std::vector<NameRequest>& photos,
                         const std::function<void(std::size_t, std::string_view)>& name);

// imported_at ("2024-07-14T10:00:00.123Z") as milliseconds since the epoch:
// the order DistinctNames gives names in (0 when unreadable).
std::int64_t ImportOrder(std::string_view imported_at);

// A key shared by every name DistinctNames may make from `name`: its
// extension and its stem up to the first " (" (at most 128 bytes). Names
// of different families never collide, so a folder's names can be
// recomputed one family at a time, and a family's names all begin with its
// stem part (see NameFamilyPrefix).
std::string NameFamily(std::string_view name);
// The part of NameFamily that every name of the family begins with.
std::string_view NameFamilyPrefix(std::string_view name);

// Makes `name` safe as one path component, and honest to the eye: '/', NUL,
// control characters (C0, DEL, C1) and the line and paragraph separators
// become '_', invalid UTF-8 bytes become '_'; invisible format characters
// (bidirectional overrides and isolates, zero-width characters, directional
// marks, the BOM, the soft hyphen) are removed; "." and ".." and "" become
// "_"; and the result is cut to at most 255 bytes on a UTF-8 boundary,
// keeping the extension. The one sanitiser of stored photo names: uploads,
// the API's renames and the mount's imports and renames all go through it.
std::string SafeFileName(std::string_view name);

}  // namespace octopus
