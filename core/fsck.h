// fsck: the database and the blob store must agree.
//
// Checks, per photo row: the original exists, has the recorded size and
// SHA-256, and both thumbnails exist. Per user: used_bytes and photo_count
// equal the sums over their rows. Per file under storage/: some row names
// it (else it is an orphan, left by a crash between the blob commit and
// the row insert, or between a row delete and the unlink).
//
// Repair: a row whose original is missing or corrupt is removed (its bytes
// are gone; the corrupt file is moved to storage/lost+found/); missing
// thumbnails are rebuilt; usage totals are recomputed; orphans older than
// a minute are deleted (younger ones may belong to an ingest in progress in
// another process); staged uploads older than a day are deleted.
//
// Thread-safe (it keeps no state), but meant to run alone.
#pragma once

#include <string>
#include <vector>

#include "core/blob_store.h"
#include "core/config.h"
#include "core/revocation_epoch.h"
#include "core/store/connection_pool.h"

namespace octopus {

struct FsckReport {
  std::vector<std::string> problems;  // one line each, human readable
  int repaired = 0;
  bool clean() const { return problems.empty(); }
};

class Fsck {
 public:
  Fsck(const Config& config, ConnectionPool& pool, const BlobStore& blobs, RevocationEpoch& epoch)
      : config_(config), pool_(pool), blobs_(blobs), epoch_(epoch) {}

  Result<FsckReport> Run(bool repair);

 private:
  const Config& config_;
  ConnectionPool& pool_;
  const BlobStore& blobs_;
  RevocationEpoch& epoch_;
};

}  // namespace octopus
