// Pixel operations: the eight EXIF orientations against their definitions,
// on RGB images and on planes; resizing keeps a flat colour flat.
#include <gtest/gtest.h>

#include "core/image/pixels.h"

namespace octopus::image {
namespace {

// Where EXIF orientation `o` sends source pixel (x, y) of a w x h image,
// spelled out case by case as the EXIF specification describes them.
std::pair<int, int> Destination(int o, int x, int y, int w, int h) {
  switch (o) {
    case 2:  // mirrored left-right
      return {w - 1 - x, y};
    case 3:  // rotated 180
      return {w - 1 - x, h - 1 - y};
    case 4:  // mirrored top-bottom
      return {x, h - 1 - y};
    case 5:  // mirrored along the top-left to bottom-right diagonal
      return {y, x};
    case 6:  // rotated 90 clockwise to display
      return {h - 1 - y, x};
    case 7:  // mirrored along the other diagonal
      return {h - 1 - y, w - 1 - x};
    case 8:  // rotated 90 counter-clockwise to display
      return {y, w - 1 - x};
    default:
      return {x, y};
  }
}

template <typename Image>
void CheckAllOrientations() {
  constexpr int C = Image::kChannels;
  const int w = 7, h = 4;
  for (int o = 1; o <= 8; ++o) {
    SCOPED_TRACE(o);
    Image src(w, h);
    for (int i = 0; i < w * h * C; ++i) src.data()[i] = static_cast<std::uint8_t>(i);
    const Image dst = Orient(std::move(src), o);
    ASSERT_EQ(dst.width, o >= 5 ? h : w);
    ASSERT_EQ(dst.height, o >= 5 ? w : h);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const auto [dx, dy] = Destination(o, x, y, w, h);
        for (int c = 0; c < C; ++c) {
          ASSERT_EQ(dst.row(dy)[dx * C + c], (y * w + x) * C + c) << x << "," << y;
        }
      }
    }
  }
}

TEST(PixelsTest, OrientMatchesTheExifDefinitionsOnRgb) { CheckAllOrientations<RgbImage>(); }
TEST(PixelsTest, OrientMatchesTheExifDefinitionsOnPlanes) { CheckAllOrientations<Plane>(); }

// A flat colour stays that colour (the weights sum to one), at every size,
// through both the RGB and the plane kernels; YCC chroma becomes 4:2:0.
TEST(PixelsTest, ResizeKeepsFlatColourAndSizesChromaAs420) {
  YccImage src{Plane(1001, 777), Plane(501, 389), Plane(501, 389)};
  std::fill_n(src.y.data(), 1001 * 777, 200);
  std::fill_n(src.cb.data(), 501 * 389, 90);
  std::fill_n(src.cr.data(), 501 * 389, 160);
  const YccImage out = Resize(src, 333, 259);
  ASSERT_EQ(out.cb.width, 167);
  ASSERT_EQ(out.cb.height, 130);
  for (int i = 0; i < 333 * 259; ++i) ASSERT_EQ(out.y.data()[i], 200) << i;
  for (int i = 0; i < 167 * 130; ++i) {
    ASSERT_EQ(out.cb.data()[i], 90) << i;
    ASSERT_EQ(out.cr.data()[i], 160) << i;
  }
  RgbImage rgb(641, 479);
  for (int i = 0; i < 641 * 479; ++i) {
    rgb.data()[i * 3] = 10;
    rgb.data()[i * 3 + 1] = 128;
    rgb.data()[i * 3 + 2] = 250;
  }
  const RgbImage small = Resize(rgb, 250, 187);
  for (int i = 0; i < 250 * 187; ++i) {
    ASSERT_EQ(small.data()[i * 3], 10);
    ASSERT_EQ(small.data()[i * 3 + 1], 128);
    ASSERT_EQ(small.data()[i * 3 + 2], 250);
  }
}

// The plane kernel turns eight rows at a time into vector lanes and back;
// the RGB kernel keeps a pixel's channels in lanes. Both apply the same
// weights in the same order, so a grey RGB image and the same plane must
// come out identical, sample for sample: any sample moved to the wrong row
// or column by the plane's transpositions shows. Noise, not a gradient, so
// that neighbours differ; sizes not multiples of eight, down and up.
TEST(PixelsTest, PlaneKernelMatchesTheRgbKernelExactly) {
  const std::pair<int, int> sizes[][2] = {{{203, 157}, {77, 51}},
                                          {{64, 64}, {61, 59}},
                                          {{17, 9}, {40, 23}},
                                          {{1600, 1200}, {1440, 1080}}};
  std::uint32_t seed = 12345;
  for (const auto& [from, to] : sizes) {
    SCOPED_TRACE(std::to_string(from.first) + "x" + std::to_string(from.second) + " -> " +
                 std::to_string(to.first) + "x" + std::to_string(to.second));
    Plane plane(from.first, from.second);
    RgbImage rgb(from.first, from.second);
    for (int i = 0; i < from.first * from.second; ++i) {
      seed = seed * 1664525u + 1013904223u;
      const auto v = static_cast<std::uint8_t>(seed >> 24);
      plane.data()[i] = v;
      rgb.data()[i * 3] = rgb.data()[i * 3 + 1] = rgb.data()[i * 3 + 2] = v;
    }
    const Plane p = Resize(plane, to.first, to.second);
    const RgbImage r = Resize(rgb, to.first, to.second);
    ASSERT_EQ(p.width, to.first);
    ASSERT_EQ(p.height, to.second);
    for (int y = 0; y < to.second; ++y) {
      for (int x = 0; x < to.first; ++x) {
        ASSERT_EQ(p.row(y)[x], r.row(y)[x * 3]) << "at " << x << "," << y;
      }
    }
  }
}

}  // namespace
}  // namespace octopus::image
