// Thumbnails this process has read, so that the API can serve a photo grid
// without a query and a file read per image. Bounded in bytes, least
// recently used first out.
//
// Like the session cache (core/session_cache.h), entries are tagged with
// the home's revocation epoch (core/revocation_epoch.h) read before their
// query: deleting a photo, in any process, moves the epoch, and the next
// lookup drops the whole cache. Adding or renaming photos does not: a
// thumbnail is named by its photo's id and is derived from the content,
// which never changes under that id. A hit also checks the owner, so an
// entry is never shared across users.
//
// Thread-safe: guarded by mu_.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/photo.h"
#include "core/thumbnail.h"

namespace octopus {

class ThumbnailCache {
 public:
  explicit ThumbnailCache(std::size_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // The thumbnail of photo `id` of `owner` when it was cached under `epoch`.
  std::shared_ptr<const ThumbnailBytes> Find(UserId owner, std::string_view id, ThumbnailSize size,
                                             std::uint64_t epoch);
  // Records a thumbnail read under `epoch`. One larger than an eighth of
  // the budget is not kept: it would push out many small ones.
  void Insert(UserId owner, std::string_view id, ThumbnailSize size,
              std::shared_ptr<const ThumbnailBytes> thumbnail, std::uint64_t epoch);

  std::size_t bytes() const;  // for tests

 private:
  struct Entry {
    std::string key;
    UserId owner = 0;
    std::shared_ptr<const ThumbnailBytes> thumbnail;
  };
  using Lru = std::list<Entry>;  // most recently used first

  static std::string Key(std::string_view id, ThumbnailSize size);
  void Clear_locked();

  const std::size_t budget_bytes_;
  mutable std::mutex mu_;
  std::uint64_t epoch_ = 0;  // GUARDED_BY(mu_): the tag of every entry
  std::size_t bytes_ = 0;    // GUARDED_BY(mu_): sum of the entries' JPEG sizes
  Lru lru_;                  // GUARDED_BY(mu_)
  std::unordered_map<std::string, Lru::iterator> index_;  // GUARDED_BY(mu_), by Key()
};

}  // namespace octopus
