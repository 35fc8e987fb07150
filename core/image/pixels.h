// An 8-bit RGB raster and the operations the thumbnailer needs on it:
// high-quality downscaling and the eight EXIF orientations.
#pragma once

#include <cstdint>
#include <vector>

namespace octopus::image {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3, rows top to bottom

  RgbImage() = default;
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 3) {}
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width * 3; }
  const std::uint8_t* row(int y) const {
    return pixels.data() + static_cast<std::size_t>(y) * width * 3;
  }
};

// Resamples to exactly `width` x `height` with a Lanczos-3 filter widened by
// the scale factor (area-correct when shrinking, like PIL/libvips), done as two
// separable passes.
RgbImage Resize(const RgbImage& src, int width, int height);

// The size that fits `width` x `height` into a `long_side` box, keeping the
// aspect ratio, never larger than the source, never below 1 pixel.
void FitLongSide(int width, int height, int long_side, int* out_w, int* out_h);

// Applies EXIF orientation 1..8 so the result displays upright (5..8 swap
// width and height). Other values return the image unchanged.
RgbImage Orient(RgbImage src, int orientation);

}  // namespace octopus::image
