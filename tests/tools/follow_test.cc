// Several front ends on one home, each following the others through the
// change feed: the service (API and mount), a second mount in its own
// process, and the CLI. What one changes, the others show, without
// re-reading the library; a mount that fell behind the pruned feed reloads.
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

class FollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    ASSERT_TRUE(testing::AddUser(home_, "alice", testing::kPassword, "1G"));
    ASSERT_TRUE(service_.Start());
    token_ = service_.Login("alice", testing::kPassword);
    ASSERT_FALSE(token_.empty()) << service_.Output();
    fs::create_directories(second_);
    auto r = RunCommand(cli_ + " mount --user alice " + Quote(second_.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void TearDown() override { testing::LazyUnmount(second_); }

  // Shown by both mounts, or by neither.
  bool BothShow(const std::string& path) {
    return fs::exists(service_.mount() / path) && fs::exists(second_ / path);
  }
  bool NeitherShows(const std::string& path) {
    return !fs::exists(service_.mount() / path) && !fs::exists(second_ / path);
  }
  testing::CommandResult Api(const std::string& args) {
    return RunCommand(
        "curl -s --max-time 20 -H " + Quote("Authorization: Bearer " + token_) + " " + args, 30);
  }
  std::string Url(const std::string& path) {
    return Quote("http://127.0.0.1:" + std::to_string(service_.port()) + "/api/v1" + path);
  }
  std::string IdOf(const std::string& filename) {
    auto client = service_.Client();
    for (const auto& p : testing::ListAllPhotos(*client, token_)) {
      if (p.value("filename", "") == filename) return p.value("id", "");
    }
    return "";
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";
  fs::path second_ = dir_ / "second";
  std::string cli_ = testing::OctopusCommand(home_);
  // Declared after dir_: stopped and unmounted before the directory goes.
  testing::ServiceProcess service_{home_, dir_ / "mnt", "alice"};
  std::string token_;
};

TEST_F(FollowTest, ChangesFromEachFrontEndShowInTheOthers) {
  // From the CLI: in both mounts, in all/ and in its date folder.
  testing::WriteFile(dir_ / "cli.jpg", testing::MakeJpeg(64, 48, 1));
  auto r = RunCommand(cli_ + " import --user alice " + Quote((dir_ / "cli.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(testing::PollUntil([&] { return BothShow("all/cli.jpg"); }));
  EXPECT_TRUE(testing::PollUntil([&] { return BothShow("by-date/unknown/cli.jpg"); }));

  // Renamed in the second mount: the API and the service's mount follow,
  // in every view.
  r = RunCommand("mv " + Quote((second_ / "all/cli.jpg").string()) + " " +
                 Quote((second_ / "all/renamed.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(second_ / "by-date/unknown/renamed.jpg"));  // at once, in its own views
  EXPECT_TRUE(testing::PollUntil([&] { return BothShow("by-date/unknown/renamed.jpg"); }));
  EXPECT_TRUE(NeitherShows("all/cli.jpg"));
  const std::string id = IdOf("renamed.jpg");
  ASSERT_FALSE(id.empty());

  // Uploaded through the API: in both mounts.
  testing::WriteFile(dir_ / "api.jpg", testing::MakeJpeg(64, 48, 2));
  r = Api("-o /dev/null -w '%{http_code}' -F " + Quote("file=@" + (dir_ / "api.jpg").string()) +
          " " + Url("/photos"));
  EXPECT_EQ(r.output, "201");
  EXPECT_TRUE(testing::PollUntil([&] { return BothShow("all/api.jpg"); }));

  // Deleted through the API: gone from both mounts.
  r = Api("-o /dev/null -w '%{http_code}' -X DELETE " + Url("/photos/" + id));
  EXPECT_EQ(r.output, "204");
  EXPECT_TRUE(testing::PollUntil([&] { return NeitherShows("all/renamed.jpg"); }));
  EXPECT_TRUE(NeitherShows("by-date/unknown/renamed.jpg"));

  // Deleted in the service's mount: gone from the second and the API.
  r = RunCommand("rm " + Quote((service_.mount() / "all/api.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(testing::PollUntil([&] { return NeitherShows("all/api.jpg"); }));
  EXPECT_TRUE(IdOf("api.jpg").empty());
  // The folder that emptied is empty in both (it lingers a minute, for
  // rm -r, then goes).
  EXPECT_TRUE(testing::PollUntil([&] {
    return RunCommand("ls -A " + Quote((service_.mount() / "by-date").string()) + "/unknown " +
                      Quote((second_ / "by-date").string()) +
                      "/unknown 2>/dev/null | grep -v : | grep .")
               .exit_code != 0;
  }));
}

TEST_F(FollowTest, AMountBehindThePrunedFeedReloadsOnce) {
  testing::WriteFile(dir_ / "before.jpg", testing::MakeJpeg(64, 48, 3));
  auto r = RunCommand(cli_ + " import --user alice " + Quote((dir_ / "before.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(testing::PollUntil([&] { return BothShow("all/before.jpg"); }));
  // As if 200,000 changes had been made and pruned while the mounts slept:
  // the feed's head and horizon move past them (a photo goes with them).
  const std::string db = Quote((home_ / "instance" / "octopus.db").string());
  r = RunCommand("sqlite3 " + db +
                 " \"PRAGMA busy_timeout=30000; BEGIN IMMEDIATE; DELETE FROM photos WHERE "
                 "filename = 'before.jpg'; UPDATE users SET change_horizon = change_seq + "
                 "199000, change_seq = change_seq + 200000 WHERE name = 'alice'; COMMIT;\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  testing::WriteFile(dir_ / "after.jpg", testing::MakeJpeg(64, 48, 4));
  r = RunCommand(cli_ + " import --user alice " + Quote((dir_ / "after.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Both reload: the photo the feed never mentioned is gone, the new one is
  // there.
  EXPECT_TRUE(testing::PollUntil([&] { return BothShow("all/after.jpg"); }));
  EXPECT_TRUE(testing::PollUntil([&] { return NeitherShows("all/before.jpg"); }));
  const std::string log = testing::ReadFile(home_ / "data" / "logs" / "mount.log");
  EXPECT_NE(log.find("behind the pruned feed; reloading"), std::string::npos) << log;
}

}  // namespace
}  // namespace octopus
