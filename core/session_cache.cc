#include "core/session_cache.h"

namespace octopus {

std::optional<SessionIdentity> SessionCache::Find(UserId user, const std::string& jti,
                                                  std::uint64_t epoch, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (epoch != epoch_) {
    entries_.clear();
    epoch_ = epoch;
    return std::nullopt;
  }
  const auto it = entries_.find(jti);
  if (it == entries_.end()) return std::nullopt;
  // The session belongs to another user than the token claims: the query
  // would refuse it too.
  if (it->second.identity.id != user || it->second.expires_at <= now) return std::nullopt;
  return it->second.identity;
}

void SessionCache::Insert(const std::string& jti, const SessionIdentity& identity,
                          std::int64_t expires_at, std::uint64_t epoch) {
  std::lock_guard lock(mu_);
  if (epoch != epoch_) {
    // Filled under an older epoch than the cache's: it may predate a
    // revocation. Under a newer one: what is cached predates it.
    if (epoch < epoch_) return;
    entries_.clear();
    epoch_ = epoch;
  }
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[jti] = Entry{identity, expires_at};
}

}  // namespace octopus
