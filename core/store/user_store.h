// The users table: one connection's view of it. Callers choose the
// transaction (a quota check and its charge share the ingest's).
//
// Not thread-safe: a store lives as long as its connection lease, on one
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/db/database.h"
#include "core/user.h"

namespace octopus {

struct NewUser {
  std::string name;
  std::string password_hash;
  bool is_admin = false;
  std::int64_t quota_bytes = 0;
  std::string created_at;
};

// What a login checks.
struct Credentials {
  UserId id = 0;
  std::string password_hash;
  bool disabled = false;
};

struct Usage {
  std::int64_t quota_bytes = 0;
  std::int64_t used_bytes = 0;
};

// A user's usage as recorded and as the photos table adds it up (fsck).
struct UsageAudit {
  UserId id = 0;
  std::string name;
  std::int64_t recorded_bytes = 0, recorded_count = 0;
  std::int64_t actual_bytes = 0, actual_count = 0;
};

// Names are matched without regard to ASCII case, everywhere: "ADMIN" finds
// "admin", and "Admin" cannot be inserted beside it (a unique index on the
// folded name, schema migration 7). User names are ASCII, so SQLite's
// NOCASE is the whole folding (and PostgreSQL's lower() under "C").
class UserStore {
 public:
  explicit UserStore(db::Database& db) : db_(db) {}

  // kAlreadyExists when the name is taken, in any case.
  Result<UserId> Insert(const NewUser& user);
  // kNotFound when there is no such user.
  Result<User> Get(UserId id);
  Result<User> FindByName(const std::string& name);
  Result<std::vector<User>> List();  // by name
  // Orders this transaction against every other write of `id`'s rows, as
  // SQLite's single writer always does: on PostgreSQL, a row lock on the
  // user (each photo write moves its change_seq), so that a transaction
  // which only reads (no row names these blobs) cannot interleave with
  // one that adds the row. A concurrent writer that committed first makes
  // this kBusy, and RunInTransaction reruns on a fresh snapshot.
  Status SerializeWith(UserId id);
  Result<std::optional<Credentials>> CredentialsOf(const std::string& name);

  // Each kNotFound when there is no such user.
  Status SetQuota(const std::string& name, std::int64_t quota_bytes);
  Status SetPasswordHash(const std::string& name, const std::string& hash);
  Status SetDisabled(const std::string& name, bool disabled);
  Status SetAdmin(const std::string& name, bool is_admin);
  // Enabled administrators other than `id`: whether taking `id`'s away
  // leaves one.
  Result<std::int64_t> CountEnabledAdminsBesides(UserId id);
  // Their photos, sessions and feed go with them (ON DELETE CASCADE).
  Status Delete(UserId id);

  // Quota and usage, for a check inside the caller's transaction.
  Result<Usage> UsageOf(UserId id);
  // Adds to the user's usage (negative to free).
  Status Charge(UserId id, std::int64_t delta_bytes, std::int64_t delta_count);
  Result<std::vector<UsageAudit>> AuditUsage();
  // Sets usage outright (fsck's recount).
  Status SetUsage(UserId id, std::int64_t used_bytes, std::int64_t photo_count);

 private:
  // UPDATE users SET <assignment> WHERE name = :name; kNotFound when no row.
  template <typename V>
  Status UpdateByName(const std::string& name, const char* assignment, const V& value);
  Result<User> QueryOne(const std::string& where, std::string_view param, const auto& value);

  db::Database& db_;
};

}  // namespace octopus
