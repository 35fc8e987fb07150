// Content sniffing: decide what an upload is from its first bytes, never from
// its name.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace octopus::image {

enum class MediaType { kUnknown, kJpeg, kHeif };

// `head` holds at least the first 32 bytes of the file (fewer if it is
// shorter). JPEG: FF D8 FF. HEIF: an ISO-BMFF `ftyp` box whose major or
// compatible brands include heic/heix/heim/heis/hevc/hevx/mif1/msf1.
MediaType DetectMediaType(std::span<const std::uint8_t> head);

std::string_view MimeType(MediaType type);  // "image/jpeg", "image/heic", ""

}  // namespace octopus::image
