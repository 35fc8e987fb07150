// User accounts: names, passwords, quotas, admin and disabled flags.
// Writes that can invalidate a cached session (a password change,
// disabling, removal, granting or taking admin) move the home's revocation epoch
// (core/revocation_epoch.h), so every process re-checks on the next request.
//
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/blob_store.h"
#include "core/revocation_epoch.h"
#include "core/store/connection_pool.h"
#include "core/user.h"

namespace octopus {

// The form under which names are compared: ASCII lower case (user names are
// ASCII). For keys kept outside the store, such as the login throttle's.
std::string FoldUserName(std::string_view name);

class Accounts {
 public:
  Accounts(ConnectionPool& pool, RevocationEpoch& epoch, const BlobStore& blobs,
           std::int64_t default_quota_bytes)
      : pool_(pool), epoch_(epoch), blobs_(blobs), default_quota_bytes_(default_quota_bytes) {}

  // Name: 1-64 chars of [A-Za-z0-9._-], not starting with '.' or '-' (so no
  // control or invisible character ever reaches a user name); unique without
  // regard to case: kAlreadyExists for "Admin" beside "admin". Every lookup
  // by name below ignores case too, so "ADMIN" logs in as "admin".
  // Password: at least 8 characters. quota < 0: the configured default.
  Result<User> Create(const std::string& name, const std::string& password,
                      std::int64_t quota_bytes, bool is_admin);
  Result<User> Find(const std::string& name);
  Result<User> Get(UserId id);
  Result<std::vector<User>> List();
  // quota < 0: kInvalidArgument. Below the usage is accepted: new photos
  // are refused until the user is back under it. As Change.
  Status SetQuota(const std::string& name, std::int64_t quota_bytes);
  Status SetPassword(const std::string& name, const std::string& password);
  // Grants or revokes administration (the CLI's `user admin`), as Change
  // but allowed to take it from the last enabled administrator: the CLI
  // only warns, since it is how an administrator is made again.
  Status SetAdmin(const std::string& name, bool is_admin);
  // Whether Change may leave the server without an enabled administrator.
  enum class LastAdmin { kKeep, kMayGo };
  // The one path by which an account's quota, disabled and admin flags
  // change: every member of `change` in one transaction, or none of them.
  // A negative quota is refused (kInvalidArgument). Disabling revokes
  // every session of the user: re-enabling lets them log in again, but no
  // token issued before comes back. Disabling and admin changes, either
  // way, move the epoch: cached sessions carry is_admin and must see the
  // change on the next request. With kKeep, refuses (kFailedPrecondition)
  // taking administration from, or disabling, the last enabled
  // administrator: the API must never leave a server without one. The
  // check and the write share the write lock, so two admins demoting each
  // other at once cannot both succeed.
  Result<User> Change(const std::string& name, const UserChange& change,
                      LastAdmin last_admin = LastAdmin::kKeep);
  // Removes the user, their photos, blobs and thumbnails.
  Status Remove(const std::string& name);
  // kUnauthenticated for an unknown user, a wrong password or a disabled
  // user, with the same message for each. Constant-time hash comparison.
  Result<User> Authenticate(const std::string& name, const std::string& password);

 private:
  ConnectionPool& pool_;
  RevocationEpoch& epoch_;
  const BlobStore& blobs_;
  const std::int64_t default_quota_bytes_;
};

}  // namespace octopus
