#include "core/places/place_index.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <numbers>

#include "core/file_util.h"
#include "core/places/index_format.h"

namespace octopus::places {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;

// Distance rules, on the great-circle distance d to the nearest populated
// place (GeoNames: 1,000+ people):
// - d <= kCityKm: country, region and city. The city is the most populous
//   place within 2 d + 3 km, so a photo at the Eiffel Tower is in Paris, not
//   in the suburb across the river that happens to be 1 km nearer, while a
//   photo in a village stays in that village;
// - d <= kCountryKm: the country only (countryside, just off the coast);
// - farther: no place (at sea, on the ice).
constexpr double kCityKm = 50;
constexpr double kCountryKm = 150;
constexpr double kCityWindowFactor = 2, kCityWindowKm = 3;

double ChordForKm(double km) { return 2 * std::sin(km / kEarthRadiusKm / 2); }
double KmForChord2(double d2) {
  return 2 * std::asin(std::min(1.0, std::sqrt(d2) / 2)) * kEarthRadiusKm;
}

class MappedPlaceIndex final : public PlaceIndex {
 public:
  MappedPlaceIndex(MappedFile file, const IndexHeader* h)
      : file_(std::move(file)),
        header_(h),
        points_(reinterpret_cast<const IndexPoint*>(h + 1)),
        regions_(reinterpret_cast<const IndexRegion*>(points_ + h->count)),
        countries_(reinterpret_cast<const IndexCountry*>(regions_ + h->regions)),
        strings_(reinterpret_cast<const char*>(countries_ + h->countries)) {}

  std::size_t size() const override { return header_->count; }

  std::optional<Place> FindCountry(std::string_view name_or_code) const override {
    const auto same = [](std::string_view a, std::string_view b) {
      return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
             });
    };
    // A few hundred countries: a scan is cheap, and edits are rare.
    for (std::uint32_t i = 0; i < header_->countries; ++i) {
      const IndexCountry& c = countries_[i];
      const std::string_view code(c.code, 2);
      const std::string_view name(strings_ + c.name);
      if (same(name_or_code, code) || same(name_or_code, name)) {
        Place place;
        place.country = std::string(name);
        place.country_code = std::string(code);
        return place;
      }
    }
    return std::nullopt;
  }

  std::optional<Place> Nearest(double lat, double lon) const override {
    double q[3];
    if (!UnitVector(lat, lon, q)) return std::nullopt;
    std::size_t best = 0;
    double best_d2 = 1e9;
    Search(q, 0, header_->count, &best, &best_d2);
    const double km = KmForChord2(best_d2);
    if (km <= kCityKm) {
      const double r = ChordForKm(km * kCityWindowFactor + kCityWindowKm);
      WindowSearch(q, r * r, 0, header_->count, &best, &best_d2);
    }
    return PlaceFor(best, km);
  }

  std::optional<Place> NearestBruteForce(double lat, double lon) const override {
    double q[3];
    if (!UnitVector(lat, lon, q)) return std::nullopt;
    std::size_t best = 0;
    double best_d2 = 1e9;
    for (std::size_t i = 0; i < header_->count; ++i) {
      const IndexPoint& p = points_[i];
      const double dx = q[0] - p.x, dy = q[1] - p.y, dz = q[2] - p.z;
      const double d2 = dx * dx + dy * dy + dz * dz;
      if (d2 < best_d2 || (d2 == best_d2 && i < best)) {
        best_d2 = d2;
        best = i;
      }
    }
    const double km = KmForChord2(best_d2);
    if (km <= kCityKm) {
      const double r = ChordForKm(km * kCityWindowFactor + kCityWindowKm);
      for (std::size_t i = 0; i < header_->count; ++i) {
        const IndexPoint& p = points_[i];
        const double dx = q[0] - p.x, dy = q[1] - p.y, dz = q[2] - p.z;
        const double d2 = dx * dx + dy * dy + dz * dz;
        if (d2 <= r * r && Better(i, d2, best, best_d2)) {
          best = i;
          best_d2 = d2;
        }
      }
    }
    return PlaceFor(best, km);
  }

 private:
  static bool UnitVector(double lat, double lon, double* q) {
    if (!std::isfinite(lat) || !std::isfinite(lon) || std::fabs(lat) > 90 || std::fabs(lon) > 180) {
      return false;
    }
    const double rlat = lat * std::numbers::pi / 180, rlon = lon * std::numbers::pi / 180;
    q[0] = std::cos(rlat) * std::cos(rlon);
    q[1] = std::cos(rlat) * std::sin(rlon);
    q[2] = std::sin(rlat);
    return true;
  }

  // `km`: the distance to the nearest place, which decides what is given.
  std::optional<Place> PlaceFor(std::size_t i, double km) const {
    if (km > kCountryKm) return std::nullopt;
    const IndexPoint& p = points_[i];
    const IndexCountry& c = countries_[p.country];
    Place place;
    place.country = strings_ + c.name;
    place.country_code = std::string(c.code, 2);
    if (km <= kCityKm) {
      if (p.region != kNoRegion) place.region = strings_ + regions_[p.region].name;
      place.city = strings_ + p.name;
    }
    return place;
  }

  static double Coord(const IndexPoint& p, int axis) {
    return axis == 0 ? p.x : axis == 1 ? p.y : p.z;
  }

  // In the city window: more people wins; at equal population, nearer.
  bool Better(std::size_t i, double d2, std::size_t best, double best_d2) const {
    if (points_[i].population != points_[best].population) {
      return points_[i].population > points_[best].population;
    }
    return d2 < best_d2 || (d2 == best_d2 && i < best);
  }

  // Every point within sqrt(r2) of q, keeping the Better one.
  void WindowSearch(const double* q, double r2, std::size_t lo, std::size_t hi, std::size_t* best,
                    double* best_d2) const {
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const IndexPoint& p = points_[mid];
      const double dx = q[0] - p.x, dy = q[1] - p.y, dz = q[2] - p.z;
      const double d2 = dx * dx + dy * dy + dz * dz;
      if (d2 <= r2 && Better(mid, d2, *best, *best_d2)) {
        *best = mid;
        *best_d2 = d2;
      }
      const double diff = q[p.axis] - Coord(p, p.axis);
      if (diff < 0) {
        if (diff * diff <= r2) WindowSearch(q, r2, mid + 1, hi, best, best_d2);
        hi = mid;
      } else {
        if (diff * diff <= r2) WindowSearch(q, r2, lo, mid, best, best_d2);
        lo = mid + 1;
      }
    }
  }

  // Nearest neighbour: the near side of each split first, then the far
  // side only if the splitting plane is closer than the best found so far.
  void Search(const double* q, std::size_t lo, std::size_t hi, std::size_t* best,
              double* best_d2) const {
    if (lo >= hi) return;
    const std::size_t mid = lo + (hi - lo) / 2;
    const IndexPoint& p = points_[mid];
    const double dx = q[0] - p.x, dy = q[1] - p.y, dz = q[2] - p.z;
    const double d2 = dx * dx + dy * dy + dz * dz;
    if (d2 < *best_d2 || (d2 == *best_d2 && mid < *best)) {
      *best_d2 = d2;
      *best = mid;
    }
    const double diff = q[p.axis] - Coord(p, p.axis);
    if (diff < 0) {
      Search(q, lo, mid, best, best_d2);
      if (diff * diff <= *best_d2) Search(q, mid + 1, hi, best, best_d2);
    } else {
      Search(q, mid + 1, hi, best, best_d2);
      if (diff * diff <= *best_d2) Search(q, lo, mid, best, best_d2);
    }
  }

  MappedFile file_;
  const IndexHeader* header_;
  const IndexPoint* points_;
  const IndexRegion* regions_;
  const IndexCountry* countries_;
  const char* strings_;
};

