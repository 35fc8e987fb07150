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
  // Forgets sessions that expired before `before`.
  Status PurgeExpired(std::int64_t before);
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
