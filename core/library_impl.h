// Private to core/: the state behind Library, shared by library*.cc.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "core/blob_store.h"
#include "core/db/database.h"
#include "core/library.h"
#include "core/revocation_epoch.h"
#include "core/session_cache.h"
#include "core/thumbnail_cache.h"

namespace octopus {

// A pool of SQLite connections: one per concurrently active thread.
// Thread-safe; guarded by mu_.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::filesystem::path file) : file_(std::move(file)) {}

  // Returns a connection to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<db::Database> db)
        : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (db_) pool_->Return(std::move(db_));
    }
    db::Database& operator*() { return *db_; }
    db::Database* operator->() { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<db::Database> db_;
  };

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<db::Database> db);
  static constexpr std::size_t kMaxIdle = 64;
  const std::filesystem::path file_;
  std::mutex mu_;
  std::vector<std::unique_ptr<db::Database>> idle_;  // GUARDED_BY(mu_)
};

class Library::Impl {
 public:
  Impl(Config config)
      : config(std::move(config)),
        pool(this->config.database_path()),
        blobs(this->config.storage_dir()) {}

  const Config config;
  ConnectionPool pool;
  const BlobStore blobs;
  std::atomic<const places::PlaceIndex*> places{nullptr};
  std::unique_ptr<RevocationEpoch> epoch;  // set by Library::Open
  SessionCache sessions;
  // A photo grid's small thumbnails are a few kilobytes each: thousands fit.
  ThumbnailCache thumbnails{32 * 1024 * 1024};
};

// The photos table's columns, in the order ReadPhoto expects.
extern const char* const kPhotoColumns;
Photo ReadPhoto(const db::Statement& stmt);

}  // namespace octopus
