// EXIF, pixel size and type sniffing against the sample camera files, whose
// expected values (tests: ../shared/photos/expected.tsv) come from ExifTool.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

// Exiv2 0.27 still hands out std::auto_ptr, which C++17 deprecates.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>
#pragma GCC diagnostic pop

#include "core/image/media_type.h"
#include "core/image/metadata_reader.h"
#include "tests/testing/hostile_files.h"
#include "tests/testing/test_util.h"

namespace octopus::image {
namespace {

using testing::AsBytes;
using testing::MakeJpeg;
using testing::ReadFile;
using testing::SamplePhotos;

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) out.push_back(field);
  while (out.size() < 11) out.emplace_back();
  return out;
}

TEST(MediaTypeTest, SniffsContentNotNames) {
  EXPECT_EQ(DetectMediaType(AsBytes(MakeJpeg(8, 8, 1))), MediaType::kJpeg);
  EXPECT_EQ(DetectMediaType(AsBytes("hello, this is text named photo.jpg")), MediaType::kUnknown);
  EXPECT_EQ(DetectMediaType(AsBytes("")), MediaType::kUnknown);
  EXPECT_EQ(DetectMediaType(AsBytes(std::string("\xFF\xD8", 2))), MediaType::kUnknown);
  // ftyp box with a HEIF brand only among the compatible brands.
  const std::string mif1(
      "\0\0\0\x18"
      "ftypabcd\0\0\0\0"
      "mif1heic",
      24);
  EXPECT_EQ(DetectMediaType(AsBytes(mif1)), MediaType::kHeif);
  // An MP4 video is an ftyp box too, but not an image.
  const std::string mp4(
      "\0\0\0\x18"
      "ftypisom\0\0\0\0"
      "isomavc1",
      24);
  EXPECT_EQ(DetectMediaType(AsBytes(mp4)), MediaType::kUnknown);
  EXPECT_EQ(MimeType(MediaType::kHeif), "image/heic");
}

// Every sample file: type, stored size, orientation, date, ISO and GPS as
// ExifTool reports them.
TEST(MetadataReaderTest, MatchesExifToolOnSamplePhotos) {
  if (SamplePhotos().empty()) GTEST_SKIP() << "no sample photos beside the repository";
  std::ifstream tsv(SamplePhotos() / "expected.tsv");
  std::string line;
  std::getline(tsv, line);  // header
  int rows = 0;
  while (std::getline(tsv, line)) {
    const auto f = SplitTabs(line);
    SCOPED_TRACE(f[0]);
    const std::string bytes = ReadFile(SamplePhotos() / f[0]);
    const MediaType type = DetectMediaType(AsBytes(bytes));
    ASSERT_NE(type, MediaType::kUnknown);
    auto meta = ReadMetadata(AsBytes(bytes), type);
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    EXPECT_EQ(meta->mime, f[1]);
    EXPECT_EQ(meta->width, std::stoi(f[2]));
    EXPECT_EQ(meta->height, std::stoi(f[3]));
    EXPECT_EQ(meta->orientation, f[4].empty() ? 1 : std::stoi(f[4]));
    if (f[5].empty()) {
      // No DateTimeOriginal: only a CreateDate may give a date.
    } else {
      std::string want = f[5];
      want[10] = 'T';
      EXPECT_EQ(meta->taken_at.substr(0, 19), want);
    }
    if (f[8].empty()) {
      EXPECT_FALSE(meta->exif.iso.has_value());
    } else {
      EXPECT_EQ(meta->exif.iso.value_or(-1), std::stoi(f[8]));
    }
    if (f[9].empty()) {
      EXPECT_FALSE(meta->gps.has_value());
    } else {
      ASSERT_TRUE(meta->gps.has_value());
      EXPECT_NEAR(meta->gps->lat, std::stod(f[9]), 2e-6);
      EXPECT_NEAR(meta->gps->lon, std::stod(f[10]), 2e-6);
    }
    if (f[6].empty()) {
      EXPECT_TRUE(meta->camera.make.empty());
    }
    ++rows;
  }
  EXPECT_EQ(rows, 13);
}

TEST(MetadataReaderTest, CleansCameraNamesAndReadsOffsets) {
  if (SamplePhotos().empty()) GTEST_SKIP() << "no sample photos beside the repository";
  struct Want {
    const char* file;
    const char* make;
    const char* model;
  };
  for (const Want& w : {Want{"nikon_d70s_gps.jpg", "Nikon", "D70s"},
                        Want{"canon_rebel_t3i_resized.jpg", "Canon", "EOS REBEL T3i"},
                        Want{"olympus_pen_ep3.jpg", "Olympus", "E-P3"},
                        Want{"samsung_j327t1_orient6.jpg", "Samsung", "SM-J327T1"},
                        Want{"apple_iphone11pro.heic", "Apple", "iPhone 11 Pro"},
                        Want{"fujifilm_s2pro_gps_uk.jpg", "Fujifilm", "FinePixS2Pro"}}) {
    SCOPED_TRACE(w.file);
    const std::string bytes = ReadFile(SamplePhotos() / w.file);
    auto meta = ReadMetadata(AsBytes(bytes), DetectMediaType(AsBytes(bytes)));
    ASSERT_TRUE(meta.ok());
    EXPECT_EQ(meta->camera.make, w.make);
    EXPECT_EQ(meta->camera.model, w.model);
  }
  const std::string iphone = ReadFile(SamplePhotos() / "apple_iphone11pro.heic");
  auto meta = ReadMetadata(AsBytes(iphone), MediaType::kHeif);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->taken_at_offset.value_or(""), "-04:00");
  EXPECT_TRUE(meta->exif.f_number.has_value());
  EXPECT_TRUE(meta->exif.exposure_time.has_value());
  // The Nokia file has GPS below/above sea level data too.
  const std::string nokia = ReadFile(SamplePhotos() / "hmd_nokia83_hdr_gps.heif");
  meta = ReadMetadata(AsBytes(nokia), MediaType::kHeif);
  ASSERT_TRUE(meta.ok());
  EXPECT_LT(meta->gps->lon, 0);
}

