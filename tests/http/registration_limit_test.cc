// The open registration's per-address rate, with a fake clock.
#include "http/registration_limit.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

using std::chrono::seconds;

class RegistrationLimitTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_{};
  RegistrationLimit limit_{3, seconds(3600), /*max_addresses=*/4, [this] { return now_; }};
};

TEST_F(RegistrationLimitTest, AtMostNInAnyWindowPerAddress) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limit_.Admit("10.0.0.1"), 0);
    now_ += seconds(600);
  }
  // The first attempt was 1800 s ago: its slot frees in 1800 s.
  EXPECT_EQ(limit_.Admit("10.0.0.1"), 1800);
  EXPECT_EQ(limit_.Admit("10.0.0.2"), 0) << "another address has its own count";
  now_ += seconds(1799);
  EXPECT_EQ(limit_.Admit("10.0.0.1"), 1);
  now_ += seconds(1);
  EXPECT_EQ(limit_.Admit("10.0.0.1"), 0) << "a sliding window: one slot is free again";
  EXPECT_GT(limit_.Admit("10.0.0.1"), 0);
}

TEST_F(RegistrationLimitTest, RefusedAttemptsDoNotExtendTheWait) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit_.Admit("10.0.0.1"), 0);
  for (int i = 0; i < 100; ++i) {
    now_ += seconds(10);
    EXPECT_GT(limit_.Admit("10.0.0.1"), 0);
  }
  now_ = std::chrono::steady_clock::time_point{} + seconds(3600);
  EXPECT_EQ(limit_.Admit("10.0.0.1"), 0);
}

TEST_F(RegistrationLimitTest, MemoryIsBoundedByForgettingTheOldest) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit_.Admit("10.0.0.1"), 0);
  for (int i = 2; i < 10; ++i) {
    now_ += seconds(1);
    EXPECT_EQ(limit_.Admit("10.0.0." + std::to_string(i)), 0);
  }
  // Ten addresses through a map of four: 10.0.0.1, seen least recently,
  // was forgotten (a flood from many addresses costs it its count, not the
  // server its memory).
  EXPECT_EQ(limit_.Admit("10.0.0.1"), 0);
}

}  // namespace
}  // namespace octopus::http
