// A real FUSE mount of a temporary library, served in-process on libfuse's
// threads while the test drives it with real programs (cp, rsync, mv, rm,
// ls, stat, df, gio). TearDown always unmounts, lazily if need be, so a
// failed test never leaves a mount behind.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "core/library.h"
#include "fs/mount.h"
#include "tests/testing/test_util.h"

namespace octopus::fs {

class MountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    auto config = LoadConfig({{"OCTOPUS_HOME", (dir_ / "home").string()}});
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = *config;
    auto lib = Library::Open(config_);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(lib).value();
    auto alice = lib_->CreateUser("alice", "correct horse", quota_);
    ASSERT_TRUE(alice.ok());
    alice_ = alice->id;
    std::filesystem::create_directories(mnt());
    std::filesystem::create_directories(src());
  }

  void TearDown() override {
    mount_.reset();
    testing::RunCommand("fusermount3 -u -z " + testing::Quote(mnt().string()) + " 2>/dev/null");
  }

  void DoMount(bool read_only = false) {
    MountOptions options;
    options.mountpoint = mnt();
    options.user = alice_;
    options.read_only = read_only;
    // OCTOPUS_TEST_FUSE_DEBUG=1: libfuse prints every request on stderr.
    options.debug = std::getenv("OCTOPUS_TEST_FUSE_DEBUG") != nullptr;
    auto m = Mount::Start(*lib_, options);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    mount_ = std::move(m).value();
  }

  std::filesystem::path mnt() const { return dir_ / "mnt"; }
  std::filesystem::path src() const { return dir_ / "src"; }
  std::string M(const std::string& rel = "") const {
    return testing::Quote((mnt() / rel).string());
  }

  // Runs a shell command (output captured, bounded in time).
  testing::CommandResult Sh(const std::string& cmd) { return testing::RunCommand(cmd, 120); }

  // A generated JPEG in the source folder (another filesystem: /tmp).
  std::filesystem::path Photo(const std::string& rel, int seed, int w = 320, int h = 240) {
    const auto path = src() / rel;
    std::filesystem::create_directories(path.parent_path());
    testing::WriteFile(path, testing::MakeJpeg(w, h, seed));
    return path;
  }

  std::int64_t Used() {
    auto u = lib_->GetUser(alice_);
    return u.ok() ? u->used_bytes : -1;
  }
  // Photos in the library, not counting the trash's.
  std::size_t PhotoCount() {
    auto all = lib_->AllPhotos(alice_);
    if (!all.ok()) return 0;
    return static_cast<std::size_t>(std::count_if(
        all->begin(), all->end(), [](const octopus::Photo& p) { return !p.trashed_at; }));
  }
  std::size_t StagedFiles() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(lib_->StagingDir())) {
      (void)e;
      ++n;
    }
    return n;
  }

  // For changes made by another process, which the mount shows within
  // about a second.
  template <typename Pred>
  bool Eventually(Pred pred, double seconds = 5) {
    return testing::PollUntil(pred, seconds);
  }

  testing::TempDir dir_;
  std::int64_t quota_ = 100'000'000;
  Config config_;
  std::unique_ptr<Library> lib_;
  UserId alice_ = 0;
  std::unique_ptr<Mount> mount_;
};

}  // namespace octopus::fs
