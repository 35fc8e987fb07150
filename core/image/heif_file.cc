#include "core/image/heif_file.h"

#include <libheif/heif.h>

#include <cstring>
#include <vector>

#include "core/image/heif_items.h"

namespace octopus::image {
namespace {

Status HeifError(const char* what, const heif_error& err) {
  return Status::UnsupportedMedia(std::string("not a supported image: ") + what + ": " +
                                  (err.message ? err.message : "unknown error"));
}

struct ImageDeleter {
  void operator()(heif_image* img) const { heif_image_release(img); }
};

struct OptionsDeleter {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

}  // namespace

void HeifFile::ContextDeleter::operator()(heif_context* ctx) const { heif_context_free(ctx); }
void HeifFile::HandleDeleter::operator()(heif_image_handle* h) const {
  heif_image_handle_release(h);
}

Result<HeifFile> HeifFile::Open(std::span<const std::uint8_t> file) {
  HeifFile out;
  out.file_ = file;
  out.ctx_.reset(heif_context_alloc());
  if (!out.ctx_) return Status::Internal("cannot start the HEIF decoder");
  heif_error err =
      heif_context_read_from_memory_without_copy(out.ctx_.get(), file.data(), file.size(), nullptr);
  if (err.code != heif_error_Ok) return HeifError("cannot read the HEIF file", err);
  heif_image_handle* primary = nullptr;
  err = heif_context_get_primary_image_handle(out.ctx_.get(), &primary);
  if (err.code != heif_error_Ok) return HeifError("HEIF without a primary image", err);
  out.primary_.reset(primary);
  if (out.width() <= 0 || out.height() <= 0) {
    return Status::UnsupportedMedia("not a supported image: HEIF image has no size");
  }
  return out;
}

int HeifFile::width() const { return heif_image_handle_get_ispe_width(primary_.get()); }
int HeifFile::height() const { return heif_image_handle_get_ispe_height(primary_.get()); }

std::uint64_t HeifFile::DecodeMemory() const {
  const int bits = heif_image_handle_get_luma_bits_per_pixel(primary_.get());
  const std::uint64_t plane_bytes = 3ULL * (bits > 8 ? 2 : 1);
  return static_cast<std::uint64_t>(width()) * static_cast<std::uint64_t>(height()) *
         (plane_bytes + 3 + 3);
}

std::string HeifFile::ExifTiff() const {
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(primary_.get(), "Exif", &id, 1) != 1) {
    return {};
  }
  const std::size_t size = heif_image_handle_get_metadata_size(primary_.get(), id);
  if (size < 4 || size > (64u << 20)) return {};
  std::vector<std::uint8_t> block(size);
  if (heif_image_handle_get_metadata(primary_.get(), id, block.data()).code != heif_error_Ok) {
    return {};
  }
  // ISO/IEC 23008-12 Annex A: a 4-byte big-endian offset from the end of the
  // field to the TIFF header (usually 0, or 6 to skip "Exif\0\0").
  const std::uint32_t offset = (std::uint32_t{block[0]} << 24) | (std::uint32_t{block[1]} << 16) |
                               (std::uint32_t{block[2]} << 8) | std::uint32_t{block[3]};
  if (offset > size - 4) return {};
  std::size_t start = 4 + offset;
  // Some writers set offset 0 yet still put "Exif\0\0" first.
  if (size - start >= 6 && std::memcmp(block.data() + start, "Exif\0\0", 6) == 0) start += 6;
  return std::string(reinterpret_cast<const char*>(block.data() + start), size - start);
}

Result<RgbImage> HeifFile::Decode(std::uint64_t max_pixels) const {
  if (Status s = CheckHeifDerivedImages(file_, max_pixels); !s.ok()) return s;
  std::unique_ptr<heif_decoding_options, OptionsDeleter> options(heif_decoding_options_alloc());
  heif_image* raw = nullptr;
  const heif_error err = heif_decode_image(primary_.get(), &raw, heif_colorspace_RGB,
                                           heif_chroma_interleaved_RGB, options.get());
  std::unique_ptr<heif_image, ImageDeleter> img(raw);
  if (err.code != heif_error_Ok) return HeifError("cannot decode the HEIF image", err);
  const int w = heif_image_get_width(img.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(img.get(), heif_channel_interleaved);
  int stride = 0;
  const std::uint8_t* plane =
      heif_image_get_plane_readonly(img.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || w <= 0 || h <= 0) {
    return Status::UnsupportedMedia("not a supported image: HEIF decoded to no pixels");
  }
  RgbImage out(w, h);
  for (int y = 0; y < h; ++y) {
    std::memcpy(out.row(y), plane + static_cast<std::size_t>(y) * stride,
                static_cast<std::size_t>(w) * 3);
  }
  return out;
}

}  // namespace octopus::image
