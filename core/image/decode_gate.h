// A counting semaphore for image decodes: at most `permits` decodes run at
// once, whichever front end (API, mount, CLI) asked for them, so that the
// memory all decodes take together is at most permits x
// OCTOPUS_MAX_DECODE_MEMORY (issue 15: three progressive JPEG bombs at once
// took the server to 1.83 GB).
//
// Thread-safe. Lock order: a permit is the last thing taken. Its holder
// decodes and encodes pixels and takes no other lock, so waiting for a
// permit with other locks held cannot deadlock; but those locks are then
// held for as long as the wait, so callers should not hold any.
#pragma once

#include <condition_variable>
#include <mutex>

namespace octopus::image {

class DecodeGate {
 public:
  explicit DecodeGate(int permits);
  DecodeGate(const DecodeGate&) = delete;
  DecodeGate& operator=(const DecodeGate&) = delete;

  // The process's gate: one permit per core.
  static DecodeGate& Shared();

  // Held while decoding; gives its permit back when destroyed.
  class [[nodiscard]] Permit {
   public:
    Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit();

   private:
    friend class DecodeGate;
    explicit Permit(DecodeGate* gate) : gate_(gate) {}
    DecodeGate* gate_;
  };

  // Waits until a permit is free.
  Permit Acquire();

  int permits() const { return permits_; }
  // Threads waiting in Acquire now (for tests and diagnostics).
  int waiting() const;

 private:
  void Release();

  const int permits_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  int in_use_ = 0;   // GUARDED_BY(mutex_)
  int waiting_ = 0;  // GUARDED_BY(mutex_)
};

}  // namespace octopus::image
