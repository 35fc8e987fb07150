// The counting semaphore that bounds Argon2 hashes and image decodes. No
// timing: holders wait for each other by counting, not by sleeping.
#include "core/counting_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace octopus {
namespace {

// Eight threads enter twenty times each. A holder stays inside until every
// thread is accounted for (inside, waiting at the gate, or finished), then
// records how many are inside together. A gate that let more in would be
// caught every time, without any timing: all eight would be inside.
TEST(CountingGateTest, HoldersNeverExceedTheSlots) {
  constexpr int kSlots = 3, kThreads = 8, kRounds = 20;
  CountingGate gate(kSlots);
  std::atomic<int> holders{0}, finished{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        CountingGate::Pass pass = gate.Enter();
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
  EXPECT_EQ(most.load(), kSlots);
  EXPECT_EQ(gate.peak(), kSlots);
  EXPECT_EQ(gate.waiting(), 0);
}

// Every slot held: the next Enter waits until one is given back.
TEST(CountingGateTest, EnterWaitsForARelease) {
  CountingGate gate(2);
  std::optional<CountingGate::Pass> first(gate.Enter());
  CountingGate::Pass second = gate.Enter();
  std::atomic<bool> got_third{false};
  std::thread waiter([&] {
    CountingGate::Pass third = gate.Enter();
    got_third = true;
  });
  while (gate.waiting() == 0) std::this_thread::yield();
  EXPECT_FALSE(got_third.load());
  first.reset();
  waiter.join();
  EXPECT_TRUE(got_third.load());
}

TEST(CountingGateTest, ReleaseSaysWhenTheGateIsIdle) {
  CountingGate gate(2);
  CountingGate::Pass a = gate.Enter();
  CountingGate::Pass b = gate.Enter();
  EXPECT_FALSE(a.Release()) << "b still holds it";
  EXPECT_FALSE(a.Release()) << "released once only";
  EXPECT_TRUE(b.Release());
  EXPECT_EQ(gate.peak(), 2);
  EXPECT_EQ(CountingGate(0).slots(), 1) << "never zero slots";
}

}  // namespace
}  // namespace octopus
