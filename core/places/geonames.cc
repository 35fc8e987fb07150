#include "core/places/geonames.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace octopus::places {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out);
}

Result<std::ifstream> OpenText(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Status::NotFound("cannot read GeoNames file " + file.string());
  return in;
}

}  // namespace

Result<GeoNamesData> ReadGeoNames(const std::filesystem::path& cities,
                                  const std::filesystem::path& admin1,
                                  const std::filesystem::path& countries, int* skipped) {
  GeoNamesData data;
  int bad = 0;
  std::string line;
  {
    // countryInfo.txt: ISO, ISO3, ISO-Numeric, fips, Country, ...; '#' comments.
    auto in = OpenText(countries);
    if (!in.ok()) return in.status();
    while (std::getline(*in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto f = SplitTabs(line);
      if (f.size() < 5 || f[0].size() != 2 || f[4].empty()) {
        ++bad;
        continue;
      }
      data.countries[f[0]] = f[4];
    }
  }
  {
    // admin1CodesASCII.txt: code ("FR.11"), name, asciiname, geonameid.
    auto in = OpenText(admin1);
    if (!in.ok()) return in.status();
    while (std::getline(*in, line)) {
      const auto f = SplitTabs(line);
      if (f.size() < 2 || f[0].find('.') == std::string::npos || f[1].empty()) {
        ++bad;
        continue;
      }
      data.admin1[f[0]] = f[1];
    }
  }
  {
    // citiesN.txt: geonameid, name, asciiname, alternatenames, latitude,
    // longitude, feature class, feature code, country code, cc2, admin1, ...
    auto in = OpenText(cities);
    if (!in.ok()) return in.status();
    while (std::getline(*in, line)) {
      const auto f = SplitTabs(line);
      GeoNamesPlace p;
      if (f.size() < 11 || f[1].empty() || !ParseDouble(f[4], &p.lat) ||
          !ParseDouble(f[5], &p.lon) || std::fabs(p.lat) > 90 || std::fabs(p.lon) > 180 ||
          f[8].size() != 2) {
        ++bad;
        continue;
      }
      // Sections of a city (PPLX: "Paris 16 Passy"), historical, abandoned
      // or destroyed places are not where a photo was taken "in".
      const std::string& code = f[7];
      if (code == "PPLX" || code == "PPLH" || code == "PPLQ" || code == "PPLW" || code == "PPLCH") {
        continue;
      }
      p.name = f[1];
      p.country_code = f[8];
      p.admin1_code = f[10];
      double population = 0;
      if (f.size() > 14 && ParseDouble(f[14], &population) && population > 0) {
        p.population = static_cast<std::uint32_t>(std::min(population, 4e9));
      }
      data.places.push_back(std::move(p));
    }
  }
  if (skipped != nullptr) *skipped = bad;
  return data;
}

}  // namespace octopus::places
