#include "core/store/user_store.h"

namespace octopus {
namespace {

constexpr const char* kUserColumns =
    "id, name, is_admin, disabled, quota_bytes, used_bytes, photo_count, created_at";

// `name` equal to the parameter :name without regard to ASCII case. SQLite:
// NOCASE. PostgreSQL has no NOCASE: lower() on both sides, under "C"
// (which folds ASCII only, as NOCASE; the column is "C" already, the
// parameter is made so), the form of the unique index on lower(name).
std::string NameMatches(const db::Database& db) {
  return db.backend() == db::Backend::kSqlite ? "name = :name COLLATE NOCASE"
                                              : "lower(name) = lower(:name COLLATE \"C\")";
}

User ReadUser(const db::Statement& s) {
  User u;
  u.id = s.Int(0);
  u.name = s.Text(1);
  u.is_admin = s.Int(2) != 0;
  u.disabled = s.Int(3) != 0;
  u.quota_bytes = s.Int(4);
  u.used_bytes = s.Int(5);
  u.photo_count = s.Int(6);
  u.created_at = s.Text(7);
  return u;
}

}  // namespace

Result<UserId> UserStore::Insert(const NewUser& user) {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("INSERT INTO users (name, password_hash, is_admin, quota_bytes, "
                               "created_at) VALUES (:name, :hash, :admin, :quota, :created) "
                               "RETURNING id"));
  stmt.Bind(":name", user.name).Bind(":hash", user.password_hash);
  stmt.Bind(":admin", user.is_admin ? 1 : 0).Bind(":quota", user.quota_bytes);
  stmt.Bind(":created", user.created_at);
  // RETURNING, not the last rowid: PostgreSQL has no rowid, and its
  // lastval() errors (aborting the transaction) when no sequence was used.
  auto row = stmt.Step();
  if (!row.ok()) {
    if (row.status().code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("user '" + user.name +
                                   "' already exists (names are compared without regard to case)");
    }
    return row.status();
  }
  if (!*row) return Status::Internal("INSERT ... RETURNING id returned no row");
  const UserId id = stmt.Int(0);
  RETURN_IF_ERROR(stmt.Run());  // to the end, so the statement lets go of the row
  return id;
}

Result<User> UserStore::QueryOne(const std::string& where, std::string_view param,
                                 const auto& value) {
  ASSIGN_OR_RETURN(
      auto stmt, db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where));
  stmt.Bind(param, value);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::NotFound("no such user");
  return ReadUser(stmt);
}

Result<User> UserStore::Get(UserId id) { return QueryOne("id = :id", ":id", id); }

Result<User> UserStore::FindByName(const std::string& name) {
  auto user = QueryOne(NameMatches(db_), ":name", name);
  if (!user.ok() && user.status().code() == Code::kNotFound) {
    return Status::NotFound("no such user: " + name);
  }
  return user;
}

Result<std::vector<User>> UserStore::List() {
  ASSIGN_OR_RETURN(
      auto stmt, db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name"));
  std::vector<User> users;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    users.push_back(ReadUser(stmt));
  }
  return users;
}

Result<std::optional<Credentials>> UserStore::CredentialsOf(const std::string& name) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT id, password_hash, disabled FROM users WHERE " +
                                          NameMatches(db_)));
  stmt.Bind(":name", name);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<Credentials>();
  return std::optional<Credentials>(Credentials{stmt.Int(0), stmt.Text(1), stmt.Int(2) != 0});
}

template <typename V>
Status UserStore::UpdateByName(const std::string& name, const char* assignment, const V& value) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(std::string("UPDATE users SET ") + assignment +
                                          " WHERE " + NameMatches(db_)));
  stmt.Bind(":value", value).Bind(":name", name);
  RETURN_IF_ERROR(stmt.Run());
  if (db_.Changes() == 0) return Status::NotFound("no such user: " + name);
  return Status::Ok();
}

Status UserStore::SetQuota(const std::string& name, std::int64_t quota_bytes) {
  return UpdateByName(name, "quota_bytes = :value", quota_bytes);
}

Status UserStore::SetPasswordHash(const std::string& name, const std::string& hash) {
  return UpdateByName(name, "password_hash = :value", hash);
}

Status UserStore::SetDisabled(const std::string& name, bool disabled) {
  return UpdateByName(name, "disabled = :value", disabled ? 1 : 0);
}

Status UserStore::SetAdmin(const std::string& name, bool is_admin) {
  return UpdateByName(name, "is_admin = :value", is_admin ? 1 : 0);
}

Result<std::int64_t> UserStore::CountEnabledAdminsBesides(UserId id) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND "
                                          "disabled = 0 AND id <> :id"));
  stmt.Bind(":id", id);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::Internal("COUNT(*) returned no row");
  return stmt.Int(0);
}

Status UserStore::Delete(UserId id) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("DELETE FROM users WHERE id = :id"));
  stmt.Bind(":id", id);
  return stmt.Run();
}

Result<Usage> UserStore::UsageOf(UserId id) {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("SELECT quota_bytes, used_bytes FROM users WHERE id = :id"));
  stmt.Bind(":id", id);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::NotFound("no such user");
  return Usage{stmt.Int(0), stmt.Int(1)};
}

Status UserStore::SerializeWith(UserId id) {
  if (db_.backend() == db::Backend::kSqlite) return Status::Ok();  // one writer already
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT id FROM users WHERE id = :id FOR UPDATE"));
  stmt.Bind(":id", id);
  return stmt.Step().status();
}

Status UserStore::Charge(UserId id, std::int64_t delta_bytes, std::int64_t delta_count) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE users SET used_bytes = used_bytes + :bytes, "
                                          "photo_count = photo_count + :count WHERE id = :id"));
  stmt.Bind(":bytes", delta_bytes).Bind(":count", delta_count).Bind(":id", id);
  return stmt.Run();
}

Result<std::vector<UsageAudit>> UserStore::AuditUsage() {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT u.id, u.name, u.used_bytes, u.photo_count, "
                                          "COALESCE(SUM(p.size), 0), COUNT(p.id) FROM users u "
                                          "LEFT JOIN photos p ON p.owner = u.id GROUP BY u.id"));
  std::vector<UsageAudit> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.Int(0), stmt.Text(1), stmt.Int(2), stmt.Int(3), stmt.Int(4), stmt.Int(5)});
  }
  return out;
}

Status UserStore::SetUsage(UserId id, std::int64_t used_bytes, std::int64_t photo_count) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE users SET used_bytes = :bytes, "
                                          "photo_count = :count WHERE id = :id"));
  stmt.Bind(":bytes", used_bytes).Bind(":count", photo_count).Bind(":id", id);
  return stmt.Run();
}

}  // namespace octopus
