#include "http/throttle.h"

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace octopus::http {
namespace {

// Longer names cannot log in anyway; a client must not grow the map's keys
// without end.
constexpr std::size_t kMaxUserKeyBytes = 256;

}  // namespace

LoginThrottle::LoginThrottle(ThrottleOptions options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

std::string LoginThrottle::PairKey(const std::string& user, const std::string& address) {
  // Case folded: "Admin" and "ADMIN" must not each get their own free
  // attempts at one account.
  std::string key = user.substr(0, kMaxUserKeyBytes);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  key.push_back('\0');  // cannot occur in a JSON-decoded name nor an address
  key += address;
  return key;
}

std::chrono::seconds LoginThrottle::DelayAfter(int attempts) const {
  if (attempts < options_.free_attempts) return std::chrono::seconds(0);
  const int doublings = attempts - options_.free_attempts;
  auto delay = options_.base_delay;
  for (int i = 0; i < doublings && delay < options_.max_delay; ++i) delay *= 2;
  return std::min(delay, options_.max_delay);
}

std::chrono::steady_clock::time_point LoginThrottle::NextAllowed(const Pair& pair) const {
  return pair.last + DelayAfter(pair.attempts);
}

bool LoginThrottle::Forgotten(const Pair& pair, std::chrono::steady_clock::time_point now) const {
  return now >= NextAllowed(pair) + options_.pair_memory;
}

bool LoginThrottle::Forgotten(const Window& window,
                              std::chrono::steady_clock::time_point now) const {
  return now >= window.start + options_.address_window;
}

template <typename Map>
void LoginThrottle::Prune_locked(Map& map, std::chrono::steady_clock::time_point now) {
  if (map.size() < options_.max_entries) return;
  std::erase_if(map, [&](const auto& kv) { return Forgotten(kv.second, now); });
  // Still full: forget the oldest rather than grow without end.
  while (!map.empty() && map.size() >= options_.max_entries) {
    const auto oldest = std::min_element(map.begin(), map.end(), [](const auto& a, const auto& b) {
      if constexpr (std::is_same_v<typename Map::mapped_type, Pair>) {
        return a.second.last < b.second.last;
      } else {
        return a.second.start < b.second.start;
      }
    });
    map.erase(oldest);
  }
}

std::int64_t LoginThrottle::Admit(const std::string& user, const std::string& address) {
  const auto now = clock_();
  const std::string key = PairKey(user, address);
  std::lock_guard lock(mu_);
  auto next = now;
  auto window = by_address_.find(address);
  if (window != by_address_.end() && Forgotten(window->second, now)) {
    by_address_.erase(window);
    window = by_address_.end();
  }
  if (window != by_address_.end() && window->second.attempts >= options_.max_attempts_per_address) {
    next = std::max(next, window->second.start + options_.address_window);
  }
  auto pair = pairs_.find(key);
  if (pair != pairs_.end() && Forgotten(pair->second, now)) {
    pairs_.erase(pair);
    pair = pairs_.end();
  }
  if (pair != pairs_.end()) next = std::max(next, NextAllowed(pair->second));
  if (next > now) {
    return std::max<std::int64_t>(std::chrono::ceil<std::chrono::seconds>(next - now).count(), 1);
  }
  if (window == by_address_.end()) {
    Prune_locked(by_address_, now);
    window = by_address_.emplace(address, Window{now, 0}).first;
  }
  ++window->second.attempts;
  if (pair == pairs_.end()) {
    Prune_locked(pairs_, now);
    pair = pairs_.emplace(key, Pair{}).first;
  }
  ++pair->second.attempts;
  pair->second.last = now;
  return 0;
}

void LoginThrottle::RecordSuccess(const std::string& user, const std::string& address) {
  std::lock_guard lock(mu_);
  pairs_.erase(PairKey(user, address));
  if (const auto it = by_address_.find(address);
      it != by_address_.end() && it->second.attempts > 0) {
    --it->second.attempts;
  }
}

std::size_t LoginThrottle::entries() {
  std::lock_guard lock(mu_);
  return pairs_.size() + by_address_.size();
}

}  // namespace octopus::http
