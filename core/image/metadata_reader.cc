#include "core/image/metadata_reader.h"

#include <algorithm>

#include "core/image/exif_reader.h"
#include "core/image/heif_file.h"
#include "core/image/jpeg_codec.h"

namespace octopus::image {
namespace {

// A JPEG's EXIF and frame header come before the image data, within the
// first few hundred kilobytes in practice (APPn segments are at most 64 KB
// each). Both libjpeg and Exiv2 skip unknown bytes one at a time looking for
// a marker, so a huge file of garbage after a JPEG signature would be
// scanned whole: they only get this much.
constexpr std::size_t kJpegHeaderScanLimit = 16u << 20;

}  // namespace

Result<ImageMetadata> ReadMetadata(std::span<const std::uint8_t> file, MediaType type) {
  ImageMetadata meta;
  meta.mime = std::string(MimeType(type));
  switch (type) {
    case MediaType::kJpeg: {
      const auto head = file.subspan(0, std::min(file.size(), kJpegHeaderScanLimit));
      auto header = ReadJpegHeader(head);
      if (!header.ok()) return header.status();
      meta.width = header->width;
      meta.height = header->height;
      ReadExifFromJpeg(head, &meta);
      return meta;
    }
    case MediaType::kHeif: {
      auto heif = HeifFile::Open(file);
      if (!heif.ok()) return heif.status();
      meta.width = heif->width();
      meta.height = heif->height();
      ReadExifFromTiff(heif->ExifTiff(), &meta);
      return meta;
    }
    case MediaType::kUnknown:
      break;
  }
  return Status::UnsupportedMedia("not a supported image: not JPEG or HEIC");
}

}  // namespace octopus::image
