#include "core/quota.h"

#include <algorithm>

#include "core/config.h"

namespace octopus {
namespace {

Status QuotaError(std::int64_t needed, const Usage& usage) {
  // A quota lowered below what the user stores leaves them over it: say by
  // how much, not "needs 1 B, 0 B free", which reads as a rounding error.
  if (usage.used_bytes > usage.quota_bytes) {
    return Status::QuotaExceeded("quota exceeded: " + FormatSize(usage.used_bytes) + " used, " +
                                 FormatSize(usage.used_bytes - usage.quota_bytes) +
                                 " over the quota of " + FormatSize(usage.quota_bytes) +
                                 "; delete photos or raise the quota to store more");
  }
  const std::int64_t free = usage.quota_bytes - usage.used_bytes;
  return Status::QuotaExceeded("quota exceeded: needs " + FormatSize(needed) + ", " +
                               FormatSize(free) + " of " + FormatSize(usage.quota_bytes) + " free");
}

}  // namespace

Status QuotaEngine::CheckIn(UserStore& users, UserId owner, std::int64_t additional_bytes) {
  ASSIGN_OR_RETURN(const Usage usage, users.UsageOf(owner));
  if (usage.used_bytes + additional_bytes > usage.quota_bytes) {
    return QuotaError(additional_bytes, usage);
  }
  return Status::Ok();
}

Status QuotaEngine::Check(UserId owner, std::int64_t additional_bytes) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  UserStore users(*db);
  return CheckIn(users, owner, additional_bytes);
}

Result<std::int64_t> QuotaEngine::Free(UserId owner) {
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  ASSIGN_OR_RETURN(const Usage usage, UserStore(*db).UsageOf(owner));
  return std::max<std::int64_t>(usage.quota_bytes - usage.used_bytes, 0);
}

}  // namespace octopus
