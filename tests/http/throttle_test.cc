// Login throttling with a fake clock: no sleeping, no timing.
#include "http/throttle.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

using std::chrono::seconds;

class ThrottleTest : public ::testing::Test {
 protected:
  static ThrottleOptions Options() {
    ThrottleOptions o;
    o.free_attempts = 3;
    o.base_delay = seconds(1);
    o.max_delay = seconds(60);
    o.pair_memory = seconds(600);
    o.max_attempts_per_address = 20;
    o.address_window = seconds(900);
    o.max_entries = 4;
    return o;
  }
  // Admits `n` attempts for `user` from `address`, each as soon as allowed.
  void FailNow(const std::string& user, const std::string& address, int n) {
    for (int i = 0; i < n; ++i) ASSERT_EQ(throttle_.Admit(user, address), 0) << "attempt " << i;
  }
  std::chrono::steady_clock::time_point now_{};
  LoginThrottle throttle_{Options(), [this] { return now_; }};
};

TEST_F(ThrottleTest, TheDelayDoublesAfterTheFreeAttemptsUpToTheCap) {
  FailNow("alice", "10.0.0.1", 3);
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 9; ++i) {
    const std::int64_t wait = throttle_.Admit("alice", "10.0.0.1");
    ASSERT_GT(wait, 0) << "attempt " << i + 4 << " came too soon";
    waits.push_back(wait);
    now_ += seconds(wait - 1);
    EXPECT_EQ(throttle_.Admit("alice", "10.0.0.1"), 1) << "one second early is still refused";
    now_ += seconds(1);
    ASSERT_EQ(throttle_.Admit("alice", "10.0.0.1"), 0);
  }
  EXPECT_EQ(waits, (std::vector<std::int64_t>{1, 2, 4, 8, 16, 32, 60, 60, 60}));
  EXPECT_EQ(throttle_.DelayAfter(2), seconds(0));
  EXPECT_EQ(throttle_.DelayAfter(1000), seconds(60)) << "no overflow";
}

TEST_F(ThrottleTest, AnotherAddressIsNotSlowedByTheGuesses) {
  FailNow("alice", "10.0.0.1", 3);
  for (int i = 0; i < 6; ++i) {
    now_ += seconds(throttle_.Admit("alice", "10.0.0.1"));
    ASSERT_EQ(throttle_.Admit("alice", "10.0.0.1"), 0);
  }
  EXPECT_GT(throttle_.Admit("alice", "10.0.0.1"), 0);
  // The right password from elsewhere: at once, and the guesser stays slowed.
  EXPECT_EQ(throttle_.Admit("alice", "10.0.0.2"), 0);
  throttle_.RecordSuccess("alice", "10.0.0.2");
  EXPECT_GT(throttle_.Admit("alice", "10.0.0.1"), 0);
  EXPECT_EQ(throttle_.Admit("bob", "10.0.0.1"), 0) << "nor another user from the same address";
}

TEST_F(ThrottleTest, CaseVariantsOfANameShareOnePair) {
  FailNow("admin", "10.0.0.1", 1);
  FailNow("Admin", "10.0.0.1", 1);
  FailNow("ADMIN", "10.0.0.1", 1);
  EXPECT_GT(throttle_.Admit("aDmIn", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, SuccessResetsThePair) {
  FailNow("alice", "10.0.0.1", 3);
  now_ += seconds(1);
  ASSERT_EQ(throttle_.Admit("alice", "10.0.0.1"), 0);
  throttle_.RecordSuccess("alice", "10.0.0.1");
  FailNow("alice", "10.0.0.1", 3);  // free again, with no wait
  EXPECT_GT(throttle_.Admit("alice", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, APairIsForgottenLongAfterItsDelay) {
  FailNow("alice", "10.0.0.1", 3);
  now_ += seconds(1) + seconds(600);
  FailNow("alice", "10.0.0.1", 3);
  EXPECT_GT(throttle_.Admit("alice", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, AnAddressSprayingManyNamesIsCapped) {
  for (int i = 0; i < 20; ++i) FailNow("user" + std::to_string(i), "10.0.0.9", 1);
  const std::int64_t wait = throttle_.Admit("someone-else", "10.0.0.9");
  EXPECT_EQ(wait, 900) << "until the address's window ends";
  EXPECT_EQ(throttle_.Admit("someone-else", "10.0.0.10"), 0);
  now_ += seconds(wait);
  EXPECT_EQ(throttle_.Admit("someone-else", "10.0.0.9"), 0);
}

TEST_F(ThrottleTest, SuccessesDoNotCountAgainstTheAddress) {
  // Many users behind one front logging in rightly never reach the cap.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(throttle_.Admit("user" + std::to_string(i % 3), "10.0.0.9"), 0) << i;
    throttle_.RecordSuccess("user" + std::to_string(i % 3), "10.0.0.9");
  }
}

TEST_F(ThrottleTest, MemoryIsBounded) {
  // max_entries is 4 per map: new keys evict the oldest, never grow.
  for (int i = 0; i < 100; ++i) {
    now_ += seconds(1);
    FailNow('u' + std::to_string(i), 'a' + std::to_string(i), 1);
    EXPECT_LE(throttle_.entries(), 8u);
  }
  // Still consistent: a recent pair keeps its count.
  FailNow("u99", "a99", 2);
  EXPECT_GT(throttle_.Admit("u99", "a99"), 0);
}

}  // namespace
}  // namespace octopus::http
