// The places index file: a compact, memory-mappable, versioned binary.
//
//   Header
//   Point[count]      an implicit, balanced k-d tree over unit vectors on
//                     the sphere: the node of range [lo, hi) is its middle
//                     element; `axis` is the axis it splits on
//   Region[regions]   first-level divisions
//   Country[countries]
//   char strings[]    NUL-terminated UTF-8 names
//
// Points live on the unit sphere (x, y, z), so the k-d tree's Euclidean
// (chord) distance orders points exactly as great-circle distance does, with
// no special case at the antimeridian or the poles.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/places/geonames.h"
#include "core/status.h"

namespace octopus::places {

inline constexpr char kIndexMagic[8] = {'O', 'C', 'T', 'P', 'L', 'A', 'C', 'E'};
inline constexpr std::uint32_t kIndexVersion = 1;
inline constexpr std::uint32_t kNoRegion = 0xFFFFFFFF;

struct IndexHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t count;
  std::uint32_t regions;
  std::uint32_t countries;
  std::uint32_t strings_size;
  std::uint32_t reserved;
};

struct IndexPoint {
  float x, y, z;
  std::uint32_t name;    // offset in strings
  std::uint32_t region;  // index, or kNoRegion
  std::uint32_t population;
  std::uint16_t country;  // index
  std::uint8_t axis;      // 0, 1, 2
  std::uint8_t pad;
};

struct IndexRegion {
  std::uint32_t name;
};

struct IndexCountry {
  char code[2];
  std::uint16_t pad;
  std::uint32_t name;
};

static_assert(sizeof(IndexHeader) == 32);
static_assert(sizeof(IndexPoint) == 28);

// Builds the index from GeoNames data and writes it crash-safely. Names are
// made safe for file names here (no '/', no NUL or control characters).
Status WritePlaceIndex(const GeoNamesData& data, const std::filesystem::path& out);

}  // namespace octopus::places
