// The sessions table (API tokens by their JWT id): one connection's view.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <optional>
#include <string>

#include "core/db/database.h"
#include "core/user.h"

namespace octopus {

struct ActiveSession {
  SessionIdentity identity;
  std::int64_t expires_at = 0;
};

class SessionStore {
 public:
  explicit SessionStore(db::Database& db) : db_(db) {}

  Status Insert(UserId user, const std::string& jti, std::int64_t expires_at);
  // Forgets the sessions expired at `now` and the revoked ones.
  Status PurgeDead(std::int64_t now);
  // How many sessions `user` has (live ones, after PurgeDead).
  Result<std::int64_t> CountOf(UserId user);
  // Deletes `user`'s `count` oldest sessions (first to expire, then first
  // inserted).
  Status DeleteOldest(UserId user, std::int64_t count);
  // Session `jti` of `user` if it is not revoked, not expired at `now`, and
  // its user is not disabled.
  Result<std::optional<ActiveSession>> FindActive(UserId user, const std::string& jti,
                                                  std::int64_t now);
  Status Revoke(const std::string& jti);
  Status RevokeAllBut(UserId user, const std::string& keep_jti);
  Status RevokeAllOf(UserId user);

 private:
  db::Database& db_;
};

}  // namespace octopus
