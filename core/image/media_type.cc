#include "core/image/media_type.h"

#include <array>
#include <cstring>

namespace octopus::image {
namespace {

constexpr std::array<const char*, 8> kHeifBrands = {"heic", "heix", "heim", "heis",
                                                    "hevc", "hevx", "mif1", "msf1"};

bool IsHeifBrand(const std::uint8_t* p) {
  for (const char* brand : kHeifBrands) {
    if (std::memcmp(p, brand, 4) == 0) return true;
  }
  return false;
}

std::uint32_t ReadBe32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

MediaType DetectMediaType(std::span<const std::uint8_t> head) {
  if (head.size() >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
    return MediaType::kJpeg;
  }
  // ISO-BMFF: [size:4]["ftyp"][major:4][minor:4][compatible brands:4*n]
  if (head.size() >= 12 && std::memcmp(head.data() + 4, "ftyp", 4) == 0) {
    const std::size_t box = ReadBe32(head.data());
    if (box < 16 && box != 0) return MediaType::kUnknown;
    if (IsHeifBrand(head.data() + 8)) return MediaType::kHeif;
    const std::size_t end = std::min(head.size(), box == 0 ? head.size() : box);
    for (std::size_t at = 16; at + 4 <= end; at += 4) {
      if (IsHeifBrand(head.data() + at)) return MediaType::kHeif;
    }
  }
  return MediaType::kUnknown;
}

std::string_view MimeType(MediaType type) {
  switch (type) {
    case MediaType::kJpeg:
      return "image/jpeg";
    case MediaType::kHeif:
      return "image/heic";
    case MediaType::kUnknown:
      break;
  }
  return "";
}

}  // namespace octopus::image
