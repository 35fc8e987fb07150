// Crash safety of the blob store and what fsck finds and mends. A crash is
// modelled by leaving the store in each state a crash can leave it in: a
// blob committed without its row, a staged upload never ingested, a row
// whose original vanished or rotted, usage totals out of step.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include "core/blob_store.h"
#include "core/db/database.h"
#include "core/file_util.h"
#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;

class FsckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = *LoadConfig({{"OCTOPUS_HOME", (dir_ / "home").string()}});
    lib_ = std::move(Library::Open(config_)).value();
    owner_ = lib_->CreateUser("alice", "long enough password")->id;
  }
  Photo Import(int seed) {
    const auto src = dir_ / ('p' + std::to_string(seed) + ".jpg");
    testing::WriteFile(src, testing::MakeJpeg(200, 100, seed));
    IngestRequest req;
    req.source = src;
    auto r = lib_->Ingest(owner_, req);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r->photo;
  }
  static void Age(const fs::path& p) {
    struct utimbuf old {
      1'000'000'000, 1'000'000'000
    };
    ASSERT_EQ(::utime(p.c_str(), &old), 0);
  }

  testing::TempDir dir_;
  Config config_;
  std::unique_ptr<Library> lib_;
  UserId owner_ = 0;
};

TEST_F(FsckTest, CleanLibraryIsClean) {
  Import(1);
  Import(2);
  auto r = lib_->Fsck(false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->clean());
}

TEST_F(FsckTest, CrashAfterBlobCommitBeforeRowLeavesAnOrphanThatRepairRemoves) {
  // The state a crash between BlobStore::CommitOriginal and the INSERT
  // leaves: the blob is there, durable, and no row names it.
  BlobStore blobs(config_.storage_dir());
  const std::string bytes = testing::MakeJpeg(64, 64, 9);
  const std::string sha =
      Sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  const auto staged = blobs.StagingDir() / "crash";
  testing::WriteFile(staged, bytes);
  ASSERT_TRUE(blobs.CommitOriginal(owner_, sha, staged, true, {}).ok());
  const fs::path orphan = blobs.PathOf(owner_, sha, BlobKind::kOriginal);
  ASSERT_TRUE(fs::exists(orphan));
  EXPECT_EQ(lib_->GetUser(owner_)->used_bytes, 0);  // nothing half-visible
  EXPECT_TRUE(lib_->AllPhotos(owner_)->empty());

  auto found = lib_->Fsck(false);
  ASSERT_FALSE(found->clean());
  EXPECT_NE(found->problems[0].find("orphan"), std::string::npos);
  Age(orphan);
  auto repaired = lib_->Fsck(true);
  EXPECT_EQ(repaired->repaired, 1);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(lib_->Fsck(false)->clean());
  // The same photo imports cleanly afterwards.
  const auto again = dir_ / "again.jpg";
  testing::WriteFile(again, bytes);
  IngestRequest req;
  req.source = again;
  EXPECT_EQ(lib_->Ingest(owner_, req)->outcome, IngestOutcome::kImported);
}

TEST_F(FsckTest, MissingOrCorruptOriginalIsReportedAndRepairFixesUsage) {
  const Photo gone = Import(3);
  const Photo rotten = Import(4);
  const Photo fine = Import(5);
  fs::remove(lib_->OriginalPath(gone));
  {
    // Flip a byte in place: same size, wrong hash.
    std::string bytes = testing::ReadFile(lib_->OriginalPath(rotten));
    bytes[bytes.size() / 2] ^= 0x55;
    testing::WriteFile(lib_->OriginalPath(rotten), bytes);
  }
  auto found = lib_->Fsck(false);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->problems.size(), 2u);
  auto repaired = lib_->Fsck(true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_GE(repaired->repaired, 2);
  EXPECT_TRUE(lib_->Fsck(false)->clean());
  EXPECT_EQ(lib_->GetUser(owner_)->used_bytes, fine.size);
  EXPECT_EQ(lib_->GetUser(owner_)->photo_count, 1);
  EXPECT_TRUE(fs::exists(config_.storage_dir() / "lost+found"));
}

TEST_F(FsckTest, MissingThumbnailIsRebuilt) {
  const Photo p = Import(6);
  const auto thumb = lib_->ThumbnailPath(p, ThumbnailSize::kSmall);
  fs::remove(thumb);
  EXPECT_FALSE(lib_->Fsck(false)->clean());
  EXPECT_EQ(lib_->Fsck(true)->repaired, 1);
  EXPECT_TRUE(fs::exists(thumb));
  EXPECT_TRUE(lib_->Fsck(false)->clean());
}

TEST_F(FsckTest, WrongUsageTotalsAreRecomputed) {
  const Photo p = Import(7);
  {
    auto db = db::Database::Open(config_.database_path());
    ASSERT_TRUE((*db)->Exec("UPDATE users SET used_bytes = 123456789, photo_count = 9").ok());
  }
  EXPECT_FALSE(lib_->Fsck(false)->clean());
  EXPECT_TRUE(lib_->Fsck(true).ok());
  EXPECT_EQ(lib_->GetUser(owner_)->used_bytes, p.size);
  EXPECT_EQ(lib_->GetUser(owner_)->photo_count, 1);
}

TEST_F(FsckTest, WriteFileAtomicNeverLeavesAPartialFile) {
  const fs::path target = dir_ / "atomic.bin";
  ASSERT_TRUE(WriteFileAtomic(target, std::string_view("first version")).ok());
  ASSERT_TRUE(WriteFileAtomic(target, std::string_view("second")).ok());
  EXPECT_EQ(testing::ReadFile(target), "second");
  // No temporary file is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_.path())) ++entries;
  EXPECT_EQ(entries, 2);  // home/ and atomic.bin
}

}  // namespace
}  // namespace octopus
