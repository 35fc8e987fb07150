// API sessions (tokens by their JWT id): created at login, checked on every
// request, revoked at logout and password changes. Each process caches the
// sessions it has checked (core/session_cache.h) under the home's
// revocation epoch, which every revoking write moves first.
//
// Thread-safe.
#pragma once

#include <string>

#include "core/revocation_epoch.h"
#include "core/session_cache.h"
#include "core/store/connection_pool.h"
#include "core/user.h"

namespace octopus {

class Sessions {
 public:
  // A user's live sessions beyond this many lose their oldest: each login
  // adds a row, and a client logging in over and over must not grow the
  // table (issue 15).
  static constexpr std::int64_t kMaxPerUser = 100;

  Sessions(ConnectionPool& pool, RevocationEpoch& epoch) : pool_(pool), epoch_(epoch) {}

  // Also forgets every session expired or revoked by now (they can let no
  // one in again), and drops `user`'s oldest beyond kMaxPerUser.
  Status Add(UserId user, const std::string& jti, std::int64_t expires_at);
  // The user of session `jti` when the session exists, belongs to `user`,
  // is not revoked nor expired, and the user is not disabled; kNotFound
  // otherwise. Answered from this process's cache while no revoking write
  // happened anywhere since the session was queried, else by one query.
  Result<SessionIdentity> UserOf(UserId user, const std::string& jti);
  Status Revoke(const std::string& jti);
  // Revokes every session of `user` except `keep_jti`.
  Status RevokeAllBut(UserId user, const std::string& keep_jti);

 private:
  ConnectionPool& pool_;
  RevocationEpoch& epoch_;
  SessionCache cache_;
};

}  // namespace octopus
