// EXIF with Exiv2: fills the EXIF-derived fields of ImageMetadata (date,
// camera, exposure, lens, GPS, orientation) from a whole JPEG file or from a
// bare TIFF/EXIF block (what a HEIF file's Exif item holds).
//
// Malformed EXIF never fails the import: a tag that cannot be read, is out of
// range or has an absurd form is left unset and a warning is logged.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/photo.h"

namespace octopus::image {

void ReadExifFromJpeg(std::span<const std::uint8_t> file, ImageMetadata* meta);
void ReadExifFromTiff(std::string_view tiff, ImageMetadata* meta);

}  // namespace octopus::image
