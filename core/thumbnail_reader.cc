#include "core/thumbnail_reader.h"

#include "core/file_util.h"
#include "core/store/photo_store.h"

namespace octopus {
namespace {
// A 1440 px JPEG preview is a few hundred kilobytes; anything far larger in
// the thumbnail folder is not a thumbnail of ours.
constexpr std::size_t kMaxThumbnailBytes = 32 * 1024 * 1024;
}  // namespace

BlobKind BlobKindOf(ThumbnailSize size) {
  return size == ThumbnailSize::kSmall ? BlobKind::kSmall : BlobKind::kPreview;
}

Result<std::shared_ptr<const ThumbnailBytes>> ThumbnailReader::Read(UserId owner,
                                                                    const std::string& id,
                                                                    ThumbnailSize size) {
  // Read before the query: a deletion committed after the query began moves
  // the epoch past this value.
  const std::optional<std::uint64_t> epoch = epoch_.Stable();
  if (epoch) {
    if (auto cached = cache_.Find(owner, id, size, *epoch)) return cached;
  }
  Photo photo;
  {
    ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    ASSIGN_OR_RETURN(photo, PhotoStore(*db).Get(owner, id));
  }
  ASSIGN_OR_RETURN(
      std::string jpeg,
      ReadSmallFile(blobs_.PathOf(owner, photo.sha256, BlobKindOf(size)), kMaxThumbnailBytes));
  auto thumbnail = std::make_shared<const ThumbnailBytes>(
      ThumbnailBytes{std::move(photo.sha256), std::move(jpeg)});
  if (epoch) cache_.Insert(owner, id, size, thumbnail, *epoch);
  return thumbnail;
}

}  // namespace octopus
