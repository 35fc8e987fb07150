// Hostile files through every front end of the running service: the CLI
// (`octopus import`: exit 3 and the reason), the mount (`cp` fails at close
// with a clear errno) and the API (status and error code). After each, the
// library is as it was: same photo count and usage, nothing left in
// staging, and fsck clean at the end. The generators are shared with the
// core-level tests (tests/testing/hostile_files.h).
//
// Broken EXIF (looping IFDs, absurd counts, a garbage Exif box in a HEIC)
// is not a refusal: the photo is kept and the EXIF dropped (README,
// "Malformed EXIF"); those files must import through every front end.
#include "tests/testing/hostile_files.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "tests/testing/test_util.h"
#include "tests/tools/e2e_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

using testing::kPassword;

struct Refusal {
  std::string cli_reason;  // in `octopus import` output
  int http_status;
  std::string http_code;
  int mount_errno;
};

class HostileFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
    ASSERT_TRUE(testing::AddUser(home_, "dave", kPassword, "1G"));
    ASSERT_TRUE(service_.Start());
    token_ = service_.Login("dave", kPassword);
    ASSERT_FALSE(token_.empty());
    auth_ = {{"Authorization", "Bearer " + token_}};
    fs::create_directories(dir_ / "in");
    // One good photo, so "as it was" is checked against a non-empty library.
    const auto good = dir_ / "in" / "good.jpg";
    testing::WriteFile(good, testing::MakeDistinctJpeg(200, 100, 1));
    auto res = Upload(good);
    ASSERT_TRUE(res && res->status == 201);
  }

  httplib::Result Upload(const fs::path& file) {
    httplib::MultipartFormDataItems items = {
        {"file", testing::ReadFile(file), file.filename().string(), "image/jpeg"}};
    return service_.Client()->Post("/api/v1/photos", auth_, items);
  }

  std::pair<std::int64_t, std::int64_t> Usage() {
    auto res = service_.Client()->Get("/api/v1/users/me", auth_);
    if (!res || res->status != 200) return {-1, -1};
    const auto j = nlohmann::json::parse(res->body);
    return {j.value("photo_count", -1), j.value("used_bytes", -1)};
  }

  // Bytes actually allocated under the home (sparse files count as holes).
  std::int64_t HomeDiskUsage() {
    std::int64_t blocks = 0;
    for (const auto& e : fs::recursive_directory_iterator(home_)) {
      struct stat st {};
      if (::lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) blocks += st.st_blocks;
    }
    return blocks * 512;
  }

  void ExpectUnchanged(const std::string& step, std::pair<std::int64_t, std::int64_t> before) {
    EXPECT_EQ(Usage(), before) << step;
    EXPECT_TRUE(fs::is_empty(home_ / "data" / "storage" / "tmp")) << step;
    EXPECT_TRUE(fs::is_empty(service_.mount() / "import")) << step;
  }

  // The file through the CLI, the API and the mount: refused each time,
  // and nothing changes.
  void ExpectRefusedEverywhere(const fs::path& file, const Refusal& want) {
    SCOPED_TRACE(file.filename().string());
    const auto before = Usage();
    ASSERT_GE(before.first, 1);

    auto r =
        RunCommand(testing::OctopusCommand(home_) + " import --user dave " + Quote(file.string()));
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(want.cli_reason), std::string::npos) << r.output;
    ExpectUnchanged("cli", before);

    // curl, as a real client.
    r = RunCommand("curl -s --max-time 300 -H " + Quote("Authorization: Bearer " + token_) +
                   " -H 'Expect:' -w '\\n%{http_code}' -F " + Quote("file=@" + file.string()) +
                   " http://127.0.0.1:" + std::to_string(service_.port()) + "/api/v1/photos");
    const auto nl = r.output.rfind('\n');
    ASSERT_NE(nl, std::string::npos) << r.output;
    EXPECT_EQ(r.output.substr(nl + 1), std::to_string(want.http_status)) << r.output;
    const auto body = nlohmann::json::parse(r.output.substr(0, nl), nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.output;
    EXPECT_EQ(body["error"].value("code", ""), want.http_code) << r.output;
    ExpectUnchanged("api", before);

    const auto target = service_.mount() / "import" / file.filename();
    r = RunCommand("cp " + Quote(file.string()) + " " + Quote(target.string()));
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(std::strerror(want.mount_errno)), std::string::npos) << r.output;
    ExpectUnchanged("mount", before);
    EXPECT_FALSE(fs::exists(service_.mount() / "all" / file.filename()));
  }

  // Kept through every front end (the first import, then duplicates), and
  // then deleted again.
  void ExpectKeptEverywhere(const fs::path& file) {
    SCOPED_TRACE(file.filename().string());
    const auto before = Usage();
    auto r =
        RunCommand(testing::OctopusCommand(home_) + " import --user dave " + Quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto res = Upload(file);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;  // a duplicate of the CLI's import
    const std::string id = nlohmann::json::parse(res->body).value("id", "");
    r = RunCommand("cp " + Quote(file.string()) + " " +
                   Quote((service_.mount() / "import" / file.filename()).string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Usage().first, before.first + 1);
    EXPECT_TRUE(testing::PollUntil(
        [&] { return fs::exists(service_.mount() / "all" / file.filename()); }, 30));
    EXPECT_EQ(testing::Sha256OfFile(service_.mount() / "all" / file.filename()),
              testing::Sha256OfFile(file));
    res = service_.Client()->Delete("/api/v1/photos/" + id, auth_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204);
    res = service_.Client()->Delete("/api/v1/trash/" + id, auth_);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204);
    EXPECT_EQ(Usage(), before);
  }

  fs::path Write(const std::string& name, const std::string& bytes) {
    const auto p = dir_ / "in" / name;
    testing::WriteFile(p, bytes);
    return p;
  }

  testing::TempDir dir_;
  fs::path home_ = dir_ / "home";
  // A small per-file upload limit, so that the request limit (4 files) is
  // under the 2 GB sparse file and the API refuses it from its length.
  testing::ServiceProcess service_{home_, dir_ / "mnt", "dave", {{"OCTOPUS_MAX_UPLOAD", "64M"}}};
  std::string token_;
  httplib::Headers auth_;
};

