// Where log lines go and when they reach the file. InitLogging replaces
// the process's loggers; each test gives it a home of its own.
#include "core/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

// Points fd 2 at a file for its lifetime.
class StderrToFile {
 public:
  explicit StderrToFile(const std::filesystem::path& file)
      : saved_(::dup(2)), file_(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)) {
    std::fflush(stderr);
    if (file_ >= 0) ::dup2(file_, 2);
  }
  ~StderrToFile() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    if (file_ >= 0) ::close(file_);
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;
  bool ok() const { return saved_ >= 0 && file_ >= 0; }

 private:
  int saved_;
  int file_;
};

Config TestConfig(const testing::TempDir& dir) {
  auto config = LoadConfig({{"OCTOPUS_HOME", (dir / "home").string()}});
  EXPECT_TRUE(config.ok()) << config.status().message();
  return config.ok() ? *config : Config{};
}

// The service's own messages go to the file and stderr; access lines, one
// per request, only to the file.
TEST(LogTest, AccessLinesGoToTheFileOnly) {
  testing::TempDir dir;
  const Config config = TestConfig(dir);
  const auto stderr_file = dir / "stderr";
  {
    StderrToFile redirect(stderr_file);
    ASSERT_TRUE(redirect.ok());
    InitLogging(config, "server", /*also_stderr=*/true);
    AccessLog().info("access-line-marker");
    spdlog::info("info-line-marker");
    AccessLog().flush();
    spdlog::default_logger()->flush();
  }
  const std::string err = testing::ReadFile(stderr_file);
  EXPECT_NE(err.find("info-line-marker"), std::string::npos) << err;
  EXPECT_EQ(err.find("access-line-marker"), std::string::npos) << err;
  const std::string file = testing::ReadFile(config.logs_dir() / "server.log");
  EXPECT_NE(file.find("info-line-marker"), std::string::npos) << file;
  EXPECT_NE(file.find("access-line-marker"), std::string::npos) << file;
}

// Access lines wait for a flush; the service's own lines are written at
// once, and take the waiting access lines along.
TEST(LogTest, OnlyAccessLinesAreBuffered) {
  testing::TempDir dir;
  const Config config = TestConfig(dir);
  InitLogging(config, "server", /*also_stderr=*/false);
  const auto file = config.logs_dir() / "server.log";
  AccessLog().info("access-line-marker");
  EXPECT_EQ(testing::ReadFile(file).find("access-line-marker"), std::string::npos)
      << "an access line is flushed on its own";
  spdlog::info("service-line-marker");
  const std::string log = testing::ReadFile(file);
  EXPECT_NE(log.find("service-line-marker"), std::string::npos) << log;
  EXPECT_NE(log.find("access-line-marker"), std::string::npos) << log;
}

}  // namespace
}  // namespace octopus
