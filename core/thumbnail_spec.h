// The thumbnail sizes and decode limits a library's configuration asks for,
// shared by ingest and by fsck's rebuild of a missing thumbnail.
#pragma once

#include "core/config.h"
#include "core/image/thumbnailer.h"

namespace octopus {

image::ThumbnailSpec ThumbnailSpecFor(const Config& config);

}  // namespace octopus
