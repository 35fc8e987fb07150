// Open registration's per-address rate: at most `per_window` attempts from
// one client address (an IPv6 /64 counts as one) in any window, 429 with
// Retry-After past it. Each attempt costs an Argon2 hash (about 19 MiB) and,
// when it succeeds, an account with a quota: 50 anonymous accounts in 5 s
// from one client promised 500 GB on a 252 GB disk (issue 15).
//
// Thread-safe: one mutex guards the map. Memory is bounded: at most
// `per_window` times per address, expired addresses pruned, and past
// `max_addresses` the least recently seen is forgotten.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace octopus::http {

class RegistrationLimit {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  RegistrationLimit(int per_window, std::chrono::seconds window,
                    std::size_t max_addresses = 100'000,
                    Clock clock = &std::chrono::steady_clock::now);

  // 0, and the attempt is counted, when `address` may register now;
  // otherwise the seconds until it may (for Retry-After), nothing counted.
  std::int64_t Admit(const std::string& address);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  void Prune_locked(TimePoint now);

  const int per_window_;
  const std::chrono::seconds window_;
  const std::size_t max_addresses_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, std::deque<TimePoint>> attempts_;  // GUARDED_BY(mu_), oldest first
};

}  // namespace octopus::http
