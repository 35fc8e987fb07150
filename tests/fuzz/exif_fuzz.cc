// EXIF parsing of a bare TIFF block (what a HEIF Exif item holds) and of a
// JPEG's APP1 segment.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/image/exif_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  octopus::ImageMetadata meta;
  octopus::image::ReadExifFromTiff(std::string_view(reinterpret_cast<const char*>(data), size),
                                   &meta);
  octopus::ImageMetadata meta2;
  octopus::image::ReadExifFromJpeg({data, size}, &meta2);
  return 0;
}
