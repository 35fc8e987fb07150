// JPEG: header, metadata and both thumbnails, with a small pixel limit so
// the fuzzer explores parsing rather than allocating.
#include <cstddef>
#include <cstdint>

#include "core/image/metadata_reader.h"
#include "core/image/thumbnailer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace octopus::image;
  std::span<const std::uint8_t> bytes(data, size);
  (void)ReadMetadata(bytes, MediaType::kJpeg);
  ThumbnailSpec spec;
  spec.max_pixels = 4'000'000;
  spec.small_px = 32;
  spec.preview_px = 64;
  (void)MakeThumbnails(bytes, MediaType::kJpeg, static_cast<int>(size % 9), spec);
  return 0;
}
