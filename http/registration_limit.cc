#include "http/registration_limit.h"

#include <algorithm>

namespace octopus::http {

RegistrationLimit::RegistrationLimit(int per_window, std::chrono::seconds window,
                                     std::size_t max_addresses, Clock clock)
    : per_window_(std::max(per_window, 1)),
      window_(window),
      max_addresses_(std::max<std::size_t>(max_addresses, 1)),
      clock_(std::move(clock)) {}

void RegistrationLimit::Prune_locked(TimePoint now) {
  std::erase_if(attempts_, [&](const auto& kv) { return now >= kv.second.back() + window_; });
  // Still full: forget the address seen least recently rather than grow.
  while (attempts_.size() >= max_addresses_) {
    attempts_.erase(std::min_element(
        attempts_.begin(), attempts_.end(),
        [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); }));
  }
}

std::int64_t RegistrationLimit::Admit(const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  auto it = attempts_.find(address);
  if (it == attempts_.end()) {
    if (attempts_.size() >= max_addresses_) Prune_locked(now);
    attempts_[address].push_back(now);
    return 0;
  }
  auto& times = it->second;
  while (!times.empty() && now >= times.front() + window_) times.pop_front();
  if (static_cast<int>(times.size()) >= per_window_) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(times.front() + window_ - now);
    return std::max<std::int64_t>(left.count(), 1);
  }
  times.push_back(now);
  return 0;
}

}  // namespace octopus::http
