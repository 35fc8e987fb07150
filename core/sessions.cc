#include "core/sessions.h"

#include <ctime>

#include "core/store/run_in_transaction.h"
#include "core/store/session_store.h"

namespace octopus {

Status Sessions::Add(UserId user, const std::string& jti, std::int64_t expires_at) {
  std::int64_t live = 0;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    SessionStore sessions(db);
    // Dead rows need no revocation bracket: no process trusts them (a cached
    // session is used only before its expiry, and a revoked one was dropped
    // from every cache when its revocation moved the epoch).
    RETURN_IF_ERROR(sessions.PurgeDead(static_cast<std::int64_t>(std::time(nullptr))));
    RETURN_IF_ERROR(sessions.Insert(user, jti, expires_at));
    ASSIGN_OR_RETURN(live, sessions.CountOf(user));
    return Status::Ok();
  }));
  if (live <= kMaxPerUser) return Status::Ok();
  // The oldest are live and may be cached by any process: a revocation.
  // Counted again: another login may have trimmed them meanwhile.
  return epoch_.RunRevoking(pool_, [&](db::Database& db) -> Status {
    SessionStore sessions(db);
    ASSIGN_OR_RETURN(const std::int64_t now_live, sessions.CountOf(user));
    if (now_live <= kMaxPerUser) return Status::Ok();
    return sessions.DeleteOldest(user, now_live - kMaxPerUser);
  });
}

Result<SessionIdentity> Sessions::UserOf(UserId user, const std::string& jti) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  // Read before the query: a revocation committed after the query began
  // moves the epoch past this value.
  const std::optional<std::uint64_t> epoch = epoch_.Stable();
  if (epoch) {
    if (auto cached = cache_.Find(user, jti, *epoch, now)) return *cached;
  }
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(const auto session, SessionStore(*db).FindActive(user, jti, now));
  if (!session) return Status::NotFound("no active session");
  if (epoch) cache_.Insert(jti, session->identity, session->expires_at, *epoch);
  return session->identity;
}

Status Sessions::Revoke(const std::string& jti) {
  return epoch_.RunRevoking(pool_, [&](db::Database& db) { return SessionStore(db).Revoke(jti); });
}

Status Sessions::RevokeAllBut(UserId user, const std::string& keep_jti) {
  return epoch_.RunRevoking(
      pool_, [&](db::Database& db) { return SessionStore(db).RevokeAllBut(user, keep_jti); });
}

}  // namespace octopus
