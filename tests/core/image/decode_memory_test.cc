// The memory a decode takes, estimated from the header and capped
// (issue 15: a 1.2 MB progressive 4:4:4 JPEG of 10000x10000 took one upload
// to 625 MB).
#include <gtest/gtest.h>

#include "core/config.h"
#include "core/image/heif_file.h"
#include "core/image/jpeg_codec.h"
#include "core/image/media_type.h"
#include "core/image/thumbnailer.h"
#include "core/library.h"
#include "tests/testing/hostile_files.h"
#include "tests/testing/test_util.h"

namespace octopus::image {
namespace {

using testing::AsBytes;

constexpr std::uint64_t kMiB = 1 << 20;

// 2000x2000 progressive 4:4:4: 250x250 blocks x 3 components x 128 bytes of
// coefficients (24 MB), kept whatever the output scale.
TEST(DecodeMemoryTest, ProgressiveJpegCountsItsCoefficients) {
  const std::string progressive = testing::ProgressiveJpeg(2000, 2000);
  auto needed = JpegDecodeMemory(AsBytes(progressive), 1440);
  ASSERT_TRUE(needed.ok()) << needed.status().message();
  const std::uint64_t coefficients = 250ULL * 250 * 3 * 128;
  // No scale gives 1440 px or more but the full size: 12 MB of RGB out.
  const std::uint64_t output = 2000ULL * 2000 * 3;
  EXPECT_GE(*needed, coefficients + output);
  EXPECT_LT(*needed, coefficients + output + kMiB);
  // Asked for a small thumbnail, the coefficients are still all there.
  auto small = JpegDecodeMemory(AsBytes(progressive), 100);
  ASSERT_TRUE(small.ok());
  EXPECT_GE(*small, coefficients);
}

// The same size in one baseline scan: decoded a row of blocks at a time,
// at a quarter scale (500 px for a 400 px preview), so only the output and
// working rows count.
TEST(DecodeMemoryTest, BaselineJpegCountsItsScaledOutput) {
  const std::string baseline = testing::MakeJpeg(2000, 2000, 1);
  auto needed = JpegDecodeMemory(AsBytes(baseline), 400);
  ASSERT_TRUE(needed.ok()) << needed.status().message();
  EXPECT_GE(*needed, 500ULL * 500 * 3);
  EXPECT_LT(*needed, 2 * kMiB);
}

// The estimate comes from the header alone: a file cut right after its
// first scan header gets the same figure as the whole file.
TEST(DecodeMemoryTest, EstimateNeedsOnlyTheHeader) {
  const std::string progressive = testing::ProgressiveJpeg(2000, 2000);
  const std::size_t sos = progressive.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  const std::string header = progressive.substr(0, sos + 64);
  auto whole = JpegDecodeMemory(AsBytes(progressive), 1440);
  auto cut = JpegDecodeMemory(AsBytes(header), 1440);
  ASSERT_TRUE(whole.ok());
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_EQ(*whole, *cut);
}

TEST(DecodeMemoryTest, NotAJpegIsUnsupported) {
  const std::string text = "not a jpeg at all";
  EXPECT_EQ(JpegDecodeMemory(AsBytes(text), 1440).status().code(), Code::kUnsupportedMedia);
}

// Under a cap one byte below the estimate the file is refused before it is
// decoded; at the estimate it decodes.
TEST(DecodeMemoryTest, ThumbnailsRefusedOverTheCapAndMadeUnderIt) {
  const std::string progressive = testing::ProgressiveJpeg(2000, 2000);
  ThumbnailSpec spec;
  auto needed = JpegDecodeMemory(AsBytes(progressive), spec.preview_px);
  ASSERT_TRUE(needed.ok());
  spec.max_decode_memory = *needed - 1;
  auto refused = MakeThumbnails(AsBytes(progressive), MediaType::kJpeg, 1, spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kTooLarge);
  EXPECT_NE(refused.status().message().find("OCTOPUS_MAX_DECODE_MEMORY"), std::string::npos)
      << refused.status().message();
  spec.max_decode_memory = *needed;
  auto made = MakeThumbnails(AsBytes(progressive), MediaType::kJpeg, 1, spec);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_FALSE(made->preview_jpeg.empty());
}

// The bomb, from its header: over the default cap on any machine
// (the default is at most 512 MiB).
TEST(DecodeMemoryTest, TenThousandSquareProgressiveBombIsOverAnyDefault) {
  const std::string bomb = testing::ProgressiveJpegBomb(10000);
  auto needed = JpegDecodeMemory(AsBytes(bomb), 1440);
  ASSERT_TRUE(needed.ok()) << needed.status().message();
  EXPECT_GE(*needed, 1250ULL * 1250 * 3 * 128);
  EXPECT_GT(*needed, static_cast<std::uint64_t>(DefaultMaxDecodeMemory()));
  ThumbnailSpec spec;
  spec.max_decode_memory = static_cast<std::uint64_t>(DefaultMaxDecodeMemory());
  EXPECT_EQ(MakeThumbnails(AsBytes(bomb), MediaType::kJpeg, 1, spec).status().code(),
            Code::kTooLarge);
}

TEST(DecodeMemoryTest, DefaultIsFittedBetweenItsFloorAndCeiling) {
  const std::int64_t d = DefaultMaxDecodeMemory();
  EXPECT_GE(d, 256 * static_cast<std::int64_t>(kMiB));
  EXPECT_LE(d, 512 * static_cast<std::int64_t>(kMiB));
}

// Every sample camera file (JPEG and HEIF) fits under the smallest default
// any machine gets, and makes its thumbnails under it.
TEST(DecodeMemoryTest, SamplePhotosFitUnderTheDefaultFloor) {
  const auto files = testing::SamplePhotoFiles();
  if (files.empty()) GTEST_SKIP() << "no sample photos at " << testing::SamplePhotos();
  ThumbnailSpec spec;
  spec.max_decode_memory = 256 * kMiB;
  int checked = 0;
  for (const auto& path : files) {
    const std::string bytes = testing::ReadFile(path);
    const MediaType type = DetectMediaType(AsBytes(bytes).subspan(0, 64));
    if (type == MediaType::kUnknown) continue;
    auto made = MakeThumbnails(AsBytes(bytes), type, 1, spec);
    if (!made.ok()) {
      EXPECT_NE(made.status().code(), Code::kTooLarge) << path << ": " << made.status().message();
      continue;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

// Through the one ingest path: the setting reaches the decode, the refusal
// is kTooLarge, and nothing is charged.
TEST(DecodeMemoryTest, IngestRefusesOverTheConfiguredCap) {
  testing::TempDir dir;
  auto config =
      LoadConfig({{"OCTOPUS_HOME", (dir / "home").string()}, {"OCTOPUS_MAX_DECODE_MEMORY", "16M"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->max_decode_memory, 16'000'000);
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  auto alice = (*lib)->CreateUser("alice", "correct horse", 5'000'000'000);
  ASSERT_TRUE(alice.ok());
  testing::WriteFile(dir / "big.jpg", testing::ProgressiveJpeg(2000, 2000));
  testing::WriteFile(dir / "normal.jpg", testing::MakeJpeg(2000, 2000, 2));
  IngestRequest req;
  req.source = dir / "big.jpg";
  auto refused = (*lib)->Ingest(alice->id, req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kTooLarge) << refused.status().message();
  req.source = dir / "normal.jpg";
  auto imported = (*lib)->Ingest(alice->id, req);
  EXPECT_TRUE(imported.ok()) << imported.status().message();
}

}  // namespace
}  // namespace octopus::image
