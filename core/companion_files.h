// Files that travel with photos but are not photos: a camera's videos and
// sidecars, and the bookkeeping files operating systems leave on a card.
// Front ends skip them instead of refusing them, so that importing a whole
// camera card (or copying it into the mount) is not a list of errors.
//
// Decided by name alone, on purpose: the name is all a front end has before
// it reads a byte (the mount sees only the name at create), and a companion
// may be large (a video) or empty. A JPEG renamed to .MOV is therefore
// skipped, not imported; files of any other name are still judged by
// content (core/image/media_type.h).
#pragma once

#include <string_view>

namespace octopus {

enum class CompanionKind {
  kNone,     // not a companion: judge the file by its content
  kVideo,    // .MOV, .MP4, ... (clips beside the photos, Live Photo halves)
  kSidecar,  // .AAE (Apple edits), .THM (camera thumbnails), .XMP (metadata)
  kSystem,   // AppleDouble "._*", .DS_Store, Thumbs.db, desktop.ini
};

// What `filename` (a base name, no folder) is, ignoring the case of the
// extension and of the system file names.
CompanionKind ClassifyCompanion(std::string_view filename);

inline bool IsCompanionFile(std::string_view filename) {
  return ClassifyCompanion(filename) != CompanionKind::kNone;
}

// "video", "sidecar", "system file"; "" for kNone.
const char* CompanionKindName(CompanionKind kind);

}  // namespace octopus
