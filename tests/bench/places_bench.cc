// Places lookup benchmark: index load time, lookups per second over 1
// million random points on one core, resident memory, and the same lookups
// by brute force (a scan of every place) on a sample, with the agreement
// between the two. Usage: places_bench INDEX_FILE [LOOKUPS]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/places/place_index.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

long StatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  }
  return -1;
}

std::string Key(const std::optional<octopus::Place>& p) {
  return p ? p->country_code + "/" + p->region + "/" + p->city : "-";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s INDEX_FILE [LOOKUPS]\n", argv[0]);
    return 2;
  }
  const int lookups = argc > 2 ? std::stoi(argv[2]) : 1'000'000;
  const long rss_before = StatusKb("VmRSS:");
  auto t0 = std::chrono::steady_clock::now();
  auto index = octopus::places::OpenPlaceIndex(argv[1]);
  auto t1 = std::chrono::steady_clock::now();
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().message().c_str());
    return 1;
  }
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180);
  std::vector<std::pair<double, double>> pts(static_cast<std::size_t>(lookups));
  for (auto& p : pts) p = {lat(rng), lon(rng)};
  std::size_t found = 0;
  auto t2 = std::chrono::steady_clock::now();
  for (const auto& [a, b] : pts) found += (*index)->Nearest(a, b).has_value();
  auto t3 = std::chrono::steady_clock::now();
  const double tree_us = Seconds(t2, t3) * 1e6 / lookups;

  const int sample = std::min(lookups, 2000);
  int agree = 0;
  auto t4 = std::chrono::steady_clock::now();
  for (int i = 0; i < sample; ++i) {
    agree += Key((*index)->NearestBruteForce(pts[i].first, pts[i].second)) ==
             Key((*index)->Nearest(pts[i].first, pts[i].second));
  }
  auto t5 = std::chrono::steady_clock::now();
  const double brute_us = Seconds(t4, t5) * 1e6 / sample - tree_us;

  std::printf("places: %zu in the index\n", (*index)->size());
  std::printf("load: %.1f ms (target < 200 ms)\n", Seconds(t0, t1) * 1e3);
  std::printf("k-d tree: %d lookups, %.2f us each, %.0f lookups/s on one core (target < 5 us)\n",
              lookups, tree_us, 1e6 / tree_us);
  std::printf("brute force: %.1f us each (on %d points); speed-up %.0fx\n", brute_us, sample,
              brute_us / tree_us);
  std::printf("agreement with brute force: %d/%d (%.2f%%)\n", agree, sample,
              100.0 * agree / sample);
  std::printf("points with a place: %.1f%%\n", 100.0 * static_cast<double>(found) / lookups);
  std::printf("resident memory: %ld MB (%ld MB before loading; target < 60 MB)\n",
              StatusKb("VmRSS:") / 1024, rss_before / 1024);
  return agree == sample ? 0 : 1;
}
