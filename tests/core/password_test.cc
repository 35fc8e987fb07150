// Argon2 hashing is bounded in concurrency (each hash holds 19 MiB; issue
// 15: 64 concurrent logins took 1.57 GB). No timing: the gate counts its
// holders itself (tests/core/counting_gate_test.cc tests the gate).
#include "core/password.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace octopus {
namespace {

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
