// octopus-places: builds the places index from GeoNames dump files, and
// looks points up in it.
//
//   octopus-places build --cities cities1000.txt --admin1 admin1CodesASCII.txt
//                        --countries countryInfo.txt -o places.idx
//   octopus-places lookup --index places.idx LAT LON
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "core/places/geonames.h"
#include "core/places/index_format.h"
#include "core/places/place_index.h"

namespace {

int Build(const std::string& cities, const std::string& admin1, const std::string& countries,
          const std::string& out) {
  const auto start = std::chrono::steady_clock::now();
  int skipped = 0;
  auto data = octopus::places::ReadGeoNames(cities, admin1, countries, &skipped);
  if (!data.ok()) {
    std::cerr << "octopus-places: " << data.status().message() << "\n";
    return 1;
  }
  if (auto s = octopus::places::WritePlaceIndex(*data, out); !s.ok()) {
    std::cerr << "octopus-places: " << s.message() << "\n";
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << out << ": " << data->places.size() << " places, " << data->admin1.size()
            << " regions, " << data->countries.size() << " countries (" << skipped
            << " lines skipped) in " << secs << " s\n";
  return 0;
}

int Lookup(const std::string& index_file, double lat, double lon) {
  auto index = octopus::places::OpenPlaceIndex(index_file);
  if (!index.ok()) {
    std::cerr << "octopus-places: " << index.status().message() << "\n";
    return 1;
  }
  auto place = (*index)->Nearest(lat, lon);
  if (!place) {
    std::cout << "no place\n";
    return 0;
  }
  std::cout << place->country << " (" << place->country_code << ") / " << place->region << " / "
            << place->city << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Builds and queries the Octopus Photos places index (GeoNames data)"};
  app.require_subcommand(1);
  std::string cities, admin1, countries, out, index;
  double lat = 0, lon = 0;
  int rc = 0;
  auto* build = app.add_subcommand("build", "Build an index from GeoNames dump files");
  build->add_option("--cities", cities, "cities1000.txt (or cities500.txt, cities5000.txt...)")
      ->required();
  build->add_option("--admin1", admin1, "admin1CodesASCII.txt")->required();
  build->add_option("--countries", countries, "countryInfo.txt")->required();
  build->add_option("-o,--output", out, "Index file to write")->required();
  build->callback([&] { rc = Build(cities, admin1, countries, out); });
  auto* lookup = app.add_subcommand("lookup", "Print the place for a point");
  lookup->add_option("--index", index, "Index file")->required();
  lookup->add_option("lat", lat)->required();
  lookup->add_option("lon", lon)->required();
  lookup->callback([&] { rc = Lookup(index, lat, lon); });
  CLI11_PARSE(app, argc, argv);
  return rc;
}
