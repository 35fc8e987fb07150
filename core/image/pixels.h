// An 8-bit RGB raster and the operations the thumbnailer needs on it:
// high-quality downscaling and the eight EXIF orientations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace octopus::image {

struct RgbImage {
  int width = 0;
  int height = 0;
  // width * height * 3 bytes, rows top to bottom. Left uninitialised on
  // purpose: every producer writes each byte, and zeroing tens of megabytes
  // per photo was a sixth of the ingest time.
  std::unique_ptr<std::uint8_t[]> pixels;

  RgbImage() = default;
  RgbImage(int w, int h)
      : width(w), height(h), pixels(new std::uint8_t[static_cast<std::size_t>(w) * h * 3]) {}
  std::uint8_t* data() { return pixels.get(); }
  const std::uint8_t* data() const { return pixels.get(); }
  std::uint8_t* row(int y) { return data() + static_cast<std::size_t>(y) * width * 3; }
  const std::uint8_t* row(int y) const { return data() + static_cast<std::size_t>(y) * width * 3; }
};

// Resamples to exactly `width` x `height` with a Lanczos-3 filter widened by
// the scale factor (area-correct when shrinking, like PIL/libvips), done as two
// separable passes.
// Returns a copy when the size is unchanged.
RgbImage Resize(const RgbImage& src, int width, int height);

// The size that fits `width` x `height` into a `long_side` box, keeping the
// aspect ratio, never larger than the source, never below 1 pixel.
void FitLongSide(int width, int height, int long_side, int* out_w, int* out_h);

// Applies EXIF orientation 1..8 so the result displays upright (5..8 swap
// width and height). Other values return the image unchanged.
RgbImage Orient(RgbImage src, int orientation);

}  // namespace octopus::image
