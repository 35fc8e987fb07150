// Login throttling: a growing delay per (user name, client address) pair,
// plus a generous cap per address.
//
// A pair gets `free_attempts` attempts; each further one must wait
// base_delay x 2^k after the one before (1, 2, 4 ... s, at most max_delay),
// and is refused (429, Retry-After) without the password being checked.
// Another address is not slowed by them: five wrong passwords for `admin`
// from one client no longer lock the right password out from everywhere
// (issue 15), nor does one client behind a shared front lock out the
// others. A client spraying one password over many names gets each name's
// free attempts, so the address has an overall cap too:
// `max_attempts_per_address` unsuccessful attempts per `address_window`.
//
// Attempts are counted when admitted, before the password is checked:
// concurrent attempts cannot all slip through the same free slot while the
// hashes run. A success forgets the pair and gives the address its attempt
// back; a failure keeps both counts.
//
// Thread-safe: one mutex guards both maps. Memory is bounded: pairs and
// windows that no longer slow anyone are pruned, and past `max_entries`
// the oldest are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace octopus::http {

struct ThrottleOptions {
  int free_attempts = 3;  // per (user, address), before any delay
  std::chrono::seconds base_delay{1};
  std::chrono::seconds max_delay{5 * 60};
  // A pair that made no attempt for this long past its delay starts afresh.
  std::chrono::seconds pair_memory{60 * 60};
  int max_attempts_per_address = 100;
  std::chrono::seconds address_window{15 * 60};
  std::size_t max_entries = 100'000;  // per map
};

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit LoginThrottle(ThrottleOptions options, Clock clock = &std::chrono::steady_clock::now);

  // 0 when a login for `user` from `address` may be tried now, and the
  // attempt is then counted (as a failure until RecordSuccess); otherwise
  // the seconds until it may (for Retry-After), and nothing is counted.
  std::int64_t Admit(const std::string& user, const std::string& address);
  // The admitted attempt succeeded: forgets the pair, and the address gets
  // the attempt back (its other failures stay: one valid account does not
  // reset a guessing client).
  void RecordSuccess(const std::string& user, const std::string& address);

  // The delay after `attempts` attempts of one pair (0 while free).
  std::chrono::seconds DelayAfter(int attempts) const;
  // Pairs and address windows held (for tests of the bound).
  std::size_t entries();

 private:
  struct Pair {
    int attempts = 0;
    std::chrono::steady_clock::time_point last;  // of the last admitted attempt
  };
  struct Window {
    std::chrono::steady_clock::time_point start;
    int attempts = 0;
  };
  static std::string PairKey(const std::string& user, const std::string& address);
  std::chrono::steady_clock::time_point NextAllowed(const Pair& pair) const;
  bool Forgotten(const Pair& pair, std::chrono::steady_clock::time_point now) const;
  bool Forgotten(const Window& window, std::chrono::steady_clock::time_point now) const;
  // Makes room for one more entry.
  template <typename Map>
  void Prune_locked(Map& map, std::chrono::steady_clock::time_point now);

  const ThrottleOptions options_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, Pair> pairs_;         // GUARDED_BY(mu_), by PairKey
  std::map<std::string, Window> by_address_;  // GUARDED_BY(mu_)
};

}  // namespace octopus::http
