// libjpeg-turbo through its TurboJPEG API: header reading, decoding straight
// to a reduced size with the scaled IDCT (1/2, 1/4, 1/8...), and encoding.
// Each call owns its tjhandle (TurboJPEG handles are not thread-safe).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/image/pixels.h"
#include "core/status.h"

namespace octopus::image {

struct JpegHeader {
  int width = 0;
  int height = 0;
  // Colour coded as YCbCr (almost every camera file), which can be decoded
  // to its planes; false for greyscale, RGB-coded and CMYK files.
  bool ycc = false;
};

// kUnsupportedMedia when the bytes are not a readable JPEG.
Result<JpegHeader> ReadJpegHeader(std::span<const std::uint8_t> file);

// Decodes at the smallest DCT scale whose result still has a long side of at
// least `min_long_side` (or full size). Truncated data is refused; other
// libjpeg warnings (common in camera files) are tolerated.
Result<RgbImage> DecodeJpeg(std::span<const std::uint8_t> file, int min_long_side);
// The same, to the file's own Y, Cb and Cr planes (no colour conversion).
// Only for a header with `ycc`.
Result<YccImage> DecodeJpegYcc(std::span<const std::uint8_t> file, int min_long_side);

Result<std::string> EncodeJpeg(const RgbImage& image, int quality);
// Planes sized as 4:2:0 (see YccImage), encoded as they are.
Result<std::string> EncodeJpeg(const YccImage& image, int quality);

}  // namespace octopus::image
