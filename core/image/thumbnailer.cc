#include "core/image/thumbnailer.h"

#include <algorithm>

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

// Decoded pixels, at least `min_long_side` on the long side when the image is
// that big. JPEG uses the scaled IDCT so a 24 MP photo is never decoded whole.
Result<RgbImage> DecodeForThumbnails(std::span<const std::uint8_t> file, MediaType type,
                                     int min_long_side, const ThumbnailSpec& spec, bool* oriented) {
  *oriented = false;
  if (type == MediaType::kJpeg) {
    auto header = ReadJpegHeader(file);
    if (!header.ok()) return header.status();
    if (Status s = CheckPixels(header->width, header->height, spec); !s.ok()) return s;
    return DecodeJpeg(file, min_long_side);
  }
  if (type == MediaType::kHeif) {
    auto heif = HeifFile::Open(file);
    if (!heif.ok()) return heif.status();
    if (Status s = CheckPixels(heif->width(), heif->height(), spec); !s.ok()) return s;
    *oriented = true;  // libheif applied irot/imir
    return heif->Decode();
  }
  return Status::UnsupportedMedia("not a supported image: not JPEG or HEIC");
}

}  // namespace

Result<Thumbnails> MakeThumbnails(std::span<const std::uint8_t> file, MediaType type,
                                  int orientation, const ThumbnailSpec& spec) {
  const int preview_px = std::max(1, spec.preview_px);
  const int small_px = std::max(1, std::min(spec.small_px, preview_px));
  bool oriented = false;
  auto decoded = DecodeForThumbnails(file, type, preview_px, spec, &oriented);
  if (!decoded.ok()) return decoded.status();

  int w = 0, h = 0;
  FitLongSide(decoded->width, decoded->height, preview_px, &w, &h);
  RgbImage preview = Resize(*decoded, w, h);
  decoded = RgbImage();  // free the full decode early
  FitLongSide(preview.width, preview.height, small_px, &w, &h);
  RgbImage small = Resize(preview, w, h);
  if (!oriented) {
    preview = Orient(std::move(preview), orientation);
    small = Orient(std::move(small), orientation);
  }
  Thumbnails out;
  auto small_jpeg = EncodeJpeg(small, spec.quality);
  if (!small_jpeg.ok()) return small_jpeg.status();
  auto preview_jpeg = EncodeJpeg(preview, spec.quality);
  if (!preview_jpeg.ok()) return preview_jpeg.status();
  out.small_jpeg = std::move(small_jpeg).value();
  out.preview_jpeg = std::move(preview_jpeg).value();
  return out;
}

}  // namespace octopus::image
