// Range parsing, ETag matching, Content-Disposition encoding.
#include "http/http_util.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

TEST(ParseRangeTest, SingleRanges) {
  ByteRange r;
  ASSERT_EQ(ParseRange("bytes=0-9", 100, &r), RangeKind::kPartial);
  EXPECT_EQ(r.first, 0);
  EXPECT_EQ(r.last, 9);
  ASSERT_EQ(ParseRange("bytes=90-", 100, &r), RangeKind::kPartial);
  EXPECT_EQ(r.first, 90);
  EXPECT_EQ(r.last, 99);
  ASSERT_EQ(ParseRange("bytes=-10", 100, &r), RangeKind::kPartial);
  EXPECT_EQ(r.first, 90);
  EXPECT_EQ(r.length(), 10);
  ASSERT_EQ(ParseRange("bytes=50-1000", 100, &r), RangeKind::kPartial);
  EXPECT_EQ(r.last, 99);
  ASSERT_EQ(ParseRange("bytes=-1000", 100, &r), RangeKind::kPartial);
  EXPECT_EQ(r.first, 0);
}

TEST(ParseRangeTest, UnsatisfiableAndIgnored) {
  ByteRange r;
  EXPECT_EQ(ParseRange("bytes=100-", 100, &r), RangeKind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 100, &r), RangeKind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-1,5-6", 100, &r), RangeKind::kWhole);
  EXPECT_EQ(ParseRange("items=0-1", 100, &r), RangeKind::kWhole);
  EXPECT_EQ(ParseRange("bytes=9-1", 100, &r), RangeKind::kWhole);
  EXPECT_EQ(ParseRange("bytes=a-b", 100, &r), RangeKind::kWhole);
  EXPECT_EQ(ParseRange("bytes=99999999999999999999-", 100, &r), RangeKind::kWhole);
}

TEST(EtagMatchesTest, ListsWeakAndStar) {
  EXPECT_TRUE(EtagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("*", "\"abc\""));
  EXPECT_FALSE(EtagMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(EtagMatches("abc", "\"abc\""));
  EXPECT_FALSE(EtagMatches("", "\"abc\""));
}

TEST(ContentDispositionTest, AsciiFallbackAndUtf8) {
  EXPECT_EQ(ContentDisposition("attachment", "IMG_1.jpg"),
            "attachment; filename=\"IMG_1.jpg\"; filename*=UTF-8''IMG_1.jpg");
  EXPECT_EQ(ContentDisposition("attachment", "caf\xc3\xa9 \"x\".jpg"),
            "attachment; filename=\"caf__ _x_.jpg\"; filename*=UTF-8''caf%C3%A9%20%22x%22.jpg");
  const std::string header = ContentDisposition("inline", "a\r\nSet-Cookie: x\\y/z");
  EXPECT_EQ(header.find('\r'), std::string::npos);
  EXPECT_EQ(header.find('\n'), std::string::npos);
  EXPECT_EQ(ContentDisposition("attachment", ""),
            "attachment; filename=\"photo\"; filename*=UTF-8''");
}

TEST(LogSafeTest, EscapesControlBytes) {
  EXPECT_EQ(LogSafe("/a\nb\x01"), "/a\\x0ab\\x01");
  EXPECT_EQ(LogSafe(std::string(10, 'a'), 4), "aaaa...");
}

}  // namespace
}  // namespace octopus::http
