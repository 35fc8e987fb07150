// TEMPORARY placeholder until the GeoNames index lands (issue 6): no index
// file can be opened yet, so the library runs without places.
#include "core/places/place_index.h"

namespace octopus::places {

Result<std::unique_ptr<PlaceIndex>> OpenPlaceIndex(const std::filesystem::path& file) {
  return Status::NotFound("no places index at " + file.string());
}

}  // namespace octopus::places
