#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "core/grouping.h"
#include "core/places/index_format.h"

namespace octopus::places {
namespace {

class StringTable {
 public:
  StringTable() { blob_.push_back('\0'); }  // offset 0: ""
  std::uint32_t Add(const std::string& s) {
    if (s.empty()) return 0;
    auto [it, added] = offsets_.try_emplace(s, static_cast<std::uint32_t>(blob_.size()));
    if (added) {
      blob_.insert(blob_.end(), s.begin(), s.end());
      blob_.push_back('\0');
    }
    return it->second;
  }
  const std::string& blob() const { return blob_; }

 private:
  std::string blob_;
  std::map<std::string, std::uint32_t> offsets_;
};

float Coord(const IndexPoint& p, int axis) { return axis == 0 ? p.x : axis == 1 ? p.y : p.z; }

// Median split on the axis of largest spread: an implicit balanced tree.
void BuildTree(std::vector<IndexPoint>& pts, std::size_t lo, std::size_t hi) {
  if (hi <= lo) return;
  float min[3] = {2, 2, 2}, max[3] = {-2, -2, -2};
  for (std::size_t i = lo; i < hi; ++i) {
    for (int a = 0; a < 3; ++a) {
      min[a] = std::min(min[a], Coord(pts[i], a));
      max[a] = std::max(max[a], Coord(pts[i], a));
    }
  }
  int axis = 0;
  for (int a = 1; a < 3; ++a) {
    if (max[a] - min[a] > max[axis] - min[axis]) axis = a;
  }
  const std::size_t mid = lo + (hi - lo) / 2;
  std::nth_element(
      pts.begin() + static_cast<std::ptrdiff_t>(lo), pts.begin() + static_cast<std::ptrdiff_t>(mid),
      pts.begin() + static_cast<std::ptrdiff_t>(hi),
      [axis](const IndexPoint& a, const IndexPoint& b) { return Coord(a, axis) < Coord(b, axis); });
  pts[mid].axis = static_cast<std::uint8_t>(axis);
  BuildTree(pts, lo, mid);
  BuildTree(pts, mid + 1, hi);
}

template <typename T>
void Append(std::string* out, const T* items, std::size_t n) {
  out->append(reinterpret_cast<const char*>(items), n * sizeof(T));
}

}  // namespace

Status WritePlaceIndex(const GeoNamesData& data, const std::filesystem::path& out) {
  StringTable strings;
  std::vector<IndexCountry> countries;
  std::map<std::string, std::uint16_t> country_index;
  auto country_of = [&](const std::string& code) {
    auto it = country_index.find(code);
    if (it != country_index.end()) return it->second;
    IndexCountry c{};
    c.code[0] = code[0];
    c.code[1] = code[1];
    auto name = data.countries.find(code);
    c.name = strings.Add(SafeFileName(name != data.countries.end() ? name->second : code));
    countries.push_back(c);
    const auto idx = static_cast<std::uint16_t>(countries.size() - 1);
    country_index[code] = idx;
    return idx;
  };
  std::vector<IndexRegion> regions;
  std::map<std::string, std::uint32_t> region_index;
  auto region_of = [&](const std::string& key) {
    auto name = data.admin1.find(key);
    if (name == data.admin1.end()) return kNoRegion;
    auto [it, added] = region_index.try_emplace(key, static_cast<std::uint32_t>(regions.size()));
    if (added) regions.push_back({strings.Add(SafeFileName(name->second))});
    return it->second;
  };

  std::vector<IndexPoint> points;
  points.reserve(data.places.size());
  for (const GeoNamesPlace& p : data.places) {
    if (p.country_code.size() != 2 || countries.size() >= 0xFFFF) continue;
    const double lat = p.lat * std::numbers::pi / 180, lon = p.lon * std::numbers::pi / 180;
    IndexPoint ip{};
    ip.x = static_cast<float>(std::cos(lat) * std::cos(lon));
    ip.y = static_cast<float>(std::cos(lat) * std::sin(lon));
    ip.z = static_cast<float>(std::sin(lat));
    ip.name = strings.Add(SafeFileName(p.name));
    ip.country = country_of(p.country_code);
    ip.population = p.population;
    ip.region = region_of(p.country_code + "." + p.admin1_code);
    points.push_back(ip);
  }
  if (points.empty()) return Status::InvalidArgument("no usable places in the GeoNames data");
  BuildTree(points, 0, points.size());

  IndexHeader h{};
  std::copy(std::begin(kIndexMagic), std::end(kIndexMagic), h.magic);
  h.version = kIndexVersion;
  h.count = static_cast<std::uint32_t>(points.size());
  h.regions = static_cast<std::uint32_t>(regions.size());
  h.countries = static_cast<std::uint32_t>(countries.size());
  h.strings_size = static_cast<std::uint32_t>(strings.blob().size());
  std::string bytes;
  Append(&bytes, &h, 1);
  Append(&bytes, points.data(), points.size());
  Append(&bytes, regions.data(), regions.size());
  Append(&bytes, countries.data(), countries.size());
  bytes += strings.blob();
  return WriteFileAtomic(out, bytes);
}

}  // namespace octopus::places
