// Thumbnails as the library hands them out.
#pragma once

#include <string>

namespace octopus {

enum class ThumbnailSize { kSmall, kPreview };

// A thumbnail's JPEG bytes and the content hash of its photo, which names
// it: thumbnails are derived from the content alone.
struct ThumbnailBytes {
  std::string sha256;
  std::string jpeg;
};

}  // namespace octopus
