// Library: opening, users and sessions. Photos are in library_photos.cc,
// fsck in library_fsck.cc.
#include "core/library.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <optional>
#include <regex>

#include "core/db/schema.h"
#include "core/file_util.h"
#include "core/library_impl.h"
#include "core/password.h"

namespace octopus {

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto db = db::Database::Open(file_);
  if (!db.ok()) return db.status();
  return Lease(this, std::move(db).value());
}

void ConnectionPool::Return(std::unique_ptr<db::Database> db) {
  // Kept rather than closed up to as many as the API serves at once
  // (64 connections under wrk): opening one costs its pragmas and loses
  // its statement cache; with 16 kept, perf showed 5% of a request in
  // Database::Open. An idle connection holds a few hundred kilobytes.
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

namespace {

constexpr const char* kUserColumns =
    "id, name, is_admin, disabled, quota_bytes, used_bytes, photo_count, created_at";

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

Status ValidateUserName(const std::string& name) {
  static const std::regex kName("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
  if (!std::regex_match(name, kName)) {
    return Status::InvalidArgument(
        "invalid user name: use 1-64 letters, digits, '.', '_' or '-', not starting with '.' "
        "or '-'");
  }
  return Status::Ok();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 8)
    return Status::InvalidArgument("password too short: at least 8 characters");
  if (password.size() > 1024) return Status::InvalidArgument("password too long");
  return Status::Ok();
}

// Runs a one-row user query; kNotFound when there is no row.
Result<User> QueryUser(db::Database& db, const std::string& where,
                       const std::function<void(db::Statement&)>& bind) {
  auto stmt = db.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where);
  if (!stmt.ok()) return stmt.status();
  bind(*stmt);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such user");
  return ReadUser(*stmt);
}

}  // namespace

Library::Library(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Library::~Library() = default;

Result<std::unique_ptr<Library>> Library::Open(const Config& config) {
  // spdlog creates its default logger lazily, inside the library, on first
  // use. Doing it here, before the library's users start threads, keeps that
  // one-time initialisation out of any race (ThreadSanitizer reports it).
  (void)spdlog::default_logger_raw();
  auto impl = std::make_unique<Impl>(config);
  if (Status s = impl->blobs.Init(); !s.ok()) return s;
  auto db = impl->pool.Acquire();
  if (!db.ok()) return db.status();
  if (Status s = db::Migrate(**db); !s.ok()) return s;
  auto epoch = RevocationEpoch::Open(config.instance_dir() / "revocations");
  if (!epoch.ok()) return epoch.status();
  impl->epoch = std::move(epoch).value();
  (void)impl->epoch->TryRepair();  // after a writer's crash, see revocation_epoch.h
  return std::unique_ptr<Library>(new Library(std::move(impl)));
}

const Config& Library::config() const { return impl_->config; }
void Library::SetPlaceIndex(const places::PlaceIndex* index) { impl_->places = index; }
const places::PlaceIndex* Library::place_index() const { return impl_->places; }
std::filesystem::path Library::StagingDir() const { return impl_->blobs.StagingDir(); }

Result<User> Library::CreateUser(const std::string& name, const std::string& password,
                                 std::int64_t quota_bytes, bool is_admin) {
  if (Status s = ValidateUserName(name); !s.ok()) return s;
  if (Status s = ValidatePassword(password); !s.ok()) return s;
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(
      "INSERT INTO users (name, password_hash, is_admin, quota_bytes, created_at) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, name).Bind(2, *hash).Bind(3, is_admin ? 1 : 0);
  stmt->Bind(4, quota_bytes < 0 ? impl_->config.default_quota_bytes : quota_bytes);
  stmt->Bind(5, UtcNowIso8601());
  if (Status s = stmt->Run(); !s.ok()) {
    if (s.code() == Code::kAlreadyExists)
      return Status::AlreadyExists("user '" + name + "' already exists");
    return s;
  }
  return GetUser((*db)->LastInsertRowid());
}

Result<User> Library::FindUser(const std::string& name) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto user = QueryUser(**db, "name = ?", [&](db::Statement& s) { s.Bind(1, name); });
  if (!user.ok() && user.status().code() == Code::kNotFound) {
    return Status::NotFound("no such user: " + name);
  }
  return user;
}

Result<User> Library::GetUser(UserId id) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  return QueryUser(**db, "id = ?", [&](db::Statement& s) { s.Bind(1, id); });
}

Result<std::vector<User>> Library::ListUsers() {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name");
  if (!stmt.ok()) return stmt.status();
  std::vector<User> users;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    users.push_back(ReadUser(*stmt));
  }
  return users;
}

namespace {
// UPDATE users SET <assignment> WHERE name = ?; kNotFound when no such user.
Status UpdateUser(ConnectionPool& pool, const std::string& name, const std::string& assignment,
                  const std::function<void(db::Statement&)>& bind) {
  auto db = pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare("UPDATE users SET " + assignment + " WHERE name = ?");
  if (!stmt.ok()) return stmt.status();
  bind(*stmt);
  if (Status s = stmt->Run(); !s.ok()) return s;
  if ((*db)->Changes() == 0) return Status::NotFound("no such user: " + name);
  return Status::Ok();
}
}  // namespace

