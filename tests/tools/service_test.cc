// The whole service as the README starts it: `octopus serve --mount` in one
// process, driven through both front ends at once. A photo uploaded through
// the API shows in the mount, one copied into the mount shows in the API,
// and a deletion through either is seen by the other.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::Quote;
using testing::RunCommand;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    std::filesystem::create_directories(mnt_);
    auto r = RunCommand("printf 'a long enough password\\n' | " + cli_ +
                        " user add alice --quota 1G --password-stdin");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = RunCommand(cli_ + " serve --port 0 --mount " + Quote(mnt_.string()) + " --user alice > " +
                   Quote(out_.string()) + " 2>&1 & echo $!");
    pid_ = std::stoi(r.output);
    for (int i = 0; i < 300 && port_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const std::string out = testing::ReadFile(out_);
      const auto at = out.find("Photos API at http://127.0.0.1:");
      if (at != std::string::npos && out.find("Mounted") != std::string::npos) {
        const auto start = at + std::string("Photos API at http://127.0.0.1:").size();
        port_ = out.substr(start, out.find('/', start) - start);
      }
    }
    ASSERT_FALSE(port_.empty()) << testing::ReadFile(out_);
    r = Curl(
        "-X POST -H 'Content-Type: application/json' "
        "-d '{\"username\":\"alice\",\"password\":\"a long enough password\"}' " +
        Url("/auth/login"));
    token_ = nlohmann::json::parse(r.output).value("access_token", "");
    ASSERT_FALSE(token_.empty()) << r.output;
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 100 && ::kill(pid_, 0) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    RunCommand("fusermount3 -u -z " + Quote(mnt_.string()) + " 2>/dev/null");
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
  template <typename Pred>
  bool Eventually(Pred pred) {
    for (int i = 0; i < 100; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
  }

  testing::TempDir dir_;
  std::filesystem::path mnt_ = dir_ / "mnt";
  std::filesystem::path out_ = dir_ / "serve.out";
  std::string cli_ = Quote(testing::OctopusBinary()) + " --home " + Quote((dir_ / "home").string());
  pid_t pid_ = -1;
  std::string port_, token_;
};

TEST_F(ServiceTest, UploadsShowInTheMountAndCopiesShowInTheApi) {
  testing::WriteFile(dir_ / "uploaded.jpg", testing::MakeJpeg(320, 240, 1));
  auto r = AuthCurl("-o /dev/null -w '%{http_code}' -F " +
                    Quote("file=@" + (dir_ / "uploaded.jpg").string()) + " " + Url("/photos"));
  EXPECT_EQ(r.output, "201");
  EXPECT_TRUE(Eventually([&] { return std::filesystem::exists(mnt_ / "all" / "uploaded.jpg"); }));
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

  // Deleted in the mount: gone from the API. Deleted through the API: gone
  // from the mount.
  r = RunCommand("rm " + Quote((mnt_ / "all" / "copied.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = AuthCurl("-o /dev/null -w '%{http_code}' " + Url("/photos/" + copied_id));
  EXPECT_EQ(r.output, "404");
  std::string uploaded_id;
  for (const auto& p : ListPhotos()) uploaded_id = p.value("id", "");
  ASSERT_FALSE(uploaded_id.empty());
  r = AuthCurl("-o /dev/null -w '%{http_code}' -X DELETE " + Url("/photos/" + uploaded_id));
  EXPECT_EQ(r.output, "204");
  EXPECT_TRUE(Eventually([&] { return !std::filesystem::exists(mnt_ / "all" / "uploaded.jpg"); }));
  // df in the mount and /users/me agree on the usage.
  r = AuthCurl(Url("/users/me"));
  EXPECT_EQ(nlohmann::json::parse(r.output).value("used_bytes", -1), 0) << r.output;
}

}  // namespace
}  // namespace octopus
