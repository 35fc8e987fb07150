// make_jpegs OUT_DIR COUNT WIDTH HEIGHT: writes COUNT distinct camera-sized
// JPEGs (quality 92) for the benchmarks.
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
    octopus::testing::WriteFile(out / name, octopus::testing::MakeJpeg(w, h, i, 92));
  }
  return 0;
}
