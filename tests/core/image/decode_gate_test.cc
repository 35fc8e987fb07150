#include "core/image/decode_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace octopus::image {
namespace {

// Eight threads take a permit twenty times each. A holder keeps its permit
// until every thread is accounted for (holding one, waiting in the gate, or
// finished), then records how many hold one together. A gate that let more
// in would be caught every time, without any timing: all eight would hold.
TEST(DecodeGateTest, HoldersNeverExceedPermits) {
  constexpr int kPermits = 3, kThreads = 8, kRounds = 20;
  DecodeGate gate(kPermits);
  std::atomic<int> holders{0}, finished{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        DecodeGate::Permit permit = gate.Acquire();
        ++holders;
        int now = 0;
        while ((now = holders.load()) + gate.waiting() + finished.load() != kThreads) {
          std::this_thread::yield();
        }
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --holders;
      }
      ++finished;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most.load(), kPermits);
  EXPECT_EQ(gate.waiting(), 0);
}

// Every permit held: the next Acquire waits until one is given back.
TEST(DecodeGateTest, AcquireWaitsForARelease) {
  DecodeGate gate(2);
  std::optional<DecodeGate::Permit> first(gate.Acquire());
  DecodeGate::Permit second = gate.Acquire();
  std::atomic<bool> got_third{false};
  std::thread waiter([&] {
    DecodeGate::Permit third = gate.Acquire();
    got_third = true;
  });
  while (gate.waiting() == 0) std::this_thread::yield();
  EXPECT_FALSE(got_third.load());
  first.reset();
  waiter.join();
  EXPECT_TRUE(got_third.load());
}

TEST(DecodeGateTest, SharedGateHasOnePermitPerCore) {
  EXPECT_EQ(DecodeGate::Shared().permits(),
            std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace octopus::image
