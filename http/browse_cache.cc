#include "http/browse_cache.h"

namespace octopus::http {

std::shared_ptr<const std::string> BrowseCache::Find(UserId user, int view, std::int64_t head) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key(user, view));
  if (it == entries_.end() || it->second.head != head) return nullptr;
  uses_.splice(uses_.begin(), uses_, it->second.use);
  return it->second.body;
}

void BrowseCache::Insert(UserId user, int view, std::int64_t head,
                         std::shared_ptr<const std::string> body) {
  if (!body || body->size() > max_bytes_) return;
  std::lock_guard lock(mu_);
  const std::string key = Key(user, view);
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ -= it->second.body->size();
    uses_.erase(it->second.use);
    entries_.erase(it);
  }
  while (bytes_ + body->size() > max_bytes_ && !uses_.empty()) {
    auto old = entries_.find(uses_.back());
    bytes_ -= old->second.body->size();
    entries_.erase(old);
    uses_.pop_back();
  }
  uses_.push_front(key);
  bytes_ += body->size();
  entries_[key] = Entry{head, std::move(body), uses_.begin()};
}

}  // namespace octopus::http
