// Reads EXIF (with Exiv2) and pixel size from an in-memory JPEG or HEIF file.
// For HEIF the Exif block is taken from libheif and parsed with Exiv2.
#pragma once

#include <cstdint>
#include <span>

#include "core/image/media_type.h"
#include "core/photo.h"
#include "core/status.h"

namespace octopus::image {

// Fills every field of ImageMetadata that the file carries: mime, width,
// height, orientation (1 when absent or invalid), taken_at (DateTimeOriginal
// + SubSecTimeOriginal, else DateTimeDigitized/CreateDate; empty if none),
// taken_at_offset (OffsetTimeOriginal), camera (cleaned with
// CleanCameraName), exposure fields, lens, gps (null unless both lat and lon
// are present and in range). Never sets taken_at_estimated: the caller knows
// the file's mtime.
// Malformed EXIF is ignored (the photo is still valid); a file whose image
// header cannot be read returns kUnsupportedMedia.
Result<ImageMetadata> ReadMetadata(std::span<const std::uint8_t> file, MediaType type);

}  // namespace octopus::image
