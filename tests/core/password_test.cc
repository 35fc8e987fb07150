// Argon2 hashing is bounded in concurrency (each hash holds 19 MiB; issue
// 15: 64 concurrent logins took 1.57 GB). No timing: the gate counts its
// holders itself.
#include "core/password.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/counting_gate.h"

namespace octopus {
namespace {

TEST(CountingGateTest, NeverLetsMoreThanItsSlotsIn) {
  CountingGate gate(3);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        CountingGate::Pass pass = gate.Enter();
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_LE(gate.peak(), 3);
  EXPECT_GE(gate.peak(), 1);
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

TEST(PasswordTest, ConcurrentHashesNeverExceedTheSlots) {
  const int slots = PasswordHashSlots();
  ASSERT_GE(slots, 1);
  const auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3 * slots + 2; ++t) {
    threads.emplace_back([&, t] {
      if (t % 2 == 0) {
        verified += VerifyPassword("correct horse", *hash);
      } else {
        verified += HashPassword("battery staple").ok();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(verified.load(), 3 * slots + 2);
  EXPECT_GE(PasswordHashPeak(), 1) << "the hashes went through the gate";
  EXPECT_LE(PasswordHashPeak(), slots);
  EXPECT_FALSE(VerifyPassword("wrong horse", *hash));
}

}  // namespace
}  // namespace octopus
