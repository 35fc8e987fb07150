// Offline reverse geocoding: coordinates -> nearest populated place, from a
// compact memory-mapped index built from GeoNames by tools/octopus-places.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "core/photo.h"
#include "core/status.h"

namespace octopus::places {

class PlaceIndex {
 public:
  virtual ~PlaceIndex() = default;
  // Thread-safe. The place for a point, or nullopt (at sea, invalid point).
  // Within 50 km of a populated place: country, region and city; within
  // 150 km: the country only; farther: none.
  virtual std::optional<Place> Nearest(double lat, double lon) const = 0;
  // The same answer by scanning every place: the reference that tests and
  // the benchmark compare the spatial index with.
  virtual std::optional<Place> NearestBruteForce(double lat, double lon) const = 0;
  virtual std::size_t size() const = 0;
  // Thread-safe. The country named `name_or_code` (its name or ISO 3166-1
  // code, in any ASCII case), as a Place with only country and
  // country_code set; nullopt when the index has no such country.
  virtual std::optional<Place> FindCountry(std::string_view name_or_code) const = 0;
};

// Opens an index file. A missing or corrupt file is a clear error; callers
// go on without places.
Result<std::unique_ptr<PlaceIndex>> OpenPlaceIndex(const std::filesystem::path& file);

}  // namespace octopus::places