TEST_F(HostileFilesTest, BrokenFilesAreRefusedEverywhereAndChangeNothing) {
  const Refusal unsupported{"not a supported image", 415, "unsupported_media", EINVAL};
  ExpectRefusedEverywhere(Write("empty.jpg", ""), {"is empty", 415, "unsupported_media", EINVAL});
  ExpectRefusedEverywhere(Write("notes.jpg", testing::TextFile()), unsupported);
  ExpectRefusedEverywhere(Write("truncated.jpg", testing::TruncatedJpeg()),
                          {"truncated", 415, "unsupported_media", EINVAL});
  ExpectRefusedEverywhere(Write("bomb.jpg", testing::DecompressionBombJpeg(65000)),
                          {"65000x65000", 413, "too_large", EFBIG});
  ExpectRefusedEverywhere(Write("noprimary.heic", testing::HeifWithoutPrimaryImage()), unsupported);
  // libheif would recurse on it until the process aborts: the CLI, the
  // server and the mount would die with it.
  ExpectRefusedEverywhere(Write("selfgrid.heic", testing::HeifGridReferringToItself()),
                          {"refers to itself", 415, "unsupported_media", EINVAL});
  ExpectRefusedEverywhere(Write("biggrid.heic", testing::HeifGridWithOversizedCanvas()),
                          {"16384x12288", 413, "too_large", EFBIG});
  auto r = RunCommand(testing::OctopusCommand(home_) + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// 2 GB of holes after a JPEG signature: refused from its header (CLI,
// mount) or its declared length (API), and never written out anywhere: the
// home's allocated size stays small throughout.
TEST_F(HostileFilesTest, SparseTwoGigabyteFileIsRefusedWithoutBeingWritten) {
  const auto sparse = dir_ / "in" / "sparse.jpg";
  testing::WriteSparseJpeg(sparse, 2LL << 30);
  const std::int64_t home_before = HomeDiskUsage();
  ExpectRefusedEverywhere(sparse, {"not a supported image", 413, "too_large", EINVAL});
  EXPECT_LT(HomeDiskUsage() - home_before, 16 << 20);
  auto r = RunCommand(testing::OctopusCommand(home_) + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(HostileFilesTest, BrokenExifIsDroppedAndThePhotoKept) {
  ExpectKeptEverywhere(Write("loopexif.jpg", testing::JpegWithLoopingExif()));
  const std::string heic = testing::HeicWithBrokenExif(dir_.path());
  if (heic.empty()) GTEST_SKIP() << "heif-enc/exiv2 not installed (tools/setup.sh installs them)";
  ExpectKeptEverywhere(Write("brokenexif.heic", heic));
  auto r = RunCommand(testing::OctopusCommand(home_) + " fsck");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace octopus
