#include "core/counting_gate.h"

#include <algorithm>

namespace octopus {

CountingGate::Pass CountingGate::Enter() {
  std::unique_lock lock(mu_);
  ++waiting_;
  freed_.wait(lock, [this] { return holders_ < slots_; });
  --waiting_;
  ++holders_;
  peak_ = std::max(peak_, holders_);
  return Pass(this);
}

bool CountingGate::Leave() {
  int left;
  {
    std::lock_guard lock(mu_);
    left = --holders_;
  }
  freed_.notify_one();
  return left == 0;
}

int CountingGate::peak() {
  std::lock_guard lock(mu_);
  return peak_;
}

int CountingGate::waiting() {
  std::lock_guard lock(mu_);
  return waiting_;
}

bool CountingGate::Pass::Release() {
  if (gate_ == nullptr) return false;
  CountingGate* gate = gate_;
  gate_ = nullptr;
  return gate->Leave();
}

}  // namespace octopus
