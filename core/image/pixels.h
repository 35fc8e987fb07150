// 8-bit rasters and the operations the thumbnailer needs on them:
// high-quality downscaling and the eight EXIF orientations. An RGB image is
// what libheif hands us; a JPEG stays in its own Y, Cb and Cr planes from
// decode to encode, which skips two colour conversions and resamples half as
// many samples (the chroma planes are a quarter of the size in 4:2:0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace octopus::image {

template <int Channels>
struct Raster {
  static constexpr int kChannels = Channels;
  int width = 0;
  int height = 0;
  // width * height * Channels bytes, rows top to bottom. Left uninitialised
  // on purpose: every producer writes each byte, and zeroing tens of
  // megabytes per photo was a sixth of the ingest time.
  std::unique_ptr<std::uint8_t[]> pixels;

  Raster() = default;
  Raster(int w, int h)
      : width(w), height(h), pixels(new std::uint8_t[static_cast<std::size_t>(w) * h * Channels]) {}
  std::size_t stride() const { return static_cast<std::size_t>(width) * Channels; }
  std::uint8_t* data() { return pixels.get(); }
  const std::uint8_t* data() const { return pixels.get(); }
  std::uint8_t* row(int y) { return data() + static_cast<std::size_t>(y) * stride(); }
  const std::uint8_t* row(int y) const { return data() + static_cast<std::size_t>(y) * stride(); }
};

using RgbImage = Raster<3>;  // interleaved R, G, B
using Plane = Raster<1>;     // one colour component

// A JPEG's colour planes. Decoded, the chroma planes have whatever size the
// file's subsampling gives; resized for encoding, they are 4:2:0:
// ceil(width / 2) x ceil(height / 2) of the luma plane.
struct YccImage {
  Plane y, cb, cr;
  int width() const { return y.width; }
  int height() const { return y.height; }
};

// Resamples to exactly `width` x `height` with a Lanczos-3 filter widened by
// the scale factor (area-correct when shrinking, like PIL/libvips), done as two
// separable passes. Returns a copy when the size is unchanged.
RgbImage Resize(const RgbImage& src, int width, int height);
Plane Resize(const Plane& src, int width, int height);
// The luma plane to `width` x `height`, both chroma planes to 4:2:0 of that.
YccImage Resize(const YccImage& src, int width, int height);

// `src` copied into a `width` x `height` plane: cropped, or with its last
// column and row repeated (JPEG 4:2:0 wants luma planes of even size).
Plane Refit(const Plane& src, int width, int height);

// The size that fits `width` x `height` into a `long_side` box, keeping the
// aspect ratio, never larger than the source, never below 1 pixel.
void FitLongSide(int width, int height, int long_side, int* out_w, int* out_h);

// Applies EXIF orientation 1..8 so the result displays upright (5..8 swap
// width and height). Other values return the image unchanged.
RgbImage Orient(RgbImage src, int orientation);
Plane Orient(Plane src, int orientation);
YccImage Orient(YccImage src, int orientation);

}  // namespace octopus::image
