#include "core/image/jpeg_codec.h"

#include <turbojpeg.h>

#include <memory>

namespace octopus::image {
namespace {

struct TjDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

struct TjBufferDeleter {
  void operator()(unsigned char* buf) const { tjFree(buf); }
};

Status JpegError(const char* what, void* handle) {
  return Status::UnsupportedMedia(std::string("not a supported image: ") + what + ": " +
                                  tjGetErrorStr2(handle));
}

// A JPEG ends with EOI (FF D9); camera files may carry a few padding bytes
// after it. No EOI near the end means the file was cut short.
bool EndsWithEoi(std::span<const std::uint8_t> file) {
  const std::size_t tail = std::min<std::size_t>(file.size(), 4096);
  for (std::size_t i = file.size() - tail; i + 1 < file.size(); ++i) {
    if (file[i] == 0xFF && file[i + 1] == 0xD9) return true;
  }
  return false;
}

}  // namespace

Result<JpegHeader> ReadJpegHeader(std::span<const std::uint8_t> file) {
  TjHandle tj(tjInitDecompress());
  if (!tj) return Status::Internal("cannot start the JPEG decoder");
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), file.data(), file.size(), &w, &h, &subsamp, &colorspace) != 0) {
    return JpegError("cannot read the JPEG header", tj.get());
  }
  if (w <= 0 || h <= 0) return Status::UnsupportedMedia("not a supported image: JPEG has no size");
  return JpegHeader{w, h};
}

Result<RgbImage> DecodeJpeg(std::span<const std::uint8_t> file, int min_long_side) {
  TjHandle tj(tjInitDecompress());
  if (!tj) return Status::Internal("cannot start the JPEG decoder");
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), file.data(), file.size(), &w, &h, &subsamp, &colorspace) != 0) {
    return JpegError("cannot read the JPEG header", tj.get());
  }
  int count = 0;
  const tjscalingfactor* factors = tjGetScalingFactors(&count);
  int out_w = w, out_h = h;
  for (int i = 0; i < count; ++i) {
    const tjscalingfactor f = factors[i];
    // Only 1/1, 1/2, 1/4 and 1/8 have SIMD IDCTs; the other eighths run in
    // plain C and cost more than the resampling they would save.
    if (f.num != 1 || (f.denom != 1 && f.denom != 2 && f.denom != 4 && f.denom != 8)) continue;
    const int sw = TJSCALED(w, f), sh = TJSCALED(h, f);
    if (std::max(sw, sh) >= min_long_side &&
        sw * static_cast<long>(sh) < out_w * static_cast<long>(out_h)) {
      out_w = sw;
      out_h = sh;
    }
  }
  RgbImage img(out_w, out_h);
  // LIMITSCANS: refuse progressive files with absurd scan counts (a CPU bomb).
  // The default (fast integer) IDCT is plenty for a downscaled thumbnail.
  const int flags = TJFLAG_LIMITSCANS;
  if (tjDecompress2(tj.get(), file.data(), file.size(), img.data(), out_w, 0, out_h, TJPF_RGB,
                    flags) != 0) {
    if (tjGetErrorCode(tj.get()) != TJERR_WARNING) return JpegError("corrupt JPEG", tj.get());
    if (!EndsWithEoi(file)) {
      return Status::UnsupportedMedia("not a supported image: the JPEG is truncated");
    }
  }
  return img;
}

Result<std::string> EncodeJpeg(const RgbImage& image, int quality) {
  TjHandle tj(tjInitCompress());
  if (!tj) return Status::Internal("cannot start the JPEG encoder");
  unsigned char* raw = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(tj.get(), image.data(), image.width, 0, image.height, TJPF_RGB, &raw,
                             &size, TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
  std::unique_ptr<unsigned char, TjBufferDeleter> buf(raw);
  if (rc != 0)
    return Status::Internal(std::string("JPEG encoding failed: ") + tjGetErrorStr2(tj.get()));
  return std::string(reinterpret_cast<const char*>(buf.get()), size);
}

}  // namespace octopus::image
