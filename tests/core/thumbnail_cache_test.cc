// The thumbnail cache (core/thumbnail_cache.h) and Library::ReadThumbnail
// over it: a thumbnail read once is served from memory, but never after the
// photo was deleted, by this library, another Library on the same home, or
// another process, and never to another user.
#include "core/thumbnail_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/file_util.h"
#include "core/library.h"
#include "tests/testing/library_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

std::shared_ptr<const ThumbnailBytes> Bytes(char fill, std::size_t n) {
  return std::make_shared<const ThumbnailBytes>(ThumbnailBytes{"sha", std::string(n, fill)});
}

TEST(ThumbnailCacheTest, HitsOnlyForTheOwnerTheSizeAndTheEpoch) {
  ThumbnailCache cache(1024);
  cache.Insert(1, "photo", ThumbnailSize::kSmall, Bytes('a', 10), 5);
  ASSERT_NE(cache.Find(1, "photo", ThumbnailSize::kSmall, 5), nullptr);
  EXPECT_EQ(cache.Find(1, "photo", ThumbnailSize::kSmall, 5)->jpeg, std::string(10, 'a'));
  EXPECT_EQ(cache.Find(2, "photo", ThumbnailSize::kSmall, 5), nullptr) << "another user";
  EXPECT_EQ(cache.Find(1, "photo", ThumbnailSize::kPreview, 5), nullptr) << "another size";
  EXPECT_EQ(cache.Find(1, "other", ThumbnailSize::kSmall, 5), nullptr);
  // The epoch moved: everything cached under 5 is dropped, even if the
  // epoch were seen again.
  EXPECT_EQ(cache.Find(1, "photo", ThumbnailSize::kSmall, 6), nullptr);
  EXPECT_EQ(cache.Find(1, "photo", ThumbnailSize::kSmall, 5), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ThumbnailCacheTest, ReadsUnderAnOlderEpochAreNotKept) {
  ThumbnailCache cache(1024);
  cache.Insert(1, "new", ThumbnailSize::kSmall, Bytes('n', 10), 7);
  // Read before a deletion that another reader has already seen.
  cache.Insert(1, "old", ThumbnailSize::kSmall, Bytes('o', 10), 6);
  EXPECT_EQ(cache.Find(1, "old", ThumbnailSize::kSmall, 7), nullptr);
  EXPECT_NE(cache.Find(1, "new", ThumbnailSize::kSmall, 7), nullptr);
  // A read under a newer epoch replaces what was cached before it.
  cache.Insert(1, "newer", ThumbnailSize::kSmall, Bytes('w', 10), 8);
  EXPECT_EQ(cache.bytes(), 10u);
}

TEST(ThumbnailCacheTest, StaysWithinItsBudgetDroppingTheLeastRecentlyUsed) {
  ThumbnailCache cache(800);  // entries up to 100 bytes are kept
  for (int i = 0; i < 8; ++i) {
    cache.Insert(1, 'p' + std::to_string(i), ThumbnailSize::kSmall, Bytes('x', 100), 1);
  }
  EXPECT_EQ(cache.bytes(), 800u);
  ASSERT_NE(cache.Find(1, "p0", ThumbnailSize::kSmall, 1), nullptr);  // p0 is now recent
  cache.Insert(1, "p8", ThumbnailSize::kSmall, Bytes('x', 100), 1);
  EXPECT_EQ(cache.bytes(), 800u);
  EXPECT_NE(cache.Find(1, "p0", ThumbnailSize::kSmall, 1), nullptr);
  EXPECT_EQ(cache.Find(1, "p1", ThumbnailSize::kSmall, 1), nullptr) << "least recently used";
  EXPECT_NE(cache.Find(1, "p8", ThumbnailSize::kSmall, 1), nullptr);
  // Too large to keep: it would push out eight others.
  cache.Insert(1, "big", ThumbnailSize::kPreview, Bytes('b', 101), 1);
  EXPECT_EQ(cache.Find(1, "big", ThumbnailSize::kPreview, 1), nullptr);
  EXPECT_EQ(cache.bytes(), 800u);
}

class ReadThumbnailTest : public testing::TwoUserLibraryTest {
 protected:
  void SetUp() override {
    TwoUserLibraryTest::SetUp();
    if (HasFatalFailure()) return;
    const auto src = home_ / "p.jpg";
    testing::WriteFile(src, testing::MakeJpeg(320, 200, 3));
    IngestRequest req;
    req.source = src;
    auto r = lib_->Ingest(alice_, req);
    ASSERT_TRUE(r.ok()) << r.status().message();
    photo_ = r->photo;
    // Read twice: the second is a cache hit.
    for (int i = 0; i < 2; ++i) {
      auto t = lib_->ReadThumbnail(alice_, photo_.id, ThumbnailSize::kSmall);
      ASSERT_TRUE(t.ok()) << t.status().message();
      ASSERT_EQ((*t)->sha256, photo_.sha256);
      ASSERT_EQ((*t)->jpeg,
                *ReadSmallFile(lib_->ThumbnailPath(photo_, ThumbnailSize::kSmall), 1 << 20));
    }
  }

  void ExpectGone() {
    auto t = lib_->ReadThumbnail(alice_, photo_.id, ThumbnailSize::kSmall);
    ASSERT_FALSE(t.ok()) << "served a deleted photo's thumbnail from the cache";
    EXPECT_EQ(t.status().code(), Code::kNotFound);
  }

  Photo photo_;
};

TEST_F(ReadThumbnailTest, AnotherUsersIdIsNotFoundEvenWhenCached) {
  auto t = lib_->ReadThumbnail(bob_, photo_.id, ThumbnailSize::kSmall);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kNotFound);
}

TEST_F(ReadThumbnailTest, TrashedStaysReadableUntilPurged) {
  ASSERT_TRUE(lib_->DeletePhoto(alice_, photo_.id).ok());
  // The trash shows its photos (a gallery's trash view needs thumbnails).
  EXPECT_TRUE(lib_->ReadThumbnail(alice_, photo_.id, ThumbnailSize::kSmall).ok());
  ASSERT_TRUE(lib_->PurgePhoto(alice_, photo_.id).ok());
  ExpectGone();
}

TEST_F(ReadThumbnailTest, PurgedByAnotherLibraryIsGone) {
  auto other = Library::Open(config_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->DeletePhoto(alice_, photo_.id).ok());
  ASSERT_TRUE((*other)->PurgePhoto(alice_, photo_.id).ok());
  ExpectGone();
}

TEST_F(ReadThumbnailTest, PurgedByAnotherProcessIsGone) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lib = Library::Open(config_);
    _exit(lib.ok() && (*lib)->DeletePhoto(alice_, photo_.id).ok() &&
                  (*lib)->PurgePhoto(alice_, photo_.id).ok()
              ? 0
              : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ExpectGone();
}

TEST_F(ReadThumbnailTest, UserRemovedByAnotherLibraryIsGone) {
  auto other = Library::Open(config_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->RemoveUser("alice").ok());
  ExpectGone();
}

TEST_F(ReadThumbnailTest, RemovedByFsckInAnotherLibraryIsGone) {
  // An original that lost its bytes: fsck's repair removes the photo.
  std::filesystem::remove(lib_->OriginalPath(photo_));
  auto other = Library::Open(config_);
  ASSERT_TRUE(other.ok());
  auto report = (*other)->Fsck(true);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_GE(report->repaired, 1);
  ExpectGone();
}

}  // namespace
}  // namespace octopus
