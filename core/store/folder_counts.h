// Folder counts: how many photos each folder of each view holds, kept in
// step with the photos table in the transaction of every change, so that
// browsing a library of a million photos reads a few thousand rows instead
// of grouping a million (`/browse/*` took 0.8 s at 100,000 photos).
//
// A folder is the path ViewFolder (core/grouping.h) gives a photo, its
// components joined by '/' (they are file names: they hold no '/'). The
// tree with the counts of every level is rebuilt from the leaves exactly as
// GroupPhotos would build it from the photos themselves.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <string>

#include "core/db/database.h"
#include "core/grouping.h"
#include "core/photo.h"

namespace octopus {

class FolderCounts {
 public:
  explicit FolderCounts(db::Database& db) : db_(db) {}

  // Counts `photo` in (delta 1) or out of (delta -1) its folder of each
  // view; a photo in the trash is in none.
  Status Add(const Photo& photo, int delta);
  // The view's folder tree with counts, as GroupPhotos would give it.
  Result<FolderNode> Tree(UserId owner, View view);
  // Recounts every folder of every user from the photos (a migration, fsck).
  Status Rebuild();

 private:
  Status AddToFolder(UserId owner, View view, const std::string& path, int delta);
  db::Database& db_;
};

// The '/'-joined folder of `photo` in `view`; empty when not listed there.
std::string FolderKey(const Photo& photo, View view);

}  // namespace octopus
