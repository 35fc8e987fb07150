// Login throttling with a fake clock: no sleeping, no timing.
#include "http/throttle.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

class ThrottleTest : public ::testing::Test {
 protected:
  ThrottleOptions Options() {
    ThrottleOptions o;
    o.max_failures_per_user = 3;
    o.max_failures_per_address = 5;
    o.window = std::chrono::seconds(60);
    o.max_entries = 4;
    return o;
  }
  std::chrono::steady_clock::time_point now_{};
  LoginThrottle throttle_{Options(), [this] { return now_; }};
};

TEST_F(ThrottleTest, BlocksAUserAfterRepeatedFailures) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle_.RetryAfter("alice", "10.0.0.1"), 0);
    throttle_.RecordFailure("alice", "10.0.0.1");
  }
  EXPECT_EQ(throttle_.RetryAfter("alice", "10.0.0.1"), 60);
  // From another address too: the user is what is guessed.
  EXPECT_GT(throttle_.RetryAfter("alice", "10.0.0.2"), 0);
  EXPECT_EQ(throttle_.RetryAfter("bob", "10.0.0.2"), 0);
  now_ += std::chrono::seconds(59);
  EXPECT_EQ(throttle_.RetryAfter("alice", "10.0.0.1"), 1);
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(throttle_.RetryAfter("alice", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, BlocksAnAddressTryingManyUsers) {
  for (int i = 0; i < 5; ++i) throttle_.RecordFailure("user" + std::to_string(i), "10.0.0.9");
  EXPECT_GT(throttle_.RetryAfter("someone-else", "10.0.0.9"), 0);
  EXPECT_EQ(throttle_.RetryAfter("someone-else", "10.0.0.10"), 0);
}

TEST_F(ThrottleTest, SuccessClearsTheUserButNotTheAddress) {
  for (int i = 0; i < 2; ++i) throttle_.RecordFailure("alice", "10.0.0.1");
  throttle_.RecordSuccess("alice");
  for (int i = 0; i < 2; ++i) throttle_.RecordFailure("alice", "10.0.0.1");
  EXPECT_EQ(throttle_.RetryAfter("alice", "10.0.0.3"), 0);
  throttle_.RecordFailure("alice", "10.0.0.1");  // 5th from this address
  EXPECT_GT(throttle_.RetryAfter("carol", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, MemoryIsBounded) {
  // max_entries is 4: a fifth key evicts the oldest window, never grows.
  for (int i = 0; i < 100; ++i) {
    now_ += std::chrono::seconds(0);
    throttle_.RecordFailure('u' + std::to_string(i), 'a' + std::to_string(i));
  }
  // Still consistent: a recent user keeps its count.
  throttle_.RecordFailure("u99", "a99");
  throttle_.RecordFailure("u99", "a99");
  EXPECT_GT(throttle_.RetryAfter("u99", "x"), 0);
}

}  // namespace
}  // namespace octopus::http
