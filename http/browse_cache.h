// The answers of /browse/*, kept per (user, view) with the change feed
// position they were made at: a user's folders change only when their
// photos do, so a repeated browse costs one indexed row (the feed's head)
// instead of building and writing the folder tree again (138 KB of JSON
// for eight years of days, 15 to 30 ms on a loaded 2-core machine).
//
// Thread-safe: guarded by mu_. Bounded in bytes; the least recently used
// answers go first.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/photo.h"

namespace octopus::http {

class BrowseCache {
 public:
  explicit BrowseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The answer for (user, view) made at feed position `head`, if kept.
  std::shared_ptr<const std::string> Find(UserId user, int view, std::int64_t head);
  void Insert(UserId user, int view, std::int64_t head, std::shared_ptr<const std::string> body);

 private:
  struct Entry {
    std::int64_t head = 0;
    std::shared_ptr<const std::string> body;
    std::list<std::string>::iterator use;
  };
  static std::string Key(UserId user, int view) {
    return std::to_string(user) + "/" + std::to_string(view);
  }

  const std::size_t max_bytes_;
  std::mutex mu_;
  std::size_t bytes_ = 0;                           // GUARDED_BY(mu_)
  std::list<std::string> uses_;                     // GUARDED_BY(mu_), most recent first
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace octopus::http
