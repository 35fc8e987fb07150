// Thumbnails: sizes, orientation, scaled decoding, and refusal of broken
// files and decompression bombs before any pixel memory is allocated.
#include <gtest/gtest.h>
#include <turbojpeg.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/image/media_type.h"
#include "core/image/pixels.h"
#include "core/image/thumbnailer.h"
#include "tests/testing/test_util.h"

namespace octopus::image {
namespace {

using testing::AsBytes;
using testing::MakeJpeg;
using testing::ReadFile;
using testing::SamplePhotos;

struct Decoded {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  const unsigned char* at(int x, int y) const {
    return &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
  }
};

Decoded Decode(const std::string& jpeg) {
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitDecompress(), tjDestroy);
  Decoded d;
  int ss = 0, cs = 0;
  EXPECT_EQ(tjDecompressHeader3(tj.get(), AsBytes(jpeg).data(), jpeg.size(), &d.width, &d.height,
                                &ss, &cs),
            0);
  d.rgb.resize(static_cast<std::size_t>(d.width) * d.height * 3);
  EXPECT_EQ(tjDecompress2(tj.get(), AsBytes(jpeg).data(), jpeg.size(), d.rgb.data(), d.width, 0,
                          d.height, TJPF_RGB, 0),
            0);
  return d;
}

// A JPEG whose left half is red and right half blue.
std::string TwoColourJpeg(int w, int h) {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      unsigned char* p = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = x < w / 2 ? 255 : 0;
      p[1] = 0;
      p[2] = x < w / 2 ? 0 : 255;
    }
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  tjCompress2(tj.get(), rgb.data(), w, 0, h, TJPF_RGB, &out, &size, TJSAMP_444, 95, 0);
  std::string s(reinterpret_cast<char*>(out), size);
  tjFree(out);
  return s;
}

bool IsRed(const unsigned char* p) { return p[0] > 200 && p[2] < 60; }
bool IsBlue(const unsigned char* p) { return p[2] > 200 && p[0] < 60; }

TEST(ThumbnailerTest, SizesFollowTheLongSideAndNeverUpscale) {
  const std::string big = MakeJpeg(4000, 3000, 1);
  auto t = MakeThumbnails(AsBytes(big), MediaType::kJpeg, 1, ThumbnailSpec{});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Decoded small = Decode(t->small_jpeg), preview = Decode(t->preview_jpeg);
  EXPECT_EQ(small.width, 250);
  EXPECT_EQ(small.height, 188);
  EXPECT_EQ(preview.width, 1440);
  EXPECT_EQ(preview.height, 1080);

  const std::string tiny = MakeJpeg(100, 60, 2);
  t = MakeThumbnails(AsBytes(tiny), MediaType::kJpeg, 1, ThumbnailSpec{});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Decode(t->small_jpeg).width, 100);
  EXPECT_EQ(Decode(t->preview_jpeg).height, 60);
}

// Orientation 6 means "rotate 90° clockwise to display": the stored left
// (red) half ends on top. Orientation 8 is the opposite turn; 3 is 180°.
TEST(ThumbnailerTest, AppliesExifOrientation) {
  const std::string jpeg = TwoColourJpeg(400, 200);
  struct Case {
    int orientation;
    int w, h;
    bool red_first;  // red at top (rotations) or at left (no rotation)
  };
  for (const Case& c : {Case{1, 250, 125, true}, Case{6, 125, 250, true}, Case{8, 125, 250, false},
                        Case{3, 250, 125, false}, Case{2, 250, 125, false}}) {
    SCOPED_TRACE(c.orientation);
    auto t = MakeThumbnails(AsBytes(jpeg), MediaType::kJpeg, c.orientation, ThumbnailSpec{});
    ASSERT_TRUE(t.ok());
    Decoded d = Decode(t->small_jpeg);
    ASSERT_EQ(d.width, c.w);
    ASSERT_EQ(d.height, c.h);
    const bool rotated = c.w < c.h;
    const unsigned char* first = rotated ? d.at(d.width / 2, 10) : d.at(10, d.height / 2);
    const unsigned char* last =
        rotated ? d.at(d.width / 2, d.height - 10) : d.at(d.width - 10, d.height / 2);
    EXPECT_EQ(IsRed(first), c.red_first);
    EXPECT_EQ(IsBlue(last), c.red_first);
  }
}

// A smooth, colourful JPEG (red across, green down, blue diagonally) of any
// size and chroma subsampling (TJSAMP_GRAY for greyscale).
std::string GradientJpeg(int w, int h, int subsamp) {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      unsigned char* p = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = static_cast<unsigned char>(x * 255 / w);
      p[1] = static_cast<unsigned char>(y * 255 / h);
      p[2] = static_cast<unsigned char>((x + y) * 255 / (w + h));
    }
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  EXPECT_EQ(tjCompress2(tj.get(), rgb.data(), w, 0, h, TJPF_RGB, &out, &size, subsamp, 95, 0), 0);
  std::string s(reinterpret_cast<char*>(out), size);
  tjFree(out);
  return s;
}

