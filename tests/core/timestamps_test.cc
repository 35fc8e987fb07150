// The fast timestamp readers agree with the C library on every shape the
// library stores, and refuse what is not a timestamp.
#include "core/timestamps.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>

#include "core/grouping.h"

namespace octopus {
namespace {

TEST(TimestampsTest, UtcSecondsAgreesWithTimegm) {
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::tm tm{};
    tm.tm_year = 1 + static_cast<int>(rng() % 200);  // 1901..2100
    tm.tm_mon = static_cast<int>(rng() % 12);
    tm.tm_mday = 1 + static_cast<int>(rng() % 28);
    tm.tm_hour = static_cast<int>(rng() % 24);
    tm.tm_min = static_cast<int>(rng() % 60);
    tm.tm_sec = static_cast<int>(rng() % 60);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    ASSERT_EQ(UtcSeconds(text), static_cast<std::int64_t>(timegm(&tm))) << text;
    EXPECT_EQ(ImportOrder(std::string(text) + ".042Z"), *UtcSeconds(text) * 1000 + 42) << text;
  }
  EXPECT_EQ(UtcSeconds("2024-02-29T23:59:59.999"), 1709251199);
}

TEST(TimestampsTest, LocalSecondsAgreesWithMktimeAcrossDaylightSaving) {
  // A zone with daylight saving, so the hours around its changes count.
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "Europe/Paris", 1);
  ::tzset();
  for (const char* t : {"2024-03-31T01:30:00", "2024-03-31T03:30:00", "2024-10-27T01:59:59",
                        "2024-10-27T03:00:00", "2024-07-14T12:00:00", "1999-12-31T23:59:59"}) {
    std::tm tm{};
    ASSERT_NE(strptime(t, "%Y-%m-%dT%H:%M:%S", &tm), nullptr);
    tm.tm_isdst = -1;
    EXPECT_EQ(LocalSeconds(t), static_cast<std::int64_t>(mktime(&tm))) << t;
  }
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST(TimestampsTest, WhatIsNotATimestampIsRefused) {
  for (const char* bad : {"", "2024-07-14", "2024-07-14 10:00:00", "2024-13-01T00:00:00",
                          "2024-07-14T24:00:00", "abcd-ef-ghTij:kl:mn", "2024-7-14T10:00:00"}) {
    EXPECT_FALSE(UtcSeconds(bad).has_value()) << bad;
  }
  EXPECT_EQ(OffsetSeconds("+02:00"), 7200);
  EXPECT_EQ(OffsetSeconds("-05:30"), -19800);
  EXPECT_FALSE(OffsetSeconds("+ab:cd").has_value());  // once thrown by std::stoi in the mount
  EXPECT_FALSE(OffsetSeconds("0200").has_value());
  EXPECT_EQ(ImportOrder("not a time"), 0);
}

}  // namespace
}  // namespace octopus
