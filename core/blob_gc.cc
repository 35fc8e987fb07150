#include "core/blob_gc.h"

#include "core/store/run_in_transaction.h"
#include "core/store/user_store.h"

namespace octopus {

Status RemoveUnreferencedBlobs_locked(db::Database& db, const BlobStore& blobs, UserId owner,
                                      const std::string& sha256) {
  RETURN_IF_ERROR(UserStore(db).SerializeWith(owner));
  ASSIGN_OR_RETURN(const auto existing, PhotoStore(db).FindBySha(owner, sha256));
  if (!existing) blobs.Remove(owner, sha256);
  return Status::Ok();
}

Status RemoveUnreferencedBlobs(ConnectionPool& pool, const BlobStore& blobs, UserId owner,
                               const std::string& sha256) {
  // A rerun repeats a removal already made, or finds the row that appeared
  // meanwhile and leaves what is left: both harmless (the ingest that made
  // the row puts back missing blobs, see RestoreMissingBlobs_locked).
  return RunInTransaction(
      pool,
      [&](db::Database& db) { return RemoveUnreferencedBlobs_locked(db, blobs, owner, sha256); },
      {.queue_key = owner});
}

}  // namespace octopus