TEST(MetadataReaderTest, BrokenFilesAreRefusedNotCrashed) {
  const std::string jpeg = MakeJpeg(64, 48, 3);
  // A JPEG start with garbage after it.
  std::string garbage = jpeg.substr(0, 3) + std::string(200, '\x42');
  auto meta = ReadMetadata(AsBytes(garbage), MediaType::kJpeg);
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), Code::kUnsupportedMedia);
  EXPECT_NE(meta.status().message().find("not a supported image"), std::string::npos);
  // An ftyp box and nothing else.
  const std::string heif(
      "\0\0\0\x18"
      "ftypheic\0\0\0\0"
      "mif1heic",
      24);
  meta = ReadMetadata(AsBytes(heif), MediaType::kHeif);
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), Code::kUnsupportedMedia);
  // No EXIF at all is fine: a JPEG without APP1.
  meta = ReadMetadata(AsBytes(jpeg), MediaType::kJpeg);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->width, 64);
  EXPECT_TRUE(meta->taken_at.empty());
  EXPECT_FALSE(meta->gps.has_value());
}

// A JPEG whose APP1 holds an EXIF block with an IFD that points at itself
// and a tag with an absurd count: the photo still reads, the EXIF is dropped.
TEST(MetadataReaderTest, LoopingAndAbsurdExifIsIgnored) {
  const std::string withexif = testing::JpegWithLoopingExif();
  auto meta = ReadMetadata(AsBytes(withexif), MediaType::kJpeg);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->width, 32);
  EXPECT_TRUE(meta->camera.make.empty());
}

// A JPEG carrying exactly the given GPS tags (Exiv2 key, type, value as
// Exiv2 reads it, e.g. "48/1 51/1 30/1").
struct GpsTag {
  const char* key;
  Exiv2::TypeId type;
  const char* value;
};
std::string JpegWithGps(const std::vector<GpsTag>& tags) {
  const std::string plain = MakeJpeg(16, 16, 7);
  auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(plain.data()),
                                         static_cast<long>(plain.size()));
  image->readMetadata();
  Exiv2::ExifData exif;
  exif["Exif.Image.Make"] = "Octopus";
  for (const GpsTag& t : tags) {
    auto v = Exiv2::Value::create(t.type);
    v->read(t.value);
    exif.add(Exiv2::ExifKey(t.key), v.get());
  }
  image->setExifData(exif);
  image->writeMetadata();
  Exiv2::BasicIo& io = image->io();
  io.seek(0, Exiv2::BasicIo::beg);
  std::string out(static_cast<std::size_t>(io.size()), '\0');
  io.read(reinterpret_cast<Exiv2::byte*>(out.data()), static_cast<long>(out.size()));
  return out;
}