// JPEG files are thumbnailed in their Y, Cb, Cr planes (greyscale ones in
// RGB). Whatever the subsampling and however odd the size, the preview must
// match the full-size decode resampled in RGB: a swapped or misplaced plane
// would be far off.
TEST(ThumbnailerTest, PlanesMatchAnRgbReferenceForEverySubsampling) {
  struct Case {
    int w, h, subsamp;
    const char* what;
  };
  for (const Case& c :
       {Case{3001, 1999, TJSAMP_420, "4:2:0, odd size"}, Case{2880, 2160, TJSAMP_422, "4:2:2"},
        Case{1601, 2881, TJSAMP_444, "4:4:4, portrait"}, Case{2000, 1501, TJSAMP_440, "4:4:0"},
        Case{1999, 1001, TJSAMP_GRAY, "greyscale"}}) {
    SCOPED_TRACE(c.what);
    const std::string jpeg = GradientJpeg(c.w, c.h, c.subsamp);
    for (int orientation : {1, 6}) {
      auto t = MakeThumbnails(AsBytes(jpeg), MediaType::kJpeg, orientation, ThumbnailSpec{});
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      const Decoded full = Decode(jpeg);
      RgbImage reference_src(full.width, full.height);
      std::memcpy(reference_src.data(), full.rgb.data(), full.rgb.size());
      for (const std::string* thumb : {&t->preview_jpeg, &t->small_jpeg}) {
        const Decoded got = Decode(*thumb);
        const bool turned = orientation == 6;
        RgbImage reference = Orient(
            Resize(reference_src, turned ? got.height : got.width, turned ? got.width : got.height),
            orientation);
        ASSERT_EQ(reference.width, got.width);
        ASSERT_EQ(reference.height, got.height);
        double error = 0;
        for (std::size_t i = 0; i < got.rgb.size(); ++i) {
          error += std::abs(static_cast<int>(got.rgb[i]) - static_cast<int>(reference.data()[i]));
        }
        error /= static_cast<double>(got.rgb.size());
        EXPECT_LT(error, 3.0) << got.width << "x" << got.height << " orientation " << orientation;
      }
    }
  }
}

TEST(ThumbnailerTest, SampleOrientation8DisplaysLandscape) {
  if (SamplePhotos().empty()) GTEST_SKIP() << "no sample photos beside the repository";
  const std::string bytes = ReadFile(SamplePhotos() / "landscape_orient8.jpg");  // stored 450x600
  auto t = MakeThumbnails(AsBytes(bytes), MediaType::kJpeg, 8, ThumbnailSpec{});
  ASSERT_TRUE(t.ok());
  Decoded d = Decode(t->preview_jpeg);
  EXPECT_EQ(d.width, 600);
  EXPECT_EQ(d.height, 450);
}

TEST(ThumbnailerTest, DecodesHeifAndProgressiveSamples) {
  if (SamplePhotos().empty()) GTEST_SKIP() << "no sample photos beside the repository";
  struct Case {
    const char* file;
    int w, h;  // preview size
  };
  for (const Case& c :
       {Case{"apple_iphone11pro.heic", 1080, 1440}, Case{"hmd_nokia83_hdr_gps.heif", 1440, 1080},
        Case{"progressive_eiger.jpg", 900, 601}}) {
    SCOPED_TRACE(c.file);
    const std::string bytes = ReadFile(SamplePhotos() / c.file);
    auto t = MakeThumbnails(AsBytes(bytes), DetectMediaType(AsBytes(bytes)), 1, ThumbnailSpec{});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    Decoded d = Decode(t->preview_jpeg);
    EXPECT_EQ(d.width, c.w);
    EXPECT_EQ(d.height, c.h);
  }
}

TEST(ThumbnailerTest, TruncatedAndGarbageJpegsAreRefused) {
  const std::string jpeg = MakeJpeg(640, 480, 5);
  const std::string cut = jpeg.substr(0, jpeg.size() / 2);
  auto t = MakeThumbnails(AsBytes(cut), MediaType::kJpeg, 1, ThumbnailSpec{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kUnsupportedMedia);
  EXPECT_NE(t.status().message().find("truncated"), std::string::npos) << t.status().message();

  std::string garbage = jpeg;
  for (std::size_t i = 700; i < garbage.size() - 2; i += 7) garbage[i] = '\xFF';
  t = MakeThumbnails(AsBytes(garbage), MediaType::kJpeg, 1, ThumbnailSpec{});
  // Either refused or decoded to something; never a crash. Mostly refused.
  if (!t.ok()) {
    EXPECT_EQ(t.status().code(), Code::kUnsupportedMedia);
  }
}

// A 1 KB file that declares 50000 x 50000 pixels: refused from its header.
TEST(ThumbnailerTest, DecompressionBombIsRefusedBeforeDecoding) {
  std::string jpeg = MakeJpeg(16, 16, 6);
  const std::size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  // SOF0: FF C0, length(2), precision(1), height(2), width(2)
  jpeg[sof + 5] = static_cast<char>(50000 >> 8);
  jpeg[sof + 6] = static_cast<char>(50000 & 0xff);
  jpeg[sof + 7] = static_cast<char>(50000 >> 8);
  jpeg[sof + 8] = static_cast<char>(50000 & 0xff);
  auto t = MakeThumbnails(AsBytes(jpeg), MediaType::kJpeg, 1, ThumbnailSpec{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kTooLarge);
  EXPECT_NE(t.status().message().find("50000x50000"), std::string::npos);
}

}  // namespace
}  // namespace octopus::image
