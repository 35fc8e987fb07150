#include "core/photos.h"

#include "core/blob_gc.h"
#include "core/file_util.h"
#include "core/grouping.h"
#include "core/places/place_index.h"
#include "core/store/folder_counts.h"
#include "core/store/photo_store.h"
#include "core/store/run_in_transaction.h"
#include "core/store/user_store.h"

namespace octopus {

Result<Photo> Photos::Get(UserId owner, const std::string& id) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return PhotoStore(*db).Get(owner, id);
}

Result<PhotoPage> Photos::List(UserId owner, const PhotoQuery& query) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return PhotoStore(*db).List(owner, query);
}

Result<std::vector<Photo>> Photos::All(UserId owner) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  std::vector<Photo> all;
  RETURN_IF_ERROR(PhotoStore(*db).ForEach(owner, [&](const Photo& p) { all.push_back(p); }));
  return all;
}

Result<FeedPosition> Photos::Snapshot(UserId owner,
                                      const std::function<void(const Photo&)>& visit) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(auto snapshot, db::ReadTransaction::Begin(*db));
  ASSIGN_OR_RETURN(const FeedPosition position, ChangeFeed(*db).Position(owner));
  RETURN_IF_ERROR(PhotoStore(*db).ForEach(owner, visit));
  return position;
}

Result<std::vector<Photo>> Photos::GetMany(UserId owner, const std::vector<std::string>& ids) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return PhotoStore(*db).GetMany(owner, ids);
}

Result<FeedPosition> Photos::Position(UserId owner) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return ChangeFeed(*db).Position(owner);
}

Result<ChangeBatch> Photos::ChangesSince(UserId owner, std::int64_t since, int limit) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(auto snapshot, db::ReadTransaction::Begin(*db));
  return ChangeFeed(*db).Since(owner, since, limit);
}

Result<FolderNode> Photos::Folders(UserId owner, View view) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return FolderCounts(*db).Tree(owner, view);
}

Result<Photo> Photos::Trash(UserId owner, const std::string& id) {
  const std::string now = UtcNowIso8601();
  std::optional<Photo> photo;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    ASSIGN_OR_RETURN(photo, PhotoStore(db).Trash(owner, id, now));
    return Status::Ok();
  }));
  return std::move(*photo);
}

Result<Photo> Photos::Restore(UserId owner, const std::string& id) {
  std::optional<Photo> photo;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    ASSIGN_OR_RETURN(photo, PhotoStore(db).Restore(owner, id));
    return Status::Ok();
  }));
  return std::move(*photo);
}

Status Photos::Purge(UserId owner, const std::string& id) {
  std::string sha;
  // Other processes may have cached this photo's thumbnails.
  RETURN_IF_ERROR(epoch_.RunRevoking(pool_, [&](db::Database& db) -> Status {
    // Only from the trash: a purge racing a restore never takes the photo
    // back out of the library.
    ASSIGN_OR_RETURN(const Photo photo, PhotoStore(db).Get(owner, id));
    if (!photo.trashed_at) return Status::NotFound("no such photo in the trash");
    ASSIGN_OR_RETURN(const auto deleted, PhotoStore(db).Delete(owner, id));
    if (!deleted) return Status::NotFound("no such photo");
    RETURN_IF_ERROR(UserStore(db).Charge(owner, -deleted->size, -1));
    sha = deleted->sha256;
    return Status::Ok();
  }));
  // After the commit: a crash before this leaves an orphan blob for fsck,
  // never a row without its blob. Under a new write lock, and only if no
  // row names them: the same bytes may have been imported again since.
  // If this fails the photo is gone all the same; its blobs are an orphan
  // for fsck.
  (void)RemoveUnreferencedBlobs(pool_, blobs_, owner, sha);
  return Status::Ok();
}

Result<PhotoPage> Photos::ListTrash(UserId owner, int limit, const std::string& cursor) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return PhotoStore(*db).ListTrash(owner, limit, cursor);
}

Result<int> Photos::EmptyTrash(UserId owner) {
  int purged = 0;
  while (true) {
    ASSIGN_OR_RETURN(const PhotoPage page, ListTrash(owner, 500, ""));
    for (const Photo& p : page.photos) {
      if (Status s = Purge(owner, p.id); s.ok()) {
        ++purged;
      } else if (s.code() != Code::kNotFound) {  // purged meanwhile elsewhere: fine
        return s;
      }
    }
    if (page.next_cursor.empty()) return purged;
  }
}

Result<int> Photos::PurgeTrashedBefore(const std::string& before) {
  int purged = 0;
  while (true) {
    std::vector<Photo> batch;
    {
      ASSIGN_OR_RETURN(auto db, pool_.Acquire());
      ASSIGN_OR_RETURN(batch, PhotoStore(*db).TrashedBefore(before, 500));
    }
    for (const Photo& p : batch) {
      if (Status s = Purge(p.owner, p.id); s.ok()) {
        ++purged;
      } else if (s.code() != Code::kNotFound) {
        return s;
      }
    }
    if (batch.size() < 500) return purged;
  }
}

Result<Photo> Photos::Rename(UserId owner, const std::string& id, const std::string& filename) {
  const std::string safe = SafeFileName(filename);
  std::optional<Photo> photo;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    PhotoStore photos(db);
    RETURN_IF_ERROR(photos.Rename(owner, id, safe));
    ASSIGN_OR_RETURN(photo, photos.Get(owner, id));
    return Status::Ok();
  }));
  return std::move(*photo);
}

Result<Photo> Photos::Correct(UserId owner, const std::string& id, const PhotoEdit& edit) {
  // Checked before any connection or lock is taken: a refusal costs nothing.
  ASSIGN_OR_RETURN(const PhotoCorrection correction, ValidatePhotoEdit(edit, places_));
  std::optional<Photo> photo;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    ASSIGN_OR_RETURN(photo, PhotoStore(db).Correct(owner, id, correction));
    return Status::Ok();
  }));
  return std::move(*photo);
}

Result<int> Photos::ReindexPlaces(std::optional<UserId> owner) {
  const places::PlaceIndex* index = places_;
  int changed = 0;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    changed = 0;  // a rerun counts afresh
    PhotoStore photos(db);
    ASSIGN_OR_RETURN(const auto positions, photos.Positions(owner));
    for (const PhotoPosition& p : positions) {
      if (p.place_set_by_user) continue;  // the user's word over the GPS
      std::optional<Place> place;
      if (index && p.has_gps) place = index->Nearest(p.lat, p.lon);
      if (place == p.place) continue;  // no change, no feed entry
      RETURN_IF_ERROR(photos.SetPlace(p.owner, p.id, place));
      ++changed;
    }
    return Status::Ok();
  }));
  return changed;
}

}  // namespace octopus
