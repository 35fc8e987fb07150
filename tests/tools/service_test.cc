// The whole service as the README starts it: `octopus serve --mount` in one
// process, driven through both front ends at once. A photo uploaded through
// the API shows in the mount, one copied into the mount shows in the API,
// and a deletion through either is seen by the other.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

using testing::Quote;
using testing::RunCommand;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    ASSERT_TRUE(testing::AddUser(dir_ / "home", "alice", testing::kPassword, "1G"));
    ASSERT_TRUE(service_.Start());
    port_ = std::to_string(service_.port());
    token_ = service_.Login("alice", testing::kPassword);
    ASSERT_FALSE(token_.empty()) << service_.Output();
  }

  std::string Url(const std::string& path) {
    return Quote("http://127.0.0.1:" + port_ + "/api/v1" + path);
  }
  testing::CommandResult Curl(const std::string& args) {
    return RunCommand("curl -s --max-time 20 " + args, 30);
  }
  testing::CommandResult AuthCurl(const std::string& args) {
    return Curl("-H " + Quote("Authorization: Bearer " + token_) + " " + args);
  }
  nlohmann::json ListPhotos() {
    auto r = AuthCurl(Url("/photos"));
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    return j.is_object() ? j.value("photos", nlohmann::json::array()) : nlohmann::json::array();
  }
  testing::TempDir dir_;
  std::filesystem::path mnt_ = dir_ / "mnt";
  // Declared after dir_: stopped and unmounted before the directory goes.
  testing::ServiceProcess service_{dir_ / "home", mnt_, "alice"};
  std::string port_, token_;
};

TEST_F(ServiceTest, UploadsShowInTheMountAndCopiesShowInTheApi) {
  testing::WriteFile(dir_ / "uploaded.jpg", testing::MakeJpeg(320, 240, 1));
  auto r = AuthCurl("-o /dev/null -w '%{http_code}' -F " +
                    Quote("file=@" + (dir_ / "uploaded.jpg").string()) + " " + Url("/photos"));
  EXPECT_EQ(r.output, "201");
  EXPECT_TRUE(
      testing::PollUntil([&] { return std::filesystem::exists(mnt_ / "all" / "uploaded.jpg"); }));
  EXPECT_EQ(RunCommand("cmp " + Quote((mnt_ / "all" / "uploaded.jpg").string()) + " " +
                       Quote((dir_ / "uploaded.jpg").string()))
                .exit_code,
            0);

  testing::WriteFile(dir_ / "copied.jpg", testing::MakeJpeg(320, 240, 2));
  r = RunCommand("cp " + Quote((dir_ / "copied.jpg").string()) + " " +
                 Quote((mnt_ / "import").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string copied_id;
  for (const auto& p : ListPhotos()) {
    if (p.value("filename", "") == "copied.jpg") copied_id = p.value("id", "");
  }
  ASSERT_FALSE(copied_id.empty());
  r = AuthCurl("-o /dev/null -w '%{http_code}' " + Url("/photos/" + copied_id + "/original"));
  EXPECT_EQ(r.output, "200");

  // Deleted in the mount: in the API's trash. Deleted through the API: in
  // the mount's trash.
  r = RunCommand("rm " + Quote((mnt_ / "all" / "copied.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = AuthCurl(Url("/photos/" + copied_id));
  EXPECT_TRUE(nlohmann::json::parse(r.output).at("trashed_at").is_string()) << r.output;
  EXPECT_EQ(ListPhotos().size(), 1u);
  std::string uploaded_id;
  for (const auto& p : ListPhotos()) uploaded_id = p.value("id", "");
  ASSERT_FALSE(uploaded_id.empty());
  r = AuthCurl("-o /dev/null -w '%{http_code}' -X DELETE " + Url("/photos/" + uploaded_id));
  EXPECT_EQ(r.output, "204");
  EXPECT_TRUE(
      testing::PollUntil([&] { return !std::filesystem::exists(mnt_ / "all" / "uploaded.jpg"); }));
  EXPECT_TRUE(
      testing::PollUntil([&] { return std::filesystem::exists(mnt_ / "trash" / "uploaded.jpg"); }));
  // Emptied through the API: gone from the mount's trash too.
  r = AuthCurl("-X DELETE " + Url("/trash"));
  EXPECT_EQ(nlohmann::json::parse(r.output).value("purged", -1), 2) << r.output;
  EXPECT_TRUE(
      testing::PollUntil([&] { return !std::filesystem::exists(mnt_ / "trash" / "copied.jpg"); }));
  // df in the mount and /users/me agree on the usage.
  r = AuthCurl(Url("/users/me"));
  EXPECT_EQ(nlohmann::json::parse(r.output).value("used_bytes", -1), 0) << r.output;
}

// The README's order, `user add alice` then `serve`, leaves no
// administrator: serve says so, and the CLI's grant and revocation count on
// alice's next request to the running server (her session is cached there
// with its admin flag).
TEST_F(ServiceTest, NoAdministratorIsWarnedAndTheCliGrantsAndRevokesOne) {
  EXPECT_NE(service_.Output().find("no administrator"), std::string::npos) << service_.Output();
  auto status = [&] {
    return AuthCurl("-o /dev/null -w '%{http_code}' " + Url("/admin/users")).output;
  };
  EXPECT_EQ(status(), "403");
  EXPECT_EQ(status(), "403") << "and cached";
  const std::string octopus = testing::OctopusCommand(dir_ / "home");
  auto r = RunCommand(octopus + " user admin alice");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(status(), "200");
  EXPECT_EQ(status(), "200");
  r = RunCommand(octopus + " user admin alice --revoke");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(status(), "403");
}

}  // namespace
}  // namespace octopus
