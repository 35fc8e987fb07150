#include "tests/testing/hostile_files.h"

#include <turbojpeg.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "tests/testing/test_util.h"

namespace octopus::testing {

namespace {

std::string U16le(int v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)};
}
std::string U32le(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
          static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
}

}  // namespace

std::string TextFile() { return "DCIM index\nIMG_0001.JPG\n"; }

std::string TruncatedJpeg() {
  const std::string jpeg = MakeJpeg(800, 600, 2);
  return jpeg.substr(0, jpeg.size() / 3);
}

namespace {

// Writes `side` as the height and width of the frame header `marker`
// (SOF0 "\xFF\xC0", SOF2 "\xFF\xC2") of a small JPEG.
std::string WithFrameSide(std::string jpeg, std::string_view marker, int side) {
  const std::size_t sof = jpeg.find(marker);
  if (sof == std::string::npos) throw std::runtime_error("no such frame header in the JPEG");
  for (int i : {5, 7}) {  // height, then width
    jpeg[sof + i] = static_cast<char>((side >> 8) & 0xff);
    jpeg[sof + i + 1] = static_cast<char>(side & 0xff);
  }
  return jpeg;
}

}  // namespace

std::string DecompressionBombJpeg(int side) {
  return WithFrameSide(MakeJpeg(16, 16, 3), "\xFF\xC0", side);
}

std::string ProgressiveJpeg(int width, int height) {
  // Planes rather than RGB: a third less memory for the big ones.
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  std::vector<unsigned char> yuv(plane * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * width + x;
      yuv[i] = static_cast<unsigned char>((x + y) / 64 % 256);
      yuv[plane + i] = static_cast<unsigned char>(96 + x / 256 % 64);
      yuv[2 * plane + i] = static_cast<unsigned char>(96 + y / 256 % 64);
    }
  }
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  if (tjCompressFromYUV(tj.get(), yuv.data(), width, 1, height, TJSAMP_444, &out, &size, 90,
                        TJFLAG_PROGRESSIVE) != 0) {
    throw std::runtime_error(tjGetErrorStr2(tj.get()));
  }
  std::string jpeg(reinterpret_cast<char*>(out), size);
  tjFree(out);
  return jpeg;
}

std::string ProgressiveJpegBomb(int side) {
  return WithFrameSide(ProgressiveJpeg(16, 16), "\xFF\xC2", side);
}

std::string JpegWithLoopingExif() {
  const std::string jpeg = MakeJpeg(32, 32, 4);
  // TIFF little-endian header, IFD0 at 8 with 3 entries; next IFD -> 8.
  std::string tiff("II*\0\x08\0\0\0", 8);
  tiff += U16le(3);
  tiff += U16le(0x0112) + U16le(3) + U32le(1) + U32le(6);               // Orientation 6
  tiff += U16le(0x010F) + U16le(2) + U32le(0x7fffffff) + U32le(0x100);  // Make, absurd count
  tiff += U16le(0x8769) + U16le(4) + U32le(1) + U32le(0x7ffffff0);      // Exif IFD past the end
  tiff += U32le(8);                                                     // next IFD: itself
  const std::string app1 = std::string("Exif\0\0", 6) + tiff;
  const std::size_t len = app1.size() + 2;
  return jpeg.substr(0, 2) + "\xFF\xE1" + static_cast<char>(len >> 8) +
         static_cast<char>(len & 0xff) + app1 + jpeg.substr(2);
}

std::string HeifWithoutPrimaryImage() {
  std::string heif(
      "\0\0\0\x18"
      "ftypheic\0\0\0\0"
      "mif1heic",
      24);
  heif += std::string(
      "\0\0\0\x0c"
      "meta\0\0\0\0",
      12);
  return heif;
}

std::string HeifGridReferringToItself() {
  return ReadFile(std::filesystem::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/hostile" /
                  "heif-grid-refers-to-itself.heic");
}

std::string HeifGridWithOversizedCanvas() {
  return ReadFile(std::filesystem::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/hostile" /
                  "heif-grid-canvas-too-large.heic");
}

void WriteSparseJpeg(const std::filesystem::path& path, long long size) {
  WriteFile(path, std::string("\xFF\xD8\xFF\xE0", 4));
  if (::truncate(path.c_str(), size) != 0) throw std::runtime_error("truncate failed");
}

std::string HeicWithBrokenExif(const std::filesystem::path& scratch_dir) {
  if (RunCommand("command -v heif-enc >/dev/null && command -v exiv2 >/dev/null").exit_code != 0) {
    return "";
  }
  const auto jpeg = scratch_dir / "heic-source.jpg";
  const auto heic = scratch_dir / "heic-broken-exif.heic";
  WriteFile(jpeg, MakeJpeg(96, 64, 11));
  auto r = RunCommand("exiv2 -M'set Exif.Image.Make Octopus' -M'set Exif.Image.Model Broken' " +
                      Quote(jpeg.string()) + " && heif-enc -q 50 -o " + Quote(heic.string()) + " " +
                      Quote(jpeg.string()));
  if (r.exit_code != 0) throw std::runtime_error("heif-enc: " + r.output);
  std::string bytes = ReadFile(heic);
  // The Exif item holds a 4-byte offset, then the TIFF header ("MM\0*" or
  // "II*\0"): overwrite the header and the first IFD offset.
  std::size_t at = bytes.find(std::string("MM\0*", 4));
  if (at == std::string::npos) at = bytes.find(std::string("II*\0", 4));
  if (at == std::string::npos) throw std::runtime_error("no TIFF header in the HEIC's Exif");
  for (std::size_t i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(0xA5);
  return bytes;
}

}  // namespace octopus::testing
