// Sessions this process has verified against the database, so that an API
// request can skip the session query. Entries are tagged with the
// revocation epoch (core/revocation_epoch.h) read before their query; an
// entry is used only while that epoch is still current and its session has
// not expired. Any revoking write, in any process, moves the epoch, and the
// next lookup drops the whole cache.
//
// Thread-safe: guarded by mu_.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/user.h"

namespace octopus {

class SessionCache {
 public:
  // The cached identity of session `jti` of `user` when the entry was filled
  // under `epoch` and expires after `now`.
  std::optional<SessionIdentity> Find(UserId user, const std::string& jti, std::uint64_t epoch,
                                      std::int64_t now);
  // Records a session the database confirmed, queried under `epoch`.
  void Insert(const std::string& jti, const SessionIdentity& identity, std::int64_t expires_at,
              std::uint64_t epoch);

 private:
  struct Entry {
    SessionIdentity identity;
    std::int64_t expires_at = 0;
  };
  // Bounds memory against many live tokens; the cache refills from queries.
  static constexpr std::size_t kMaxEntries = 4096;

  std::mutex mu_;
  std::uint64_t epoch_ = 0;                         // GUARDED_BY(mu_): the tag of every entry
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_), by jti
};

}  // namespace octopus
