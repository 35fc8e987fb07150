#include "core/image/jpeg_codec.h"

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>
#include <turbojpeg.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// The decoder after its header is read, and the DCT scale to decode at.
struct Decoder {
  TjHandle tj;
  int width = 0, height = 0, subsamp = 0, colorspace = 0;
  int out_w = 0, out_h = 0;  // scaled size
};

Result<Decoder> StartDecode(std::span<const std::uint8_t> file, int min_long_side) {
  Decoder d{TjHandle(tjInitDecompress())};
  if (!d.tj) return Status::Internal("cannot start the JPEG decoder");
  if (tjDecompressHeader3(d.tj.get(), file.data(), file.size(), &d.width, &d.height, &d.subsamp,
                          &d.colorspace) != 0) {
    return JpegError("cannot read the JPEG header", d.tj.get());
  }
  if (d.width <= 0 || d.height <= 0) {
    return Status::UnsupportedMedia("not a supported image: JPEG has no size");
  }
  int count = 0;
  const tjscalingfactor* factors = tjGetScalingFactors(&count);
  d.out_w = d.width;
  d.out_h = d.height;
  for (int i = 0; i < count; ++i) {
    const tjscalingfactor f = factors[i];
    // 1/1, 1/2, 1/4 and 1/8 have SIMD IDCTs. Of the scales in plain C, 3/8
    // pays: a 12 MP photo decodes to 1500 px instead of 2000 for the
    // 1440 px preview, 3% more decode time for half the resampling (CPU
    // per photo 70 -> 67 ms). The larger eighths (5/8 to 7/8) save fewer
    // pixels for their C IDCT and are not used.
    const bool simd = f.num == 1 && (f.denom == 1 || f.denom == 2 || f.denom == 4 || f.denom == 8);
    if (!simd && !(f.num == 3 && f.denom == 8)) continue;
    const int sw = TJSCALED(d.width, f), sh = TJSCALED(d.height, f);
    if (std::max(sw, sh) >= min_long_side &&
        sw * static_cast<long>(sh) < d.out_w * static_cast<long>(d.out_h)) {
      d.out_w = sw;
      d.out_h = sh;
    }
  }
  return d;
}

// A failed decode call: libjpeg warnings (common in camera files) are fine,
// unless the data was cut short.
Status DecodeResult(int rc, std::span<const std::uint8_t> file, void* tj) {
  if (rc == 0) return Status::Ok();
  if (tjGetErrorCode(tj) != TJERR_WARNING) {
    // libjpeg's memory cap (SetProcessJpegMemoryLimit) reached: it has no
    // backing store to spill to.
    if (std::strstr(tjGetErrorStr2(tj), "Backing store") != nullptr) {
      return Status::TooLarge("image too large: decoding it needs more memory than allowed");
    }
    return JpegError("corrupt JPEG", tj);
  }
  if (!EndsWithEoi(file)) {
    return Status::UnsupportedMedia("not a supported image: the JPEG is truncated");
  }
  return Status::Ok();
}

// What libjpeg's header says about the memory a decode needs.
struct ScanLayout {
  // Bytes of DCT coefficients libjpeg buffers for the whole image; 0 for a
  // file in one interleaved scan (decoded a row of blocks at a time).
  std::uint64_t coefficient_bytes = 0;
  int components = 0;
  int max_v_samp = 1;
};

// A libjpeg decompressor that only reads headers, with an error manager that
// jumps back instead of exiting. Owns its jpeg_decompress_struct.
class JpegHeaderReader {
 public:
  JpegHeaderReader() {
    cinfo_.err = jpeg_std_error(&err_.mgr);
    err_.mgr.error_exit = [](j_common_ptr cinfo) {
      std::longjmp(reinterpret_cast<ErrorJump*>(cinfo->err)->jump, 1);
    };
    err_.mgr.output_message = [](j_common_ptr) {};
  }
  ~JpegHeaderReader() { jpeg_destroy_decompress(&cinfo_); }
  JpegHeaderReader(const JpegHeaderReader&) = delete;
  JpegHeaderReader& operator=(const JpegHeaderReader&) = delete;

