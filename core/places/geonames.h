// Readers for the standard GeoNames dump files (download.geonames.org/
// export/dump/): cities1000.txt (or cities500/cities5000/allCountries
// filtered to populated places), admin1CodesASCII.txt and countryInfo.txt.
// The set-up step converts the npm extract it installs into these same
// formats, so a user can refresh the data from GeoNames directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace octopus::places {

struct GeoNamesPlace {
  std::string name;  // GeoNames `name`: the usual UTF-8 form
  double lat = 0, lon = 0;
  std::string country_code;  // ISO 3166-1 alpha-2
  std::string admin1_code;   // "11" (for FR.11)
  std::uint32_t population = 0;
};

struct GeoNamesData {
  std::vector<GeoNamesPlace> places;
  std::map<std::string, std::string> admin1;     // "FR.11" -> "Île-de-France"
  std::map<std::string, std::string> countries;  // "FR" -> "France"
};

// Reads the three files. Malformed lines are skipped and counted in
// `*skipped` (if given); a missing file is an error.
Result<GeoNamesData> ReadGeoNames(const std::filesystem::path& cities,
                                  const std::filesystem::path& admin1,
                                  const std::filesystem::path& countries, int* skipped = nullptr);

}  // namespace octopus::places
