#include "core/store/session_store.h"

namespace octopus {

Status SessionStore::Insert(UserId user, const std::string& jti, std::int64_t expires_at) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("INSERT INTO sessions (jti, user_id, expires_at) "
                                          "VALUES (:jti, :user, :expires)"));
  stmt.Bind(":jti", jti).Bind(":user", user).Bind(":expires", expires_at);
  return stmt.Run();
}

Status SessionStore::PurgeDead(std::int64_t now) {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("DELETE FROM sessions WHERE expires_at <= :now OR revoked != 0"));
  stmt.Bind(":now", now);
  return stmt.Run();
}

Result<std::int64_t> SessionStore::CountOf(UserId user) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT COUNT(*) FROM sessions WHERE user_id = :user"));
  stmt.Bind(":user", user);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::Internal("COUNT(*) returned no row");
  return stmt.Int(0);
}

Status SessionStore::DeleteOldest(UserId user, std::int64_t count) {
  // Of equal expiries the first inserted goes first: SQLite's rowid,
  // PostgreSQL's `seq` identity column (it has no rowid).
  ASSIGN_OR_RETURN(
      auto stmt,
      db_.Prepare(db_.backend() == db::Backend::kSqlite
                      ? "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE "
                        "user_id = :user ORDER BY expires_at, rowid LIMIT :count)"
                      : "DELETE FROM sessions WHERE jti IN (SELECT jti FROM sessions WHERE "
                        "user_id = :user ORDER BY expires_at, seq LIMIT :count)"));
  stmt.Bind(":user", user).Bind(":count", count);
  return stmt.Run();
}

Result<std::optional<ActiveSession>> SessionStore::FindActive(UserId user, const std::string& jti,
                                                              std::int64_t now) {
  ASSIGN_OR_RETURN(
      auto stmt,
      db_.Prepare("SELECT u.id, u.name, u.is_admin, s.expires_at FROM sessions s JOIN users u ON "
                  "u.id = s.user_id WHERE s.jti = :jti AND s.user_id = :user AND s.revoked = 0 "
                  "AND s.expires_at > :now AND u.disabled = 0"));
  stmt.Bind(":jti", jti).Bind(":user", user).Bind(":now", now);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<ActiveSession>();
  return std::optional<ActiveSession>(
      ActiveSession{{stmt.Int(0), stmt.Text(1), stmt.Int(2) != 0}, stmt.Int(3)});
}

Status SessionStore::Revoke(const std::string& jti) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE sessions SET revoked = 1 WHERE jti = :jti"));
  stmt.Bind(":jti", jti);
  return stmt.Run();
}

Status SessionStore::RevokeAllBut(UserId user, const std::string& keep_jti) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE sessions SET revoked = 1 WHERE user_id = :user "
                                          "AND jti != :keep"));
  stmt.Bind(":user", user).Bind(":keep", keep_jti);
  return stmt.Run();
}

Status SessionStore::RevokeAllOf(UserId user) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE sessions SET revoked = 1 WHERE user_id = :user"));
  stmt.Bind(":user", user);
  return stmt.Run();
}

}  // namespace octopus
