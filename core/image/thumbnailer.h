// Thumbnails computed on write: a small one for grids and a preview, both
// JPEG, with the EXIF orientation applied so they display upright.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/image/media_type.h"
#include "core/status.h"

namespace octopus {
class CountingGate;
}

namespace octopus::image {

struct ThumbnailSpec {
  int small_px = 250;                      // long side of the grid thumbnail
  int preview_px = 1440;                   // long side of the preview
  int quality = 85;                        // JPEG quality
  std::uint64_t max_pixels = 100'000'000;  // refuse larger images
  // Refuse images whose decode would take more memory (estimated from the
  // header: JpegDecodeMemory, HeifFile::DecodeMemory). 0: no limit.
  std::uint64_t max_decode_memory = 0;
  // Where decodes wait their turn; nullptr: SharedDecodeGate().
  CountingGate* gate = nullptr;
};

struct Thumbnails {
  std::string small_jpeg;    // encoded JPEG bytes
  std::string preview_jpeg;  // encoded JPEG bytes
};

// Decodes `file` (JPEG via TurboJPEG with scaled DCT decoding where it helps,
// HEIF via libheif), applies `orientation` (EXIF 1..8), and encodes both
// sizes. An image never gets upscaled: a thumbnail is at most the image's own
// size. Checks width*height against spec.max_pixels from the header before
// allocating pixel memory (kTooLarge), then the memory the decode would take
// against spec.max_decode_memory (kTooLarge), then waits for a permit of
// spec.gate and holds it while decoding and encoding. Corrupt data ->
// kUnsupportedMedia.
Result<Thumbnails> MakeThumbnails(std::span<const std::uint8_t> file, MediaType type,
                                  int orientation, const ThumbnailSpec& spec);

}  // namespace octopus::image
