// Helpers shared by every test program: temporary directories, generated
// JPEG fixtures, the sample photos, running real commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace octopus::testing {

// A fresh directory under /tmp, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Polls `pred` every 20 ms until it holds or `seconds` pass; returns its
// last answer. For state another thread or process changes: a bounded
// wait, never a sleep standing in for synchronisation.
template <typename Pred>
bool PollUntil(Pred pred, double seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

// A real baseline JPEG of w x h pixels whose content depends on `seed` (so
// different seeds give different bytes), encoded with libjpeg-turbo.
std::string MakeJpeg(int width, int height, int seed, int quality = 85);

// The bytes of a string literal, embedded NULs included, without its
// terminator: Bytes("a\0b") is 3 bytes. No hand-counted lengths.
template <std::size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}
// A string's bytes as the span the image functions take.
inline std::span<const std::uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
// MakeJpeg with a COM segment carrying `seed` right after SOI: distinct bytes
// for every seed (MakeJpeg's pixels repeat every 256 seeds, and tiny images
// of nearby seeds may encode alike).
std::string MakeDistinctJpeg(int width, int height, int seed);
void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::string ReadFile(const std::filesystem::path& path);

// ../shared/photos beside the repository; empty if absent.
std::filesystem::path SamplePhotos();
// The sample photo files (JPEG and HEIF), sorted by name.
std::vector<std::filesystem::path> SamplePhotoFiles();

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};
// Runs `command` with /bin/sh, capturing its output. Bounded by `timeout_s`
// (the command is killed with `timeout`).
CommandResult RunCommand(const std::string& command, int timeout_s = 120);

// Shell-quotes one argument.
std::string Quote(const std::string& arg);

// The built `octopus` binary.
std::string OctopusBinary();

}  // namespace octopus::testing
