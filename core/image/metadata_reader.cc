#include "core/image/metadata_reader.h"

#include "core/image/exif_reader.h"
#include "core/image/heif_file.h"
#include "core/image/jpeg_codec.h"

namespace octopus::image {

Result<ImageMetadata> ReadMetadata(std::span<const std::uint8_t> file, MediaType type) {
  ImageMetadata meta;
  meta.mime = std::string(MimeType(type));
  switch (type) {
    case MediaType::kJpeg: {
      auto header = ReadJpegHeader(file);
      if (!header.ok()) return header.status();
      meta.width = header->width;
      meta.height = header->height;
      ReadExifFromJpeg(file, &meta);
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
