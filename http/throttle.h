// Login throttling: after too many failed logins for one user name, or from
// one client address, within a window, further attempts are refused (429)
// without checking the password, until the window has passed.
//
// Thread-safe: one mutex guards both maps. Memory is bounded: expired
// entries are pruned, and past `max_entries` the oldest are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace octopus::http {

struct ThrottleOptions {
  int max_failures_per_user = 5;
  int max_failures_per_address = 20;
  std::chrono::seconds window{15 * 60};
  std::size_t max_entries = 100'000;
};

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit LoginThrottle(ThrottleOptions options, Clock clock = &std::chrono::steady_clock::now);

  // 0 when a login for `user` from `address` may be tried; otherwise the
  // seconds until it may (for Retry-After).
  std::int64_t RetryAfter(const std::string& user, const std::string& address);
  void RecordFailure(const std::string& user, const std::string& address);
  // Clears the user's failures; the address keeps its count, so one valid
  // account does not reset a guessing client.
  void RecordSuccess(const std::string& user);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int failures = 0;
  };
  using Windows = std::map<std::string, Window>;

  std::int64_t SecondsLeft_locked(const Windows& windows, const std::string& key, int limit,
                                  std::chrono::steady_clock::time_point now) const;
  void Count_locked(Windows& windows, const std::string& key,
                    std::chrono::steady_clock::time_point now);

  const ThrottleOptions options_;
  const Clock clock_;
  std::mutex mu_;
  Windows by_user_;     // GUARDED_BY(mu_)
  Windows by_address_;  // GUARDED_BY(mu_)
};

}  // namespace octopus::http
