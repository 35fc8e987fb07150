// The photos table, one connection's view of it, always scoped to an owner
// (fsck's whole-library walk aside). Every change also appends to the
// owner's change feed (core/store/change_feed.h) and moves the folder
// counts (core/store/folder_counts.h), in the caller's transaction, so that
// a change and what follows from it commit together.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.h"
#include "core/photo.h"
#include "core/photo_edit.h"
#include "core/photo_query.h"

namespace octopus {

// A photo's position, for recomputing its place.
struct PhotoPosition {
  std::string id;
  UserId owner = 0;
  double lat = 0, lon = 0;
  bool has_gps = false;
  std::optional<Place> place;      // the place it has now
  bool place_set_by_user = false;  // the user set it: reindexing keeps it
};

class PhotoStore {
 public:
  explicit PhotoStore(db::Database& db) : db_(db) {}

  Result<std::optional<Photo>> FindBySha(UserId owner, const std::string& sha256);
  // kNotFound when the id does not exist or belongs to another user.
  Result<Photo> Get(UserId owner, const std::string& id);
  Result<PhotoPage> List(UserId owner, const PhotoQuery& query);
  // Those of `ids` that exist and belong to `owner`, in no particular order.
  Result<std::vector<Photo>> GetMany(UserId owner, const std::vector<std::string>& ids);
  // Every photo of `owner`, one at a time, in no particular order.
  Status ForEach(UserId owner, const std::function<void(const Photo&)>& visit);
  // Every photo of every user (fsck).
  Status ForEachInLibrary(const std::function<void(const Photo&)>& visit);
  Result<std::vector<PhotoPosition>> Positions(std::optional<UserId> owner);

  // Mutations, each appending to the feed and moving the folder counts.
  Status Insert(const Photo& photo);
  // nullopt when there is no such photo of `owner`.
  Result<std::optional<Photo>> Delete(UserId owner, const std::string& id);
  // kNotFound when there is no such photo of `owner`.
  Status Rename(UserId owner, const std::string& id, const std::string& filename);
  Status SetPlace(UserId owner, const std::string& id, const std::optional<Place>& place);
  // Applies a user's correction: the row read, changed, its folders
  // counted out of the old ones and into the new, one kUpdated entry. A
  // correction that changes nothing writes nothing. kNotFound as Get.
  Result<Photo> Correct(UserId owner, const std::string& id, const PhotoCorrection& correction);
  // Moves a photo of the library to the trash at `at` (ISO UTC), and back.
  // kNotFound when there is no such photo in the library (in the trash).
  Result<Photo> Trash(UserId owner, const std::string& id, const std::string& at);
  Result<Photo> Restore(UserId owner, const std::string& id);

  // The owner's trash, most recently trashed first, a page at a time
  // (`limit` 0: all; the cursor is the last photo of the previous page).
  Result<PhotoPage> ListTrash(UserId owner, int limit, const std::string& cursor);
  // Up to `limit` photos of any owner trashed before `before` (ISO UTC).
  Result<std::vector<Photo>> TrashedBefore(const std::string& before, int limit);

 private:
  Status Changed(UserId owner, const std::string& id, int kind);
  db::Database& db_;
};

}  // namespace octopus
