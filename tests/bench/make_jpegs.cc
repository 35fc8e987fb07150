// make_jpegs OUT_DIR COUNT WIDTH HEIGHT: writes COUNT distinct JPEGs
// (quality 92) for the benchmarks. The generated pixels repeat every 256
// seeds, so each file also carries its number in a comment (COM) segment:
// no two files have the same bytes, as no two camera shots do.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "tests/testing/test_util.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: make_jpegs OUT_DIR COUNT WIDTH HEIGHT\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  const int count = std::atoi(argv[2]), w = std::atoi(argv[3]), h = std::atoi(argv[4]);
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "IMG_%04d.JPG", i);
    std::string jpeg = octopus::testing::MakeJpeg(w, h, i, 92);
    const std::string text = "octopus bench " + std::to_string(i);
    const std::size_t len = text.size() + 2;
    jpeg.insert(2, std::string{'\xFF', '\xFE', static_cast<char>(len >> 8),
                               static_cast<char>(len & 0xFF)} +
                       text);
    octopus::testing::WriteFile(out / name, jpeg);
  }
  return 0;
}