  // False when libjpeg cannot read the header. Hazard: libjpeg leaves this
  // frame by longjmp, so nothing in it may have a destructor.
  bool Read(std::span<const std::uint8_t> file, ScanLayout* out) {
    if (setjmp(err_.jump) != 0) return false;
    jpeg_create_decompress(&cinfo_);
    jpeg_mem_src(&cinfo_, file.data(), static_cast<unsigned long>(file.size()));
    if (jpeg_read_header(&cinfo_, TRUE) != JPEG_HEADER_OK) return false;
    // libjpeg's own test (jdinput.c): the first scan does not hold every
    // component, or the file is progressive.
    const bool multi_scan = cinfo_.progressive_mode || cinfo_.comps_in_scan < cinfo_.num_components;
    out->components = cinfo_.num_components;
    out->max_v_samp = cinfo_.max_v_samp_factor;
    out->coefficient_bytes = 0;
    for (int i = 0; multi_scan && i < cinfo_.num_components; ++i) {
      const jpeg_component_info& c = cinfo_.comp_info[i];
      // jdcoefct.c: blocks rounded up to whole MCUs of the component.
      const auto round_up = [](std::uint64_t n, int m) { return (n + m - 1) / m * m; };
      out->coefficient_bytes += round_up(c.width_in_blocks, c.h_samp_factor) *
                                round_up(c.height_in_blocks, c.v_samp_factor) * sizeof(JBLOCK);
    }
    return true;
  }

 private:
  struct ErrorJump {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
  };
  jpeg_decompress_struct cinfo_{};
  ErrorJump err_{};
};

// Runs `compress(handle, &buffer, &size)` (a tjCompress* call) on an encoder
// of its own and returns the JPEG it made.
template <typename Compress>
Result<std::string> Encode(Compress compress) {
  TjHandle tj(tjInitCompress());
  if (!tj) return Status::Internal("cannot start the JPEG encoder");
  unsigned char* raw = nullptr;
  unsigned long size = 0;
  const int rc = compress(tj.get(), &raw, &size);
  std::unique_ptr<unsigned char, TjBufferDeleter> buf(raw);
  if (rc != 0)
    return Status::Internal(std::string("JPEG encoding failed: ") + tjGetErrorStr2(tj.get()));
  return std::string(reinterpret_cast<const char*>(buf.get()), size);
}

// LIMITSCANS: refuse progressive files with absurd scan counts (a CPU bomb).
// The default (fast integer) IDCT is plenty for a downscaled thumbnail.
constexpr int kDecodeFlags = TJFLAG_LIMITSCANS;

}  // namespace

Result<JpegHeader> ReadJpegHeader(std::span<const std::uint8_t> file) {
  auto d = StartDecode(file, 0);
  if (!d.ok()) return d.status();
  return JpegHeader{d->width, d->height, d->colorspace == TJCS_YCbCr && d->subsamp != TJSAMP_GRAY};
}

Result<std::uint64_t> JpegDecodeMemory(std::span<const std::uint8_t> file, int min_long_side) {
  auto d = StartDecode(file, min_long_side);
  if (!d.ok()) return d.status();
  ScanLayout layout;
  if (!JpegHeaderReader().Read(file, &layout)) {
    return Status::UnsupportedMedia("not a supported image: cannot read the JPEG header");
  }
  // Output: 3 bytes a pixel (RGB; the planes take less). Working rows: the
  // decoder's and upsampler's buffers, a few rows of 8 full-width blocks per
  // component and sampling factor, counted generously (they are small).
  const std::uint64_t output = 3ULL * d->out_w * d->out_h;
  const std::uint64_t rows =
      4ULL * 8 * static_cast<std::uint64_t>(d->width) * layout.components * layout.max_v_samp;
  return layout.coefficient_bytes + output + rows;
}

