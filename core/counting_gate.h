// A counting semaphore that remembers how many held it at once: bounds how
// many threads run a costly section together: Argon2 hashes (19 MiB each;
// 64 at once took the server to 1.57 GB, issue 15) and image decodes
// (core/image/decode_gate.h).
//
// Thread-safe: guarded by mu_. Lock order: a pass is the last thing taken;
// its holder takes no other lock, so waiting for one cannot deadlock, but
// locks the caller holds are held for as long as the wait.
#pragma once

#include <condition_variable>
#include <mutex>

namespace octopus {

class CountingGate {
 public:
  explicit CountingGate(int slots) : slots_(slots < 1 ? 1 : slots) {}
  CountingGate(const CountingGate&) = delete;
  CountingGate& operator=(const CountingGate&) = delete;

  // Held from Enter until Release or destruction.
  class Pass {
   public:
    Pass(Pass&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Pass& operator=(Pass&&) = delete;
    ~Pass() { (void)Release(); }
    // Leaves the gate now; true when nobody else holds it any more.
    bool Release();

   private:
    friend class CountingGate;
    explicit Pass(CountingGate* gate) : gate_(gate) {}
    CountingGate* gate_;
  };

  // Waits for a free slot.
  [[nodiscard]] Pass Enter();

  int slots() const { return slots_; }
  // The most holders there have been at once.
  int peak();
  // Threads waiting in Enter now (for tests and diagnostics).
  int waiting();

 private:
  bool Leave();

  const int slots_;
  std::mutex mu_;
  std::condition_variable freed_;
  int holders_ = 0;  // GUARDED_BY(mu_)
  int peak_ = 0;     // GUARDED_BY(mu_)
  int waiting_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace octopus
