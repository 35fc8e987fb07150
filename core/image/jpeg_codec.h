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
};

// kUnsupportedMedia when the bytes are not a readable JPEG.
Result<JpegHeader> ReadJpegHeader(std::span<const std::uint8_t> file);

// Decodes at the smallest DCT scale whose result still has a long side of at
// least `min_long_side` (or full size). Truncated data is refused; other
// libjpeg warnings (common in camera files) are tolerated.
Result<RgbImage> DecodeJpeg(std::span<const std::uint8_t> file, int min_long_side);

Result<std::string> EncodeJpeg(const RgbImage& image, int quality);

}  // namespace octopus::image
