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

// The memory DecodeJpeg or DecodeJpegYcc takes for `file` at the scale it
// picks for `min_long_side`, computed from the header alone (nothing is
// decoded): the output pixels, libjpeg's working rows and, for a file coded
// in several scans (progressive, or components in separate scans), the whole
// image's DCT coefficients, which libjpeg keeps until the last scan:
// width x height x components x 2 bytes, in whole 8x8 blocks, whatever the
// output scale (a 10000x10000 progressive 4:4:4 file: 600 MB).
// kUnsupportedMedia when the header cannot be read.
Result<std::uint64_t> JpegDecodeMemory(std::span<const std::uint8_t> file, int min_long_side);

// Caps what libjpeg itself may allocate for the whole-image buffers of any
// decoder made from now on in this process (libjpeg's max_memory_to_use, set
// through its JPEGMEM variable: TurboJPEG 2.1 does not reach its decoder's
// fields). Over it, a decode fails instead of allocating. Sets the
// environment: call it once, before the process starts any thread.
void SetProcessJpegMemoryLimit(std::uint64_t bytes);

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
