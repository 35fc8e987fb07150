// The progress line of `octopus import` (tools/octopus/progress_line.h),
// as pure functions: its width at every terminal size, and when it dares an
// estimate. The real binary under a pseudo-terminal is in tests/tools/cli_test.cc.
#include "tools/octopus/progress_line.h"

#include <gtest/gtest.h>

namespace octopus::cli {
namespace {

ImportProgress Midway() {
  ImportProgress p;
  p.files_done = 1234;
  p.files_total = 40000;
  p.bytes_read = 12'345'678'901;
  p.bytes_done = 12'000'000'000;
  p.bytes_total = 123'456'789'012;
  p.elapsed_s = 600;
  p.current = "IMG_20240101_123456_" + std::string(80, 'x') + "_東京.HEIC";
  return p;
}

TEST(ProgressLineTest, NeverReachesTheLastColumn) {
  for (int columns = 1; columns <= 200; ++columns) {
    for (ImportProgress p : {ImportProgress{}, Midway()}) {
      const std::string line = FormatProgressLine(p, columns);
      EXPECT_LT(DisplayWidth(line), static_cast<std::size_t>(std::max(columns, 1)))
          << columns << ": '" << line << "'";
      EXPECT_EQ(line.find('\n'), std::string::npos);
    }
  }
}

TEST(ProgressLineTest, KeepsWhatMattersMostWhenNarrow) {
  const ImportProgress p = Midway();
  const std::string wide = FormatProgressLine(p, 200);
  EXPECT_NE(wide.find("[#"), std::string::npos) << wide;
  EXPECT_NE(wide.find("1234/40000 files"), std::string::npos) << wide;
  EXPECT_NE(wide.find("12.3 GB of 123.5 GB"), std::string::npos) << wide;
  EXPECT_NE(wide.find("20 MB/s"), std::string::npos) << wide;
  EXPECT_NE(wide.find("1h32m left"), std::string::npos) << wide;
  EXPECT_NE(wide.find("_東京.HEIC"), std::string::npos) << "the name's end: " << wide;
  const std::string narrow = FormatProgressLine(p, 40);
  EXPECT_NE(narrow.find("1234/40000 files"), std::string::npos) << narrow;
  EXPECT_EQ(narrow.find("HEIC"), std::string::npos) << narrow;
}

TEST(ProgressLineTest, ControlCharactersInNamesAreNotPrinted) {
  ImportProgress p = Midway();
  p.current = "evil\x1b[2J\r\n.jpg";
  const std::string line = FormatProgressLine(p, 200);
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_NE(line.find("evil?[2J??.jpg"), std::string::npos) << line;
}

// The first estimate of a 1.4 s import said 23 minutes: an estimate from
// the first file finished says nothing about the rest.
TEST(ProgressLineTest, EstimatesOnlyOnceTheyMeanSomething) {
  ImportProgress p;
  p.files_total = 20;
  p.bytes_total = 100'000'000;
  p.bytes_read = 20'000'000;
  p.bytes_done = 300'000;  // one small file in 0.2 s: 1.5 MB/s
  p.elapsed_s = 0.2;
  EXPECT_FALSE(EstimateSecondsLeft(p));
  EXPECT_EQ(FormatProgressLine(p, 200).find("left"), std::string::npos);
  EXPECT_NE(FormatProgressLine(p, 200).find("  0s"), std::string::npos) << "elapsed time instead";
  p.elapsed_s = 10;  // long enough, but under 5% done
  p.bytes_done = 4'000'000;
  EXPECT_FALSE(EstimateSecondsLeft(p));
  p.elapsed_s = 2;  // 5% done, but too early
  p.bytes_done = 50'000'000;
  EXPECT_FALSE(EstimateSecondsLeft(p));
  p.elapsed_s = 4;  // half done in 4 s: 4 s left
  auto left = EstimateSecondsLeft(p);
  ASSERT_TRUE(left);
  EXPECT_DOUBLE_EQ(*left, 4.0);
  EXPECT_NE(FormatProgressLine(p, 200).find("4s left"), std::string::npos);
}

TEST(ProgressLineTest, DisplayWidthNeverUndercounts) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("é"), 1u);
  EXPECT_EQ(DisplayWidth("東京"), 4u);
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u) << "stray bytes: one column each";
}

}  // namespace
}  // namespace octopus::cli
