// HEIF: container parsing (libheif's, and ours of derived images), the Exif
// item, and decoding, with a small pixel limit.
#include <cstddef>
#include <cstdint>

#include "core/image/heif_items.h"
#include "core/image/media_type.h"
#include "core/image/metadata_reader.h"
#include "core/image/thumbnailer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace octopus::image;
  std::span<const std::uint8_t> bytes(data, size);
  (void)DetectMediaType(bytes);
  // Our own box reader, on every input (libheif reaches it only for files
  // it can open).
  (void)CheckHeifDerivedImages(bytes, 4'000'000);
  (void)ReadMetadata(bytes, MediaType::kHeif);
  ThumbnailSpec spec;
  spec.max_pixels = 4'000'000;
  spec.small_px = 32;
  spec.preview_px = 64;
  (void)MakeThumbnails(bytes, MediaType::kHeif, 1, spec);
  return 0;
}