Status Library::SetQuota(const std::string& name, std::int64_t quota_bytes) {
  if (quota_bytes < 0) return Status::InvalidArgument("quota must not be negative");
  return UpdateUser(impl_->pool, name, "quota_bytes = ?, generation = generation + 1",
                    [&](db::Statement& s) { s.Bind(1, quota_bytes).Bind(2, name); });
}

Status Library::SetPassword(const std::string& name, const std::string& password) {
  if (Status s = ValidatePassword(password); !s.ok()) return s;
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  auto revoking = impl_->epoch->BeginWrite();
  if (!revoking.ok()) return revoking.status();
  return UpdateUser(impl_->pool, name, "password_hash = ?",
                    [&](db::Statement& s) { s.Bind(1, *hash).Bind(2, name); });
}

Status Library::SetDisabled(const std::string& name, bool disabled) {
  auto revoking = impl_->epoch->BeginWrite();
  if (!revoking.ok()) return revoking.status();
  return UpdateUser(impl_->pool, name, "disabled = ?",
                    [&](db::Statement& s) { s.Bind(1, disabled ? 1 : 0).Bind(2, name); });
}

Status Library::SetAdmin(const std::string& name, bool is_admin) {
  // Granting moves the epoch too: a session cached before it would go on
  // being refused the admin routes until the cache happened to refresh.
  auto revoking = impl_->epoch->BeginWrite();
  if (!revoking.ok()) return revoking.status();
  return UpdateUser(impl_->pool, name, "is_admin = ?",
                    [&](db::Statement& s) { s.Bind(1, is_admin ? 1 : 0).Bind(2, name); });
}

Status Library::RemoveUser(const std::string& name) {
  auto user = FindUser(name);
  if (!user.ok()) return user.status();
  {
    auto revoking = impl_->epoch->BeginWrite();
    if (!revoking.ok()) return revoking.status();
    auto db = impl_->pool.Acquire();
    if (!db.ok()) return db.status();
    auto stmt = (*db)->Prepare("DELETE FROM users WHERE id = ?");  // photos, sessions cascade
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, user->id);
    if (Status s = stmt->Run(); !s.ok()) return s;
  }
  // The rows are gone first: a crash here leaves only orphan blobs, which
  // fsck removes.
  std::error_code ec;
  std::filesystem::remove_all(impl_->blobs.UserDir(user->id), ec);
  if (ec) return Status::IoError("user removed, but not all files", ec.value());
  return Status::Ok();
}

Result<User> Library::Authenticate(const std::string& name, const std::string& password) {
  const Status denied = Status::Unauthenticated("invalid user name or password");
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare("SELECT id, password_hash, disabled FROM users WHERE name = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, name);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    // Same work for an unknown name, so timing does not reveal which names
    // exist.
    static const std::string kDummy = HashPassword("not-a-real-password").value();
    (void)VerifyPassword(password, kDummy);
    return denied;
  }
  const UserId id = stmt->Int(0);
  const bool ok = VerifyPassword(password, stmt->Text(1));
  if (!ok || stmt->Int(2) != 0) return denied;
  return QueryUser(**db, "id = ?", [&](db::Statement& s) { s.Bind(1, id); });
}

Status Library::AddSession(UserId user, const std::string& jti, std::int64_t expires_at) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  // Forget long-expired sessions as new ones come.
  auto purge = (*db)->Prepare("DELETE FROM sessions WHERE expires_at < ?");
  if (!purge.ok()) return purge.status();
  purge->Bind(1, static_cast<std::int64_t>(std::time(nullptr)) - 86400);
  if (Status s = purge->Run(); !s.ok()) return s;
  auto stmt = (*db)->Prepare("INSERT INTO sessions (jti, user_id, expires_at) VALUES (?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, jti).Bind(2, user).Bind(3, expires_at);
  return stmt->Run();
}

Result<SessionIdentity> Library::SessionUser(UserId user, const std::string& jti) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  // Read before the query: a revocation committed after the query began
  // moves the epoch past this value.
  const std::optional<std::uint64_t> epoch = impl_->epoch->Stable();
  if (epoch) {
    if (auto cached = impl_->sessions.Find(user, jti, *epoch, now)) return *cached;
  }
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(
      "SELECT u.id, u.name, u.is_admin, s.expires_at FROM sessions s JOIN users u ON "
      "u.id = s.user_id WHERE s.jti = ? AND s.user_id = ? AND s.revoked = 0 AND "
      "s.expires_at > ? AND u.disabled = 0");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, jti).Bind(2, user).Bind(3, now);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no active session");
  SessionIdentity identity{stmt->Int(0), stmt->Text(1), stmt->Int(2) != 0};
  if (epoch) impl_->sessions.Insert(jti, identity, stmt->Int(3), *epoch);
  return identity;
}

Status Library::RevokeSession(const std::string& jti) {
  auto revoking = impl_->epoch->BeginWrite();
  if (!revoking.ok()) return revoking.status();
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare("UPDATE sessions SET revoked = 1 WHERE jti = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, jti);
  return stmt->Run();
}

Status Library::RevokeOtherSessions(UserId user, const std::string& keep_jti) {
  auto revoking = impl_->epoch->BeginWrite();
  if (!revoking.ok()) return revoking.status();
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare("UPDATE sessions SET revoked = 1 WHERE user_id = ? AND jti != ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, user).Bind(2, keep_jti);
  return stmt->Run();
}

}  // namespace octopus
