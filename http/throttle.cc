#include "http/throttle.h"

#include <algorithm>

namespace octopus::http {

LoginThrottle::LoginThrottle(ThrottleOptions options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

std::int64_t LoginThrottle::SecondsLeft_locked(const Windows& windows, const std::string& key,
                                               int limit,
                                               std::chrono::steady_clock::time_point now) const {
  const auto it = windows.find(key);
  if (it == windows.end() || it->second.failures < limit) return 0;
  const auto end = it->second.start + options_.window;
  if (now >= end) return 0;
  const auto left = std::chrono::ceil<std::chrono::seconds>(end - now).count();
  return std::max<std::int64_t>(left, 1);
}

void LoginThrottle::Count_locked(Windows& windows, const std::string& key,
                                 std::chrono::steady_clock::time_point now) {
  auto it = windows.find(key);
  if (it == windows.end() || now >= it->second.start + options_.window) {
    if (windows.size() >= options_.max_entries) {
      std::erase_if(windows,
                    [&](const auto& kv) { return now >= kv.second.start + options_.window; });
      // Still full: forget the oldest window rather than grow without end.
      while (windows.size() >= options_.max_entries) {
        auto oldest = std::min_element(
            windows.begin(), windows.end(),
            [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
        windows.erase(oldest);
      }
    }
    windows[key] = Window{now, 1};
    return;
  }
  ++it->second.failures;
}

std::int64_t LoginThrottle::RetryAfter(const std::string& user, const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  return std::max(SecondsLeft_locked(by_user_, user, options_.max_failures_per_user, now),
                  SecondsLeft_locked(by_address_, address, options_.max_failures_per_address, now));
}

void LoginThrottle::RecordFailure(const std::string& user, const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  Count_locked(by_user_, user, now);
  Count_locked(by_address_, address, now);
}

void LoginThrottle::RecordSuccess(const std::string& user) {
  std::lock_guard lock(mu_);
  by_user_.erase(user);
}

}  // namespace octopus::http
