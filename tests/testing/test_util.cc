#include "tests/testing/test_util.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <turbojpeg.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace octopus::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "octopus-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string MakeJpeg(int width, int height, int seed, int quality) {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      unsigned char* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      p[0] = static_cast<unsigned char>((x * 255) / std::max(1, width - 1));
      p[1] = static_cast<unsigned char>((y * 255) / std::max(1, height - 1));
      p[2] = static_cast<unsigned char>((seed * 37 + x * y) & 0xff);
    }
  }
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  if (tjCompress2(tj.get(), rgb.data(), width, 0, height, TJPF_RGB, &out, &size, TJSAMP_420,
                  quality, 0) != 0) {
    throw std::runtime_error(tjGetErrorStr2(tj.get()));
  }
  std::string jpeg(reinterpret_cast<char*>(out), size);
  tjFree(out);
  return jpeg;
}

std::string MakeDistinctJpeg(int width, int height, int seed) {
  const std::string jpeg = MakeJpeg(width, height, seed);
  const std::string text = "octopus test photo " + std::to_string(seed);
  const std::size_t len = text.size() + 2;  // the length field counts itself
  std::string com = "\xFF\xFE";
  com.push_back(static_cast<char>(len >> 8));
  com.push_back(static_cast<char>(len & 0xff));
  com += text;
  return jpeg.substr(0, 2) + com + jpeg.substr(2);
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path SamplePhotos() {
  const fs::path p = OCTOPUS_SAMPLE_PHOTOS;
  std::error_code ec;
  return fs::is_directory(p, ec) ? p : fs::path();
}

std::vector<fs::path> SamplePhotoFiles() {
  std::vector<fs::path> out;
  const fs::path dir = SamplePhotos();
  if (dir.empty()) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension().string();
    if (ext == ".jpg" || ext == ".heic" || ext == ".heif") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& command, int timeout_s) {
  const std::string full =
      "timeout -k 5 " + std::to_string(timeout_s) + " /bin/sh -c " + Quote(command) + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string OctopusBinary() { return OCTOPUS_BINARY; }

}  // namespace octopus::testing
