// A full disk under the running service: the home on a 16 MB tmpfs, filled
// up. Import (CLI), upload (API) and cp (mount) fail cleanly, with "No
// space left on device" and 507 insufficient_storage; the library stays
// consistent (fsck clean, usage unchanged); once space is freed everything
// works again. Needs root to mount the tmpfs: skipped, and says so,
// otherwise.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

using testing::kPassword;

// A tmpfs mounted on `dir` for the guard's lifetime.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir_);
    const auto r = RunCommand("mount -t tmpfs -o size=" + size + " octopus-test " +
                              Quote(dir_.string()) + " 2>&1");
    mounted_ = r.exit_code == 0;
    error_ = r.output;
  }
  ~TmpfsMount() {
    if (mounted_) {
      RunCommand("umount " + Quote(dir_.string()) + " || umount -l " + Quote(dir_.string()));
    }
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    if (::geteuid() != 0) GTEST_SKIP() << "not root: cannot mount a tmpfs for the home";
    tmpfs_ = std::make_unique<TmpfsMount>(home_, "16m");
    if (!tmpfs_->mounted()) GTEST_SKIP() << "cannot mount a tmpfs: " << tmpfs_->error();
    ASSERT_TRUE(testing::AddUser(home_, "erin", kPassword, "10G"));
    service_ = std::make_unique<testing::ServiceProcess>(home_, dir_ / "mnt", "erin");
    ASSERT_TRUE(service_->Start());
    const std::string token = service_->Login("erin", kPassword);
    ASSERT_FALSE(token.empty());
    auth_ = {{"Authorization", "Bearer " + token}};
    fs::create_directories(dir_ / "in");
  }

  void TearDown() override {
    service_.reset();  // stopped and unmounted before the tmpfs goes
    tmpfs_.reset();
  }

  fs::path Photo(const std::string& name, int seed) {
    const auto p = dir_ / "in" / name;
    testing::WriteFile(p, testing::MakeDistinctJpeg(600, 400, seed));
    return p;
  }

  httplib::Result Upload(const fs::path& file) {
    httplib::MultipartFormDataItems items = {
        {"file", testing::ReadFile(file), file.filename().string(), "image/jpeg"}};
    return service_->Client()->Post("/api/v1/photos", auth_, items);
  }

  std::pair<std::int64_t, std::int64_t> Usage() {
    auto res = service_->Client()->Get("/api/v1/users/me", auth_);
    if (!res || res->status != 200) return {-1, -1};
    const auto j = nlohmann::json::parse(res->body);
    return {j.value("photo_count", -1), j.value("used_bytes", -1)};
  }

  testing::CommandResult Cli(const std::string& args) {
    return RunCommand(testing::OctopusCommand(home_) + " " + args);
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";
  std::unique_ptr<TmpfsMount> tmpfs_;
  std::unique_ptr<testing::ServiceProcess> service_;
  httplib::Headers auth_;
};

TEST_F(FullDiskTest, EveryFrontEndFailsCleanlyAndRecoversWhenSpaceIsFreed) {
  auto res = Upload(Photo("before.jpg", 1));
  ASSERT_TRUE(res && res->status == 201);
  const auto before = Usage();

  // Fill the disk to the last block.
  const auto filler = home_ / "filler";
  RunCommand("dd if=/dev/zero of=" + Quote(filler.string()) + " bs=64k 2>&1");
  RunCommand("dd if=/dev/zero of=" + Quote((home_ / "filler2").string()) + " bs=512 2>&1");
  ASSERT_EQ(fs::space(home_).available, 0u);

  auto r = Cli("import --user erin " + Quote(Photo("cli.jpg", 2).string()));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_EQ(Usage(), before);

  res = Upload(Photo("api.jpg", 3));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 507) << res->body;
  EXPECT_EQ(nlohmann::json::parse(res->body)["error"].value("code", ""), "insufficient_storage")
      << res->body;
  EXPECT_EQ(Usage(), before);

  const auto cp_target = service_->mount() / "import" / "cp.jpg";
  r = RunCommand("cp " + Quote(Photo("cp.jpg", 4).string()) + " " + Quote(cp_target.string()));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_EQ(Usage(), before);
  EXPECT_FALSE(fs::exists(cp_target));

  // Consistent while full, and nothing staged is left behind.
  r = Cli("fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_empty(home_ / "data" / "storage" / "tmp"));

  // Space freed: all three work again.
  fs::remove(filler);
  fs::remove(home_ / "filler2");
  r = Cli("import --user erin " + Quote((dir_ / "in" / "cli.jpg").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  res = Upload(dir_ / "in" / "api.jpg");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  r = RunCommand("cp " + Quote((dir_ / "in" / "cp.jpg").string()) + " " +
                 Quote(cp_target.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Usage().first, before.first + 3);
  service_->Stop(SIGTERM);
  r = Cli("fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace octopus
