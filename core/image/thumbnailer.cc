#include "core/image/thumbnailer.h"

#include <algorithm>

#include "core/image/decode_gate.h"
#include "core/image/heif_file.h"
#include "core/image/jpeg_codec.h"
#include "core/image/pixels.h"

namespace octopus::image {
namespace {

Status CheckPixels(int width, int height, const ThumbnailSpec& spec) {
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels > spec.max_pixels) {
    return Status::TooLarge("image too large: " + std::to_string(width) + "x" +
                            std::to_string(height) + " is over the limit of " +
                            std::to_string(spec.max_pixels) + " pixels");
  }
  return Status::Ok();
}

Status CheckDecodeMemory(std::uint64_t needed, const ThumbnailSpec& spec) {
  if (spec.max_decode_memory == 0 || needed <= spec.max_decode_memory) return Status::Ok();
  constexpr std::uint64_t kMiB = 1 << 20;
  return Status::TooLarge(
      "image too large to decode: it needs " + std::to_string((needed + kMiB - 1) / kMiB) +
      " MiB of memory, over the limit of " + std::to_string(spec.max_decode_memory / kMiB) +
      " MiB (OCTOPUS_MAX_DECODE_MEMORY)");
}

CountingGate::Pass WaitForDecode(const ThumbnailSpec& spec) {
  return (spec.gate != nullptr ? *spec.gate : SharedDecodeGate()).Enter();
}

int Width(const RgbImage& image) { return image.width; }
int Height(const RgbImage& image) { return image.height; }
int Width(const YccImage& image) { return image.width(); }
int Height(const YccImage& image) { return image.height(); }

// Preview and small thumbnail from decoded pixels (RGB or JPEG planes): the
// preview resampled from the decode, the small one from the preview, both
// turned upright unless the decoder did it.
template <typename Image>
Result<Thumbnails> FromPixels(Image decoded, bool oriented, int orientation, int preview_px,
                              int small_px, int quality) {
  int w = 0, h = 0;
  FitLongSide(Width(decoded), Height(decoded), preview_px, &w, &h);
  Image preview = Resize(decoded, w, h);
  decoded = Image();  // free the full decode early
  FitLongSide(Width(preview), Height(preview), small_px, &w, &h);
  Image small = Resize(preview, w, h);
  if (!oriented) {
    preview = Orient(std::move(preview), orientation);
    small = Orient(std::move(small), orientation);
  }
  Thumbnails out;
  auto small_jpeg = EncodeJpeg(small, quality);
  if (!small_jpeg.ok()) return small_jpeg.status();
  auto preview_jpeg = EncodeJpeg(preview, quality);
  if (!preview_jpeg.ok()) return preview_jpeg.status();
  out.small_jpeg = std::move(small_jpeg).value();
  out.preview_jpeg = std::move(preview_jpeg).value();
  return out;
}

}  // namespace

Result<Thumbnails> MakeThumbnails(std::span<const std::uint8_t> file, MediaType type,
                                  int orientation, const ThumbnailSpec& spec) {
  const int preview_px = std::max(1, spec.preview_px);
  const int small_px = std::max(1, std::min(spec.small_px, preview_px));
  if (type == MediaType::kJpeg) {
    auto header = ReadJpegHeader(file);
    if (!header.ok()) return header.status();
    if (Status s = CheckPixels(header->width, header->height, spec); !s.ok()) return s;
    ASSIGN_OR_RETURN(const std::uint64_t needed, JpegDecodeMemory(file, preview_px));
    RETURN_IF_ERROR(CheckDecodeMemory(needed, spec));
    const CountingGate::Pass pass = WaitForDecode(spec);
    // The scaled IDCT, so a 24 MP photo is never decoded whole; a YCbCr file
    // stays in its planes from decode to encode.
    if (header->ycc) {
      auto planes = DecodeJpegYcc(file, preview_px);
      if (!planes.ok()) return planes.status();
      return FromPixels(std::move(planes).value(), false, orientation, preview_px, small_px,
                        spec.quality);
    }
    auto rgb = DecodeJpeg(file, preview_px);
    if (!rgb.ok()) return rgb.status();
    return FromPixels(std::move(rgb).value(), false, orientation, preview_px, small_px,
                      spec.quality);
  }
  if (type == MediaType::kHeif) {
    auto heif = HeifFile::Open(file);
    if (!heif.ok()) return heif.status();
    if (Status s = CheckPixels(heif->width(), heif->height(), spec); !s.ok()) return s;
    RETURN_IF_ERROR(CheckDecodeMemory(heif->DecodeMemory(), spec));
    const CountingGate::Pass pass = WaitForDecode(spec);
    auto rgb = heif->Decode(spec.max_pixels);
    if (!rgb.ok()) return rgb.status();
    // libheif applied irot/imir.
    return FromPixels(std::move(rgb).value(), true, orientation, preview_px, small_px,
                      spec.quality);
  }
  return Status::UnsupportedMedia("not a supported image: not JPEG or HEIC");
}

}  // namespace octopus::image
