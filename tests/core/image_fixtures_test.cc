// Fixtures written by real tools: EXIF tags set with the `exiv2` command on
// generated JPEGs, and HEIC files encoded with `heif-enc` (libheif-examples),
// with and without an Exif block.
#include <gtest/gtest.h>

#include "core/image/media_type.h"
#include "core/image/metadata_reader.h"
#include "core/image/thumbnailer.h"
#include "tests/testing/test_util.h"

namespace octopus::image {
namespace {

using testing::MakeJpeg;
using testing::Quote;
using testing::ReadFile;

using testing::TempDir;
using testing::WriteFile;

std::span<const std::uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool HaveTool(const char* tool) {
  return testing::RunCommand(std::string("command -v ") + tool + " >/dev/null").exit_code == 0;
}

void Exiv2Set(const std::filesystem::path& file, const std::string& commands) {
  auto r = testing::RunCommand("exiv2 " + commands + " " + Quote(file.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// Orientation 1..8 written by exiv2: read back, and thumbnails take the
// displayed shape (5..8 swap width and height).
TEST(ImageFixturesTest, EveryOrientationWrittenByExiv2) {
  if (!HaveTool("exiv2")) GTEST_SKIP() << "exiv2 not installed (tools/setup.sh installs it)";
  TempDir dir;
  for (int o = 1; o <= 8; ++o) {
    SCOPED_TRACE(o);
    const auto file = dir / ('o' + std::to_string(o) + ".jpg");
    WriteFile(file, MakeJpeg(600, 400, o));
    Exiv2Set(file, "-M'set Exif.Image.Orientation Short " + std::to_string(o) + "'");
    const std::string bytes = ReadFile(file);
    auto meta = ReadMetadata(Bytes(bytes), MediaType::kJpeg);
    ASSERT_TRUE(meta.ok());
    EXPECT_EQ(meta->orientation, o);
    auto thumbs =
        MakeThumbnails(Bytes(bytes), MediaType::kJpeg, meta->orientation, ThumbnailSpec{});
    ASSERT_TRUE(thumbs.ok());
    auto small = ReadMetadata(Bytes(thumbs->small_jpeg), MediaType::kJpeg);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small->width, o >= 5 ? 167 : 250);
    EXPECT_EQ(small->height, o >= 5 ? 250 : 167);
  }
}

TEST(ImageFixturesTest, DatesOffsetsGpsAndMalformedValuesFromExiv2) {
  if (!HaveTool("exiv2")) GTEST_SKIP() << "exiv2 not installed";
  TempDir dir;
  const auto file = dir / "tags.jpg";
  WriteFile(file, MakeJpeg(64, 64, 1));
  Exiv2Set(
      file,
      "-M'set Exif.Photo.DateTimeOriginal 2024:07:14 10:11:12' "
      "-M'set Exif.Photo.SubSecTimeOriginal 045' "
      "-M'set Exif.Photo.OffsetTimeOriginal +02:00' "
      "-M'set Exif.Image.Make NIKON CORPORATION' -M'set Exif.Image.Model NIKON D750' "
      "-M'set Exif.Photo.ISOSpeedRatings 800' -M'set Exif.Photo.ExposureTime 1/250' "
      "-M'set Exif.Photo.FNumber 28/10' -M'set Exif.Photo.FocalLength 50/1' "
      "-M'set Exif.Photo.LensModel 50.0 mm f/1.8' "
      "-M'set Exif.GPSInfo.GPSLatitude 33/1 51/1 3156/100' -M'set Exif.GPSInfo.GPSLatitudeRef S' "
      "-M'set Exif.GPSInfo.GPSLongitude 151/1 12/1 3204/100' -M'set Exif.GPSInfo.GPSLongitudeRef "
      "E' "
      "-M'set Exif.GPSInfo.GPSAltitude 5/1' -M'set Exif.GPSInfo.GPSAltitudeRef 1'");
  std::string bytes = ReadFile(file);
  auto meta = ReadMetadata(Bytes(bytes), MediaType::kJpeg);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->taken_at, "2024-07-14T10:11:12.045");
  EXPECT_EQ(meta->taken_at_offset.value_or(""), "+02:00");
  EXPECT_EQ(meta->camera.make, "Nikon");
  EXPECT_EQ(meta->camera.model, "D750");
  EXPECT_EQ(meta->exif.iso.value_or(0), 800);
  EXPECT_DOUBLE_EQ(meta->exif.exposure_time.value_or(0), 1.0 / 250);
  EXPECT_DOUBLE_EQ(meta->exif.f_number.value_or(0), 2.8);
  EXPECT_DOUBLE_EQ(meta->exif.focal_length_mm.value_or(0), 50);
  EXPECT_EQ(meta->exif.lens, "50.0 mm f/1.8");
  ASSERT_TRUE(meta->gps.has_value());
  EXPECT_NEAR(meta->gps->lat, -33.858767, 1e-6);  // Sydney Opera House
  EXPECT_NEAR(meta->gps->lon, 151.2089, 1e-4);
  EXPECT_DOUBLE_EQ(meta->gps->alt.value_or(0), -5);

  // Malformed: placeholder date, latitude with a zero denominator, only a
  // latitude, orientation 9. The photo reads; those fields are unset.
  Exiv2Set(file,
           "-M'set Exif.Photo.DateTimeOriginal 0000:00:00 00:00:00' "
           "-M'set Exif.Photo.DateTimeDigitized 2023:01:02 03:04:05' "
           "-M'set Exif.GPSInfo.GPSLatitude 33/0 51/1 0/1' -M'del Exif.GPSInfo.GPSLongitude' "
           "-M'set Exif.Image.Orientation Short 9'");
  bytes = ReadFile(file);
  meta = ReadMetadata(Bytes(bytes), MediaType::kJpeg);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->taken_at, "2023-01-02T03:04:05");  // falls back to CreateDate
  EXPECT_FALSE(meta->gps.has_value());
  EXPECT_EQ(meta->orientation, 1);
}

TEST(ImageFixturesTest, HeicFromHeifEncWithAndWithoutExif) {
  if (!HaveTool("heif-enc") || !HaveTool("exiv2")) GTEST_SKIP() << "heif-enc/exiv2 not installed";
  TempDir dir;
  const auto plain = dir / "plain.jpg";
  WriteFile(plain, MakeJpeg(320, 240, 9));
  const auto tagged = dir / "tagged.jpg";
  WriteFile(tagged, MakeJpeg(320, 240, 10));
  Exiv2Set(tagged,
           "-M'set Exif.Image.Make Apple' -M'set Exif.Image.Model iPhone 12' "
           "-M'set Exif.Photo.DateTimeOriginal 2021:05:06 07:08:09'");
  for (const char* name : {"plain", "tagged"}) {
    auto r = testing::RunCommand("heif-enc -q 60 -o " +
                                 Quote((dir / (std::string(name) + ".heic")).string()) + " " +
                                 Quote((dir / (std::string(name) + ".jpg")).string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string without = ReadFile(dir / "plain.heic");
  ASSERT_EQ(DetectMediaType(Bytes(without)), MediaType::kHeif);
  auto meta = ReadMetadata(Bytes(without), MediaType::kHeif);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->width, 320);
  EXPECT_EQ(meta->height, 240);
  EXPECT_TRUE(meta->taken_at.empty());
  EXPECT_TRUE(meta->camera.make.empty());
  auto thumbs = MakeThumbnails(Bytes(without), MediaType::kHeif, 1, ThumbnailSpec{});
  ASSERT_TRUE(thumbs.ok()) << thumbs.status().ToString();

  const std::string with = ReadFile(dir / "tagged.heic");
  meta = ReadMetadata(Bytes(with), MediaType::kHeif);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->camera.make, "Apple");
  EXPECT_EQ(meta->camera.model, "iPhone 12");
  EXPECT_EQ(meta->taken_at, "2021-05-06T07:08:09");

  // The same HEIC cut in half: a clear refusal.
  const std::string cut = with.substr(0, with.size() / 2);
  auto broken = MakeThumbnails(Bytes(cut), MediaType::kHeif, 1, ThumbnailSpec{});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Code::kUnsupportedMedia);
}

}  // namespace
}  // namespace octopus::image
