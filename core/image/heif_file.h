// libheif behind RAII: opens an in-memory HEIF, reads the primary image's
// size and Exif block, decodes it to RGB. Not thread-safe per object; use one
// HeifFile per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/image/pixels.h"
#include "core/status.h"

struct heif_context;
struct heif_image_handle;

namespace octopus::image {

class HeifFile {
 public:
  // `file` must outlive the HeifFile (it is read without a copy).
  static Result<HeifFile> Open(std::span<const std::uint8_t> file);

  // Stored size of the primary image (its `ispe`, before irot/imir).
  int width() const;
  int height() const;
  // The memory Decode takes, from the header alone: libheif's planes (up to
  // 3 samples a pixel, 2 bytes a sample over 8 bits), its interleaved RGB
  // and the copy returned, all at the primary image's full size.
  std::uint64_t DecodeMemory() const;
  // The Exif item's TIFF data (the 4-byte offset header skipped); empty when
  // the image has none or it is malformed.
  std::string ExifTiff() const;
  // Decodes the primary image with its irot/imir transforms applied, as
  // HEIF requires (the EXIF orientation must not be applied again). Files
  // whose derived images libheif cannot decode safely are refused first
  // (core/image/heif_items.h).
  Result<RgbImage> Decode(std::uint64_t max_pixels) const;

 private:
  struct ContextDeleter {
    void operator()(heif_context* ctx) const;
  };
  struct HandleDeleter {
    void operator()(heif_image_handle* handle) const;
  };
  HeifFile() = default;
  std::span<const std::uint8_t> file_;
  std::unique_ptr<heif_context, ContextDeleter> ctx_;
  std::unique_ptr<heif_image_handle, HandleDeleter> primary_;
};

}  // namespace octopus::image