// GPS tags as cameras and editors get them wrong: each case is a position
// that must be dropped (the photo still reads, with no place), next to one
// well-formed position that must be kept, so the helper is shown to work.
TEST(MetadataReaderTest, MalformedGpsIsDroppedNotGuessed) {
  constexpr auto R = Exiv2::unsignedRational;
  const GpsTag lat_n{"Exif.GPSInfo.GPSLatitudeRef", Exiv2::asciiString, "N"};
  const GpsTag lon_e{"Exif.GPSInfo.GPSLongitudeRef", Exiv2::asciiString, "E"};
  const GpsTag paris_lat{"Exif.GPSInfo.GPSLatitude", R, "48/1 51/1 30/1"};
  const GpsTag paris_lon{"Exif.GPSInfo.GPSLongitude", R, "2/1 17/1 40/1"};

  auto good =
      ReadMetadata(AsBytes(JpegWithGps({lat_n, paris_lat, lon_e, paris_lon})), MediaType::kJpeg);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_TRUE(good->gps.has_value());
  EXPECT_NEAR(good->gps->lat, 48.858333, 1e-5);
  EXPECT_NEAR(good->gps->lon, 2.294444, 1e-5);
  const GpsTag west{"Exif.GPSInfo.GPSLongitudeRef", Exiv2::asciiString, "W"};
  const GpsTag south{"Exif.GPSInfo.GPSLatitudeRef", Exiv2::asciiString, "S"};
  auto sw =
      ReadMetadata(AsBytes(JpegWithGps({south, paris_lat, west, paris_lon})), MediaType::kJpeg);
  ASSERT_TRUE(sw.ok() && sw->gps.has_value());
  EXPECT_LT(sw->gps->lat, 0);
  EXPECT_LT(sw->gps->lon, 0);

  struct Case {
    const char* what;
    std::vector<GpsTag> tags;
  };
  for (const Case& c : std::vector<Case>{
           {"only latitude", {lat_n, paris_lat}},
           {"only longitude", {lon_e, paris_lon}},
           {"zero, zero (no fix)",
            {lat_n,
             {"Exif.GPSInfo.GPSLatitude", R, "0/1 0/1 0/1"},
             lon_e,
             {"Exif.GPSInfo.GPSLongitude", R, "0/1 0/1 0/1"}}},
           {"latitude over 90",
            {lat_n, {"Exif.GPSInfo.GPSLatitude", R, "95/1 0/1 0/1"}, lon_e, paris_lon}},
           {"longitude over 180",
            {lat_n, paris_lat, lon_e, {"Exif.GPSInfo.GPSLongitude", R, "181/1 0/1 0/1"}}},
           {"zero denominator (NaN)",
            {lat_n, {"Exif.GPSInfo.GPSLatitude", R, "48/0 51/1 30/1"}, lon_e, paris_lon}},
           {"zero/zero (NaN)",
            {lat_n, paris_lat, lon_e, {"Exif.GPSInfo.GPSLongitude", R, "0/0 0/0 0/0"}}},
           {"two components, not three",
            {lat_n, {"Exif.GPSInfo.GPSLatitude", R, "48/1 51/1"}, lon_e, paris_lon}},
           {"negative signed rational",
            {lat_n,
             {"Exif.GPSInfo.GPSLatitude", Exiv2::signedRational, "-48/1 51/1 30/1"},
             lon_e,
             paris_lon}},
           {"text instead of numbers",
            {lat_n,
             {"Exif.GPSInfo.GPSLatitude", Exiv2::asciiString, "48 deg 51' 30\""},
             lon_e,
             paris_lon}},
       }) {
    const std::string jpeg = JpegWithGps(c.tags);
    auto meta = ReadMetadata(AsBytes(jpeg), MediaType::kJpeg);
    ASSERT_TRUE(meta.ok()) << c.what << ": " << meta.status().ToString();
    EXPECT_EQ(meta->camera.make, "Octopus") << c.what << ": the rest of the EXIF is kept";
    EXPECT_FALSE(meta->gps.has_value())
        << c.what << ": got " << meta->gps->lat << ", " << meta->gps->lon;
  }
}

// EXIF rationals are unsigned 32/32. An iPhone 11 Pro stores GPS seconds
// as 2564660003/100000000, a numerator above 2^31, where exiftool reads
// 47.207124, 106.243105: the same position from a JPEG and from a HEIC made
// of it with heif-enc (which carries the Exif block over).
TEST(MetadataReaderTest, GpsRationalsAboveTwoToThe31AreUnsigned) {
  constexpr auto R = Exiv2::unsignedRational;
  const std::string jpeg =
      JpegWithGps({{"Exif.GPSInfo.GPSLatitudeRef", Exiv2::asciiString, "N"},
                   {"Exif.GPSInfo.GPSLatitude", R, "47/1 12/1 2564660003/100000000"},
                   {"Exif.GPSInfo.GPSLongitudeRef", Exiv2::asciiString, "E"},
                   {"Exif.GPSInfo.GPSLongitude", R, "106/1 14/1 3517800000/100000000"}});
  auto meta = ReadMetadata(AsBytes(jpeg), MediaType::kJpeg);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  ASSERT_TRUE(meta->gps.has_value()) << "a numerator above 2^31 lost the position";
  EXPECT_NEAR(meta->gps->lat, 47.207124, 1e-6);
  EXPECT_NEAR(meta->gps->lon, 106.243105, 1e-6);

  if (testing::RunCommand("command -v heif-enc").exit_code != 0) {
    GTEST_SKIP() << "heif-enc (libheif-examples, installed by tools/setup.sh) is missing: "
                    "the HEIC half of this test did not run";
  }
  testing::TempDir dir;
  testing::WriteFile(dir / "gps.jpg", jpeg);
  const auto made =
      testing::RunCommand("heif-enc -q 50 -o " + testing::Quote((dir / "gps.heic").string()) + " " +
                          testing::Quote((dir / "gps.jpg").string()));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string heic = ReadFile(dir / "gps.heic");
  meta = ReadMetadata(AsBytes(heic), DetectMediaType(AsBytes(heic)));
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->mime, "image/heic");
  EXPECT_EQ(meta->camera.make, "Octopus") << "heif-enc did not carry the Exif block over";
  ASSERT_TRUE(meta->gps.has_value()) << "a numerator above 2^31 lost the position";
  EXPECT_NEAR(meta->gps->lat, 47.207124, 1e-6);
  EXPECT_NEAR(meta->gps->lon, 106.243105, 1e-6);
}

}  // namespace
}  // namespace octopus::image