void SetProcessJpegMemoryLimit(std::uint64_t bytes) {
  // jmemmgr.c reads JPEGMEM in thousands of bytes.
  ::setenv("JPEGMEM", std::to_string(std::max<std::uint64_t>(1, bytes / 1000)).c_str(), 1);
}

Result<RgbImage> DecodeJpeg(std::span<const std::uint8_t> file, int min_long_side) {
  auto d = StartDecode(file, min_long_side);
  if (!d.ok()) return d.status();
  RgbImage img(d->out_w, d->out_h);
  const int rc = tjDecompress2(d->tj.get(), file.data(), file.size(), img.data(), d->out_w, 0,
                               d->out_h, TJPF_RGB, kDecodeFlags);
  if (Status s = DecodeResult(rc, file, d->tj.get()); !s.ok()) return s;
  return img;
}

Result<YccImage> DecodeJpegYcc(std::span<const std::uint8_t> file, int min_long_side) {
  auto d = StartDecode(file, min_long_side);
  if (!d.ok()) return d.status();
  if (d->colorspace != TJCS_YCbCr || d->subsamp == TJSAMP_GRAY) {
    return Status::Internal("DecodeJpegYcc: the JPEG is not YCbCr");
  }
  YccImage img;
  Plane* planes[3] = {&img.y, &img.cb, &img.cr};
  unsigned char* data[3];
  int strides[3];
  for (int i = 0; i < 3; ++i) {
    *planes[i] =
        Plane(tjPlaneWidth(i, d->out_w, d->subsamp), tjPlaneHeight(i, d->out_h, d->subsamp));
    data[i] = planes[i]->data();
    strides[i] = planes[i]->width;
  }
  const int rc = tjDecompressToYUVPlanes(d->tj.get(), file.data(), file.size(), data, d->out_w,
                                         strides, d->out_h, kDecodeFlags);
  if (Status s = DecodeResult(rc, file, d->tj.get()); !s.ok()) return s;
  // A subsampled file of odd size has a luma plane one column or row
  // larger than the image (a repeated edge): cut it back.
  if (img.y.width != d->out_w || img.y.height != d->out_h) {
    img.y = Refit(img.y, d->out_w, d->out_h);
  }
  return img;
}

Result<std::string> EncodeJpeg(const RgbImage& image, int quality) {
  return Encode([&](void* tj, unsigned char** raw, unsigned long* size) {
    return tjCompress2(tj, image.data(), image.width, 0, image.height, TJPF_RGB, raw, size,
                       TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
  });
}

Result<std::string> EncodeJpeg(const YccImage& image, int quality) {
  const int w = image.width(), h = image.height();
  for (int i : {1, 2}) {
    const Plane& c = i == 1 ? image.cb : image.cr;
    if (c.width != tjPlaneWidth(i, w, TJSAMP_420) || c.height != tjPlaneHeight(i, h, TJSAMP_420)) {
      return Status::Internal("EncodeJpeg: chroma planes are not 4:2:0");
    }
  }
  // libjpeg reads 4:2:0 luma in pairs of rows and columns: an odd-sized
  // image gets its last row or column repeated, as libjpeg does for RGB.
  Plane padded;
  const Plane* y = &image.y;
  const int yw = tjPlaneWidth(0, w, TJSAMP_420), yh = tjPlaneHeight(0, h, TJSAMP_420);
  if (yw != w || yh != h) {
    padded = Refit(image.y, yw, yh);
    y = &padded;
  }
  const unsigned char* data[3] = {y->data(), image.cb.data(), image.cr.data()};
  const int strides[3] = {y->width, image.cb.width, image.cr.width};
  return Encode([&](void* tj, unsigned char** raw, unsigned long* size) {
    return tjCompressFromYUVPlanes(tj, data, w, strides, h, TJSAMP_420, raw, size, quality,
                                   TJFLAG_ACCURATEDCT);
  });
}

}  // namespace octopus::image
