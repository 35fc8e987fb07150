#include "core/quota.h"

#include "core/config.h"

namespace octopus {
namespace {

Status QuotaError(std::int64_t needed, const Usage& usage) {
  const std::int64_t free = std::max<std::int64_t>(0, usage.quota_bytes - usage.used_bytes);
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

}  // namespace octopus