Status Corrupt(const std::filesystem::path& file, const std::string& why) {
  return Status::Corrupt("places index " + file.string() + " is corrupt: " + why +
                         " (rebuild it with octopus-places)");
}

}  // namespace

Result<std::unique_ptr<PlaceIndex>> OpenPlaceIndex(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return Status::NotFound("no places index at " + file.string());
  }
  auto mapped = MappedFile::Open(file);
  if (!mapped.ok()) return mapped.status();
  const auto bytes = mapped->bytes();
  if (bytes.size() < sizeof(IndexHeader)) return Corrupt(file, "too short");
  const auto* h = reinterpret_cast<const IndexHeader*>(bytes.data());
  if (std::memcmp(h->magic, kIndexMagic, sizeof kIndexMagic) != 0) {
    return Corrupt(file, "not a places index");
  }
  if (h->version != kIndexVersion) {
    return Corrupt(file, "version " + std::to_string(h->version) + ", expected " +
                             std::to_string(kIndexVersion));
  }
  const std::uint64_t expected =
      sizeof(IndexHeader) + std::uint64_t{h->count} * sizeof(IndexPoint) +
      std::uint64_t{h->regions} * sizeof(IndexRegion) +
      std::uint64_t{h->countries} * sizeof(IndexCountry) + h->strings_size;
  if (expected != bytes.size()) return Corrupt(file, "sizes do not match the file");
  if (h->count == 0 || h->strings_size == 0 || bytes.back() != '\0') {
    return Corrupt(file, "empty or unterminated");
  }
  // Every reference in range, so lookups never read outside the mapping.
  const auto* pts = reinterpret_cast<const IndexPoint*>(h + 1);
  const auto* regs = reinterpret_cast<const IndexRegion*>(pts + h->count);
  const auto* ctys = reinterpret_cast<const IndexCountry*>(regs + h->regions);
  for (std::uint32_t i = 0; i < h->count; ++i) {
    const IndexPoint& p = pts[i];
    if (p.name >= h->strings_size || p.country >= h->countries || p.axis > 2 ||
        (p.region != kNoRegion && p.region >= h->regions) || !std::isfinite(p.x) ||
        !std::isfinite(p.y) || !std::isfinite(p.z)) {
      return Corrupt(file, "bad point " + std::to_string(i));
    }
  }
  for (std::uint32_t i = 0; i < h->regions; ++i) {
    if (regs[i].name >= h->strings_size) return Corrupt(file, "bad region");
  }
  for (std::uint32_t i = 0; i < h->countries; ++i) {
    if (ctys[i].name >= h->strings_size) return Corrupt(file, "bad country");
  }
  return std::unique_ptr<PlaceIndex>(new MappedPlaceIndex(std::move(mapped).value(), h));
}

}  // namespace octopus::places
