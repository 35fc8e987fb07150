// A user's photos: owner-scoped reads, and the changes a user makes to
// them (delete, rename, places). The ingest path is core/ingest.h.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/blob_store.h"
#include "core/grouping.h"
#include "core/photo.h"
#include "core/photo_edit.h"
#include "core/photo_query.h"
#include "core/revocation_epoch.h"
#include "core/store/change_feed.h"
#include "core/store/connection_pool.h"

namespace octopus {

namespace places {
class PlaceIndex;
}

class Photos {
 public:
  Photos(ConnectionPool& pool, const BlobStore& blobs, RevocationEpoch& epoch,
         const std::atomic<const places::PlaceIndex*>& places)
      : pool_(pool), blobs_(blobs), epoch_(epoch), places_(places) {}

  // kNotFound when the id does not exist or belongs to another user.
  Result<Photo> Get(UserId owner, const std::string& id);
  Result<PhotoPage> List(UserId owner, const PhotoQuery& query);
  Result<std::vector<Photo>> All(UserId owner);  // every photo, any order
  // Every photo, one at a time, and the feed position they are the state
  // at: a reader that then follows the feed from there misses nothing.
  Result<FeedPosition> Snapshot(UserId owner, const std::function<void(const Photo&)>& visit);
  // Those of `ids` that are the owner's photos (a removed one is absent).
  Result<std::vector<Photo>> GetMany(UserId owner, const std::vector<std::string>& ids);
  // The feed (core/store/change_feed.h): where it stands, what changed.
  Result<FeedPosition> Position(UserId owner);
  Result<ChangeBatch> ChangesSince(UserId owner, std::int64_t since, int limit);
  // A view's folders with their counts, from the counts kept in step.
  Result<FolderNode> Folders(UserId owner, View view);
  // The trash. Deleting a photo moves it there (Trash): it leaves every
  // view and listing, keeps its bytes (and its quota), and can be restored
  // until it is purged: by the user, by emptying the trash, or once it has
  // been there longer than the retention time (PurgeTrashedBefore).
  // kNotFound when there is no such photo of `owner` (in the library for
  // Trash, in the trash for Restore).
  Result<Photo> Trash(UserId owner, const std::string& id);
  Result<Photo> Restore(UserId owner, const std::string& id);
  // Deletes a photo for good, from the library or the trash, and frees its
  // quota. Moves the home's revocation epoch first: other processes drop
  // what they cached about photos (thumbnails).
  Status Purge(UserId owner, const std::string& id);
  Result<PhotoPage> ListTrash(UserId owner, int limit, const std::string& cursor);
  // Purges the owner's whole trash; returns how many photos went.
  Result<int> EmptyTrash(UserId owner);
  // Purges every owner's photos trashed before `before` (ISO UTC).
  Result<int> PurgeTrashedBefore(const std::string& before);
  Result<Photo> Rename(UserId owner, const std::string& id, const std::string& filename);
  // A user's correction of name, capture time or place (core/photo_edit.h):
  // kInvalidArgument for an edit ValidatePhotoEdit refuses, kNotFound as
  // Get. The photo moves between folders of the views, in one transaction
  // with its feed entry and folder counts.
  Result<Photo> Correct(UserId owner, const std::string& id, const PhotoEdit& edit);
  // Recomputes places for the user's photos (all users when nullopt), but
  // not those whose place the user set; returns how many changed.
  Result<int> ReindexPlaces(std::optional<UserId> owner);

 private:
  ConnectionPool& pool_;
  const BlobStore& blobs_;
  RevocationEpoch& epoch_;
  const std::atomic<const places::PlaceIndex*>& places_;
};

}  // namespace octopus
