// What the mount's import/ received: one row per file copied in, by its
// path under import/, linked to the photo it became (or, for a duplicate,
// the photo that was there). The rows make import/ a sync target: the
// entries stay listed, with the size and mtime of the copy, until the user
// removes them, across remounts, so a second `rsync -a` or `cp -rn` of the
// same card copies nothing. Removing or renaming an entry changes only the
// row, never the photo.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/db/database.h"
#include "core/user.h"

namespace octopus {

struct ImportEntry {
  std::string path;  // under import/, '/'-separated, no leading '/'
  std::int64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  std::string photo_id;    // empty: a camera's companion file, dropped (core/companion_files.h)
};

class ImportStore {
 public:
  explicit ImportStore(db::Database& db) : db_(db) {}

  // Adds or replaces the entry at entry.path.
  Status Put(UserId owner, const ImportEntry& entry);
  Status SetMtime(UserId owner, const std::string& path, std::int64_t mtime);
  // Removes the entry at `path`, or every entry below the folder `path`.
  Status Remove(UserId owner, const std::string& path);
  // Renames the entry `from` (or the folder: every entry below it) to
  // `to`, replacing what was there.
  Status Move(UserId owner, const std::string& from, const std::string& to);
  // Every entry of the owner, by path.
  Status ForEach(UserId owner, const std::function<void(const ImportEntry&)>& visit);

 private:
  db::Database& db_;
};

}  // namespace octopus
