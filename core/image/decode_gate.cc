#include "core/image/decode_gate.h"

#include <algorithm>
#include <thread>

namespace octopus::image {

DecodeGate::DecodeGate(int permits) : permits_(std::max(1, permits)) {}

DecodeGate& DecodeGate::Shared() {
  // hardware_concurrency() is 0 when unknown: one decode at a time then.
  static DecodeGate gate(static_cast<int>(std::thread::hardware_concurrency()));
  return gate;
}

DecodeGate::Permit DecodeGate::Acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  freed_.wait(lock, [this] { return in_use_ < permits_; });
  --waiting_;
  ++in_use_;
  return Permit(this);
}

int DecodeGate::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void DecodeGate::Release() {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
  }
  freed_.notify_one();
}

DecodeGate::Permit::~Permit() {
  if (gate_ != nullptr) gate_->Release();
}

}  // namespace octopus::image
