// The one ingest path, shared by the CLI, the mount and the API: sniff,
// check the header, hash, dedupe, check the quota, decode and make the
// thumbnails, commit the blobs durably, then insert the row and charge the
// owner in one IMMEDIATE transaction that checks duplicate and quota again.
//
// Thread-safe: any number of ingests may run at once, in any number of
// processes.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "core/blob_store.h"
#include "core/config.h"
#include "core/photo.h"
#include "core/store/connection_pool.h"

namespace octopus {

namespace places {
class PlaceIndex;
}

// kRestored: the same bytes were in the trash; that photo is back instead
// of a second one.
enum class IngestOutcome { kImported, kDuplicate, kRestored };

struct IngestRequest {
  std::filesystem::path source;  // a regular file
  std::string filename;          // the name to show; sanitized by the library
  // The file's mtime (seconds since the epoch), used as an estimated capture
  // time when the photo has no EXIF date. Unset: taken from `source`.
  std::optional<std::int64_t> mtime;
  // True when `source` is a file the caller created in the staging
  // directory: it is moved instead of copied, and removed on any outcome.
  bool consume_source = false;
};

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kImported;
  Photo photo;  // the stored photo (the existing one for a duplicate)
};

class Ingestor {
 public:
  Ingestor(const Config& config, ConnectionPool& pool, const BlobStore& blobs,
           const std::atomic<const places::PlaceIndex*>& places)
      : config_(config), pool_(pool), blobs_(blobs), places_(places) {}

  // kUnsupportedMedia, kTooLarge, kQuotaExceeded leave nothing behind.
  Result<IngestResult> Ingest(UserId owner, const IngestRequest& request);

 private:
  const Config& config_;
  ConnectionPool& pool_;
  const BlobStore& blobs_;
  const std::atomic<const places::PlaceIndex*>& places_;
};

}  // namespace octopus
