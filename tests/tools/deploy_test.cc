// The shipped systemd units (deploy/systemd/) load without a single
// complaint from `systemd-analyze verify`, which only warns (exit 0) about
// unknown keys and bad values: any output fails the test. The units name
// /usr/local/bin/octopus, which verify requires to exist; it checks a copy
// naming the built binary instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;

TEST(DeployTest, SystemdUnitsVerifyCleanly) {
  if (testing::RunCommand("command -v systemd-analyze", 30).exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed (tools/setup.sh installs systemd)";
  }
  testing::TempDir dir;
  const fs::path shipped = fs::path(OCTOPUS_SOURCE_DIR) / "deploy" / "systemd";
  std::string units;
  for (const auto& entry : fs::directory_iterator(shipped)) {
    if (entry.path().extension() != ".service") continue;
    const std::string text =
        std::regex_replace(testing::ReadFile(entry.path()), std::regex("/usr/local/bin/octopus"),
                           testing::OctopusBinary());
    const fs::path copy = dir / entry.path().filename().string();
    testing::WriteFile(copy, text);
    units += " " + Quote(copy.string());
  }
  ASSERT_FALSE(units.empty()) << "no unit in " << shipped;
  const auto r =
      testing::RunCommand("cd " + Quote(dir.path().string()) +
                              " && SYSTEMD_LOG_COLOR=0 systemd-analyze verify" + units + " 2>&1",
                          120);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "") << "systemd-analyze complained";
}

}  // namespace
}  // namespace octopus
