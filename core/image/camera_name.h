#pragma once

#include <string>
#include <string_view>

#include "core/photo.h"

namespace octopus::image {

// Cleans EXIF Make/Model: trims spaces and NULs, maps corporate names to the
// brand ("NIKON CORPORATION" -> "Nikon", "OLYMPUS IMAGING CORP." ->
// "Olympus", "samsung" -> "Samsung"), drops a repeated make from the model
// ("NIKON D750" -> "D750", "Canon EOS REBEL T3i" -> "EOS REBEL T3i").
CameraInfo CleanCameraName(std::string_view make, std::string_view model);

}  // namespace octopus::image
