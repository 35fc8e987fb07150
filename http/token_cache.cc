#include "http/token_cache.h"

namespace octopus::http {

Result<JwtClaims> VerifiedTokenCache::Verify(std::string_view token, std::int64_t now) {
  {
    std::lock_guard lock(mu_);
    if (const auto it = verified_.find(token); it != verified_.end()) {
      if (it->second.exp > now) return it->second;
      verified_.erase(it);
    }
  }
  auto claims = VerifyJwt(token, key_, now);
  if (!claims.ok()) return claims;
  std::lock_guard lock(mu_);
  if (verified_.size() >= kMaxEntries) verified_.clear();
  verified_.emplace(std::string(token), *claims);
  return claims;
}

}  // namespace octopus::http
