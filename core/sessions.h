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
  Sessions(ConnectionPool& pool, RevocationEpoch& epoch) : pool_(pool), epoch_(epoch) {}

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
