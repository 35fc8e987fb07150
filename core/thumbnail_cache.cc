#include "core/thumbnail_cache.h"

namespace octopus {

std::string ThumbnailCache::Key(std::string_view id, ThumbnailSize size) {
  std::string key(id);
  key += size == ThumbnailSize::kSmall ? "/s" : "/p";
  return key;
}

void ThumbnailCache::Clear_locked() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

std::shared_ptr<const ThumbnailBytes> ThumbnailCache::Find(UserId owner, std::string_view id,
                                                           ThumbnailSize size,
                                                           std::uint64_t epoch) {
  const std::string key = Key(id, size);
  std::lock_guard lock(mu_);
  if (epoch != epoch_) {
    Clear_locked();
    epoch_ = epoch;
    return nullptr;
  }
  const auto it = index_.find(key);
  if (it == index_.end() || it->second->owner != owner) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->thumbnail;
}

void ThumbnailCache::Insert(UserId owner, std::string_view id, ThumbnailSize size,
                            std::shared_ptr<const ThumbnailBytes> thumbnail, std::uint64_t epoch) {
  const std::size_t n = thumbnail->jpeg.size();
  if (n > budget_bytes_ / 8) return;
  std::string key = Key(id, size);
  std::lock_guard lock(mu_);
  if (epoch != epoch_) {
    // Read under an older epoch than the cache's: the photo may have been
    // deleted since. Under a newer one: what is cached may have been.
    if (epoch < epoch_) return;
    Clear_locked();
    epoch_ = epoch;
  }
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->thumbnail->jpeg.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  while (!lru_.empty() && bytes_ + n > budget_bytes_) {
    bytes_ -= lru_.back().thumbnail->jpeg.size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{key, owner, std::move(thumbnail)});
  index_.emplace(std::move(key), lru_.begin());
  bytes_ += n;
}

std::size_t ThumbnailCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace octopus
