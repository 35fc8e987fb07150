// Reading thumbnails, the API's hottest path: answered from this process's
// cache (core/thumbnail_cache.h) while no photo was deleted anywhere since
// it was read (the revocation epoch moves on every deletion), else by one
// query and one file read.
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/blob_store.h"
#include "core/revocation_epoch.h"
#include "core/store/connection_pool.h"
#include "core/thumbnail.h"
#include "core/thumbnail_cache.h"

namespace octopus {

class ThumbnailReader {
 public:
  ThumbnailReader(ConnectionPool& pool, const BlobStore& blobs, RevocationEpoch& epoch)
      : pool_(pool), blobs_(blobs), epoch_(epoch) {}

  // kNotFound when the id does not exist or belongs to another user.
  Result<std::shared_ptr<const ThumbnailBytes>> Read(UserId owner, const std::string& id,
                                                     ThumbnailSize size);

 private:
  ConnectionPool& pool_;
  const BlobStore& blobs_;
  RevocationEpoch& epoch_;
  // A photo grid's small thumbnails are a few kilobytes each: thousands fit.
  ThumbnailCache cache_{32 * 1024 * 1024};
};

// Where a thumbnail of a photo with these bytes is kept.
BlobKind BlobKindOf(ThumbnailSize size);

}  // namespace octopus
