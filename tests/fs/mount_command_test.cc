// `octopus mount` as a user runs it: daemonises once the mount is ready,
// refuses a busy mount point with a clear message, ends on fusermount3 -u
// and on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::Quote;

class MountCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    std::filesystem::create_directories(mnt_);
    auto r = testing::RunCommand("printf 'a long enough password\\n' | " + cli_ +
                                 " user add alice --quota 1G --password-stdin");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void TearDown() override {
    testing::RunCommand("fusermount3 -u -z " + Quote(mnt_.string()) + " 2>/dev/null");
  }

  bool Mounted() {
    return testing::RunCommand("mountpoint -q " + Quote(mnt_.string())).exit_code == 0;
  }

  testing::TempDir dir_;
  std::filesystem::path mnt_ = dir_ / "mnt";
  std::string cli_ = Quote(testing::OctopusBinary()) + " --home " + Quote((dir_ / "home").string());
};

TEST_F(MountCommandTest, DaemonisesBusyMountPointAndUnmount) {
  auto r = testing::RunCommand(cli_ + " mount --user alice " + Quote(mnt_.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("mounted alice's library"), std::string::npos) << r.output;
  // Usable as soon as the command returned.
  EXPECT_TRUE(Mounted());
  EXPECT_EQ(testing::RunCommand("ls " + Quote(mnt_.string())).output,
            "all\nby-camera\nby-date\nby-place\nimport\ntrash\n");
  // A second mount on the same place: a clear refusal.
  r = testing::RunCommand(cli_ + " mount --user alice " + Quote(mnt_.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("busy"), std::string::npos) << r.output;
  // Unknown user: a clear refusal before anything is mounted.
  r = testing::RunCommand(cli_ + " mount --user nobody " + Quote((dir_ / "other").string()));
  EXPECT_EQ(r.exit_code, 1);
  // fusermount3 -u ends the daemon.
  r = testing::RunCommand("fusermount3 -u " + Quote(mnt_.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(Mounted());
  const auto log = testing::ReadFile(dir_ / "home" / "data" / "logs" / "mount.log");
  EXPECT_NE(log.find("mounted on"), std::string::npos) << log;
}

TEST_F(MountCommandTest, ForegroundUnmountsOnSigterm) {
  // Started in the background by the shell, stopped by SIGTERM.
  auto r = testing::RunCommand("( " + cli_ + " mount -f --user alice " + Quote(mnt_.string()) +
                               " > " + Quote((dir_ / "out").string()) + " 2>&1 & echo $! )");
  const pid_t pid = std::stoi(r.output);
  bool up = false;
  for (int i = 0; i < 1200 && !up; ++i) {  // up to a minute: the first use builds the places index
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    up = Mounted();
  }
  ASSERT_TRUE(up) << testing::ReadFile(dir_ / "out");
  ::kill(pid, SIGTERM);
  bool gone = false;
  for (int i = 0; i < 1200 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gone = ::kill(pid, 0) != 0;
  }
  EXPECT_TRUE(gone);
  EXPECT_FALSE(Mounted());
  // A clean stop says nothing alarming: libfuse's "failed to unmount"
  // meant the stop request was dropped and kept the mount's connection.
  const std::string out = testing::ReadFile(dir_ / "out");
  EXPECT_EQ(out.find("failed to unmount"), std::string::npos) << out;
}

}  // namespace
}  // namespace octopus
