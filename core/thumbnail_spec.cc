#include "core/thumbnail_spec.h"

namespace octopus {

image::ThumbnailSpec ThumbnailSpecFor(const Config& config) {
  image::ThumbnailSpec spec;
  spec.small_px = config.thumb_small_px;
  spec.preview_px = config.thumb_preview_px;
  spec.quality = config.thumb_quality;
  spec.max_pixels = config.max_pixels;
  spec.max_decode_memory = static_cast<std::uint64_t>(config.max_decode_memory);
  return spec;
}

}  // namespace octopus
