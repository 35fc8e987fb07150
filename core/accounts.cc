#include "core/accounts.h"

#include <regex>

#include "core/file_util.h"
#include "core/password.h"
#include "core/store/run_in_transaction.h"
#include "core/store/session_store.h"
#include "core/store/user_store.h"

namespace octopus {
namespace {

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
  if (password.size() < 8) {
    return Status::InvalidArgument("password too short: at least 8 characters");
  }
  if (password.size() > 1024) return Status::InvalidArgument("password too long");
  return Status::Ok();
}

// The change of one account, in the caller's transaction.
Status ApplyChange(db::Database& db, const User& before, const UserChange& change,
                   Accounts::LastAdmin last_admin) {
  UserStore users(db);
  const std::string& name = before.name;
  const bool was_admin = before.is_admin && !before.disabled;
  const bool stays_admin =
      change.is_admin.value_or(before.is_admin) && !change.disabled.value_or(before.disabled);
  if (last_admin == Accounts::LastAdmin::kKeep && was_admin && !stays_admin) {
    ASSIGN_OR_RETURN(const std::int64_t others, users.CountEnabledAdminsBesides(before.id));
    if (others == 0) {
      return Status::FailedPrecondition(
          before.name + " is the last enabled administrator: make another one first");
    }
  }
  if (change.quota_bytes) RETURN_IF_ERROR(users.SetQuota(name, *change.quota_bytes));
  if (change.is_admin) RETURN_IF_ERROR(users.SetAdmin(name, *change.is_admin));
  if (change.disabled) {
    RETURN_IF_ERROR(users.SetDisabled(name, *change.disabled));
    // Revoked, not merely suspended: re-enabling the account must not bring
    // back tokens handed out before it was disabled (a stolen one, say).
    if (*change.disabled) RETURN_IF_ERROR(SessionStore(db).RevokeAllOf(before.id));
  }
  return Status::Ok();
}

}  // namespace

std::string FoldUserName(std::string_view name) {
  std::string folded(name);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

Result<User> Accounts::Create(const std::string& name, const std::string& password,
                              std::int64_t quota_bytes, bool is_admin) {
  RETURN_IF_ERROR(ValidateUserName(name));
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  const std::int64_t quota = quota_bytes < 0 ? default_quota_bytes_ : quota_bytes;
  const std::string created_at = UtcNowIso8601();
  std::optional<User> created;
  RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
    UserStore users(db);
    // The store's index refuses it too (and settles a race); this says why.
    if (auto taken = users.FindByName(name); taken.ok() && taken->name != name) {
      return Status::AlreadyExists("user name '" + name + "' is taken: '" + taken->name +
                                   "' differs only in case");
    }
    ASSIGN_OR_RETURN(const UserId id, users.Insert({name, hash, is_admin, quota, created_at}));
    ASSIGN_OR_RETURN(created, users.Get(id));
    return Status::Ok();
  }));
  return std::move(*created);
}

Result<User> Accounts::Find(const std::string& name) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return UserStore(*db).FindByName(name);
}

Result<User> Accounts::Get(UserId id) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return UserStore(*db).Get(id);
}

Result<std::vector<User>> Accounts::List() {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return UserStore(*db).List();
}

Status Accounts::SetQuota(const std::string& name, std::int64_t quota_bytes) {
  return Change(name, {.quota_bytes = quota_bytes}).status();
}

Status Accounts::SetPassword(const std::string& name, const std::string& password) {
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(const std::string hash, HashPassword(password));
  return epoch_.RunRevoking(
      pool_, [&](db::Database& db) { return UserStore(db).SetPasswordHash(name, hash); });
}

Status Accounts::SetAdmin(const std::string& name, bool is_admin) {
  return Change(name, {.is_admin = is_admin}, LastAdmin::kMayGo).status();
}

Result<User> Accounts::Change(const std::string& name, const UserChange& change,
                              LastAdmin last_admin) {
  if (change.quota_bytes && *change.quota_bytes < 0) {
    return Status::InvalidArgument("quota must not be negative");
  }
  // Disabling and admin changes (granting too: a session cached before it
  // would go on being refused the admin routes until the cache refreshed)
  // invalidate cached sessions; a quota alone does not, and need not make
  // every process re-check.
  User after;
  const TransactionBody body = [&](db::Database& db) -> Status {
    UserStore users(db);
    ASSIGN_OR_RETURN(const User before, users.FindByName(name));
    RETURN_IF_ERROR(ApplyChange(db, before, change, last_admin));
    ASSIGN_OR_RETURN(after, users.Get(before.id));
    return Status::Ok();
  };
  RETURN_IF_ERROR(change.disabled || change.is_admin ? epoch_.RunRevoking(pool_, body)
                                                     : RunInTransaction(pool_, body));
  return after;
}

Status Accounts::Remove(const std::string& name) {
  ASSIGN_OR_RETURN(const User user, Find(name));
  // Photos and sessions go with the row (ON DELETE CASCADE).
  RETURN_IF_ERROR(
      epoch_.RunRevoking(pool_, [&](db::Database& db) { return UserStore(db).Delete(user.id); }));
  // The rows are gone first: a crash here leaves only orphan blobs, which
  // fsck removes.
  std::error_code ec;
  std::filesystem::remove_all(blobs_.UserDir(user.id), ec);
  if (ec) return Status::IoError("user removed, but not all files", ec.value());
  return Status::Ok();
}

Result<User> Accounts::Authenticate(const std::string& name, const std::string& password) {
  const Status denied = Status::Unauthenticated("invalid user name or password");
  std::optional<Credentials> credentials;
  {
    // Not held across the hash: a login waiting for a hashing slot
    // (core/password.h) would otherwise keep a pooled connection open, and
    // the pool grows one per waiting thread.
    ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    ASSIGN_OR_RETURN(credentials, UserStore(*db).CredentialsOf(name));
  }
  if (!credentials) {
    // Same work for an unknown name, so timing does not reveal which names
    // exist.
    static const std::string kDummy = HashPassword("not-a-real-password").value();
    (void)VerifyPassword(password, kDummy);
    return denied;
  }
  const bool ok = VerifyPassword(password, credentials->password_hash);
  if (!ok || credentials->disabled) return denied;
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  return UserStore(*db).Get(credentials->id);
}

}  // namespace octopus
