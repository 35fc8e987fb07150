#include "core/blob_gc.h"

namespace octopus {

Status RemoveUnreferencedBlobs_locked(PhotoStore& photos, const BlobStore& blobs, UserId owner,
                                      const std::string& sha256) {
  ASSIGN_OR_RETURN(const auto existing, photos.FindBySha(owner, sha256));
  if (!existing) blobs.Remove(owner, sha256);
  return Status::Ok();
}

Status RemoveUnreferencedBlobs(ConnectionPool& pool, const BlobStore& blobs, UserId owner,
                               const std::string& sha256) {
  ASSIGN_OR_RETURN(auto db, pool.Acquire());
  ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(*db));
  PhotoStore photos(*db);
  RETURN_IF_ERROR(RemoveUnreferencedBlobs_locked(photos, blobs, owner, sha256));
  return tx.Commit();
}

}  // namespace octopus
