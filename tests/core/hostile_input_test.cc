// Hostile files through the one ingest path: each gets a clear error with the
// right code, and the library is left exactly as it was (no row, no usage,
// no blob, no staging leftover).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/library.h"
#include "tests/testing/hostile_files.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::MakeJpeg;
using testing::TempDir;
using testing::WriteFile;

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = LoadConfig(
        {{"OCTOPUS_HOME", (dir_ / "home").string()}, {"OCTOPUS_MAX_PIXELS", "50000000"}});
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto lib = Library::Open(*config);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(lib).value();
    auto alice = lib_->CreateUser("alice", "correct horse", 5'000'000'000);
    ASSERT_TRUE(alice.ok());
    alice_ = alice->id;
    // One good photo first, so "unchanged" is checked against a non-empty state.
    WriteFile(dir_ / "good.jpg", MakeJpeg(200, 100, 1));
    ASSERT_TRUE(Import(dir_ / "good.jpg", "good.jpg").ok());
  }

  Result<IngestResult> Import(const std::filesystem::path& path, const std::string& name) {
    IngestRequest req;
    req.source = path;
    req.filename = name;
    return lib_->Ingest(alice_, req);
  }

  // Files under data/storage other than the staging dir.
  int StoredFiles() {
    int n = 0;
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(dir_ / "home/data/storage")) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  void ExpectRefusedAndUnchanged(const std::string& bytes, Code code, const std::string& words) {
    const auto path = dir_ / "hostile";
    WriteFile(path, bytes);
    const int files_before = StoredFiles();
    auto before = lib_->GetUser(alice_);
    ASSERT_TRUE(before.ok());
    auto r = Import(path, "hostile.jpg");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
    auto after = lib_->GetUser(alice_);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->used_bytes, before->used_bytes);
    EXPECT_EQ(after->photo_count, before->photo_count);
    EXPECT_EQ(StoredFiles(), files_before);
  }

  TempDir dir_;
  std::unique_ptr<Library> lib_;
  UserId alice_ = 0;
};

TEST_F(HostileInputTest, ZeroBytes) {
  ExpectRefusedAndUnchanged("", Code::kUnsupportedMedia, "empty");
}

TEST_F(HostileInputTest, TextNamedJpg) {
  ExpectRefusedAndUnchanged(testing::TextFile(), Code::kUnsupportedMedia, "not a supported image");
}

TEST_F(HostileInputTest, TruncatedJpeg) {
  ExpectRefusedAndUnchanged(testing::TruncatedJpeg(), Code::kUnsupportedMedia, "truncated");
}

TEST_F(HostileInputTest, JpegHeaderOnly) {
  ExpectRefusedAndUnchanged(testing::Bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF\0"),
                            Code::kUnsupportedMedia, "not a supported image");
}

TEST_F(HostileInputTest, DecompressionBomb) {
  // 60000 x 60000 = 3.6 gigapixels declared by a 16x16 image.
  ExpectRefusedAndUnchanged(testing::DecompressionBombJpeg(60000), Code::kTooLarge, "60000x60000");
}

TEST_F(HostileInputTest, HeifWithoutPrimaryImage) {
  ExpectRefusedAndUnchanged(testing::HeifWithoutPrimaryImage(), Code::kUnsupportedMedia,
                            "not a supported image");
}

// 2 GB of holes after a JPEG signature: refused from its header without
// reading it whole into memory, and nothing is stored.
TEST_F(HostileInputTest, HeifGridReferringToItself) {
  const std::string heic = testing::HeifGridReferringToItself();
  ASSERT_EQ(heic.size(), 998u) << "fixture missing";
  ExpectRefusedAndUnchanged(heic, Code::kUnsupportedMedia, "refers to itself");
}

TEST_F(HostileInputTest, HeifGridWithOversizedCanvas) {
  const std::string heic = testing::HeifGridWithOversizedCanvas();
  ASSERT_EQ(heic.size(), 998u) << "fixture missing";
  ExpectRefusedAndUnchanged(heic, Code::kTooLarge, "16384x12288");
}

TEST_F(HostileInputTest, SparseTwoGigabyteFile) {
  const auto path = dir_ / "sparse.jpg";
  testing::WriteSparseJpeg(path, 2LL << 30);
  const int files_before = StoredFiles();
  auto r = Import(path, "sparse.jpg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia) << r.status().ToString();
  EXPECT_EQ(StoredFiles(), files_before);
}

TEST_F(HostileInputTest, HostileNamesAreStoredSafely) {
  WriteFile(dir_ / "x.jpg", MakeJpeg(64, 64, 7));
  auto r = Import(dir_ / "x.jpg", testing::Bytes("../../etc/pa\0ss\x01wd\xff.jpg"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& name = r->photo.filename;
  EXPECT_EQ(name.find('/'), std::string::npos);
  EXPECT_EQ(name.find('\0'), std::string::npos);
  EXPECT_EQ(name.find('\x01'), std::string::npos);
  EXPECT_EQ(name.find('\xff'), std::string::npos);
  WriteFile(dir_ / "y.jpg", MakeJpeg(64, 64, 8));
  r = Import(dir_ / "y.jpg", std::string(1000, 'a') + ".jpg");
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->photo.filename.size(), 255u);
  EXPECT_TRUE(r->photo.filename.ends_with(".jpg"));
}

}  // namespace
}  // namespace octopus
