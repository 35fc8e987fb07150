// Removing a photo's blobs once no row names them. Deletion and a failed
// ingest both end here: the same bytes may have been imported again, by
// another thread or process, between the row's removal and this call.
#pragma once

#include <string>

#include "core/blob_store.h"
#include "core/store/connection_pool.h"
#include "core/store/photo_store.h"

namespace octopus {

// Removes the blobs of (owner, sha) unless a row names them. Call inside a
// write transaction: it takes the owner's write order (UserStore::
// SerializeWith) first, which is what orders this against an ingest of the
// same bytes (which writes its blobs before its transaction, and puts back
// any that went missing inside it).
Status RemoveUnreferencedBlobs_locked(db::Database& db, const BlobStore& blobs, UserId owner,
                                      const std::string& sha256);
// The same, in a write transaction of its own.
Status RemoveUnreferencedBlobs(ConnectionPool& pool, const BlobStore& blobs, UserId owner,
                               const std::string& sha256);

}  // namespace octopus
