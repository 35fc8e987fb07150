#include "core/photos.h"

#include "core/blob_gc.h"
#include "core/grouping.h"
#include "core/places/place_index.h"
#include "core/store/folder_counts.h"
#include "core/store/photo_store.h"
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

Status Photos::Delete(UserId owner, const std::string& id) {
  std::string sha;
  {
    // Other processes may have cached this photo's thumbnails.
    ASSIGN_OR_RETURN(auto revoking, epoch_.BeginWrite());
    ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
    ASSIGN_OR_RETURN(const auto deleted, PhotoStore(*db).Delete(owner, id));
    if (!deleted) return Status::NotFound("no such photo");
    RETURN_IF_ERROR(UserStore(*db).Charge(owner, -deleted->size, -1));
    RETURN_IF_ERROR(tx.Commit());
    sha = deleted->sha256;
  }
  // After the commit: a crash before this leaves an orphan blob for fsck,
  // never a row without its blob. Under a new write lock, and only if no
  // row names them: the same bytes may have been imported again since.
  // If this fails the photo is gone all the same; its blobs are an orphan
  // for fsck.
  (void)RemoveUnreferencedBlobs(pool_, blobs_, owner, sha);
  return Status::Ok();
}

Result<Photo> Photos::Rename(UserId owner, const std::string& id, const std::string& filename) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  PhotoStore photos(*db);
  {
    ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
    RETURN_IF_ERROR(photos.Rename(owner, id, SafeFileName(filename)));
    RETURN_IF_ERROR(tx.Commit());
  }
  return photos.Get(owner, id);
}

Result<Photo> Photos::Correct(UserId owner, const std::string& id, const PhotoEdit& edit) {
  // Checked before any connection or lock is taken: a refusal costs nothing.
  ASSIGN_OR_RETURN(const PhotoCorrection correction, ValidatePhotoEdit(edit, places_));
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
  ASSIGN_OR_RETURN(Photo photo, PhotoStore(*db).Correct(owner, id, correction));
  RETURN_IF_ERROR(tx.Commit());
  return photo;
}

Result<int> Photos::ReindexPlaces(std::optional<UserId> owner) {
  const places::PlaceIndex* index = places_;
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
  PhotoStore photos(*db);
  ASSIGN_OR_RETURN(const auto positions, photos.Positions(owner));
  int changed = 0;
  for (const PhotoPosition& p : positions) {
    if (p.place_set_by_user) continue;  // the user's word over the GPS
    std::optional<Place> place;
    if (index && p.has_gps) place = index->Nearest(p.lat, p.lon);
    if (place == p.place) continue;  // no change, no feed entry
    RETURN_IF_ERROR(photos.SetPlace(p.owner, p.id, place));
    ++changed;
  }
  RETURN_IF_ERROR(tx.Commit());
  return changed;
}

}  // namespace octopus
