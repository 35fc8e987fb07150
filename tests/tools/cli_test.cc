// End-to-end: the real `octopus` binary on real files in a temporary home.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::Quote;
using testing::RunCommand;

class CliTest : public ::testing::Test {
 protected:
  testing::CommandResult Octopus(const std::string& args, const std::string& stdin_text = "") {
    std::string cmd =
        Quote(testing::OctopusBinary()) + " --home " + Quote(home_.path() / "home") + " " + args;
    if (!stdin_text.empty()) cmd = "printf '%s\\n' " + Quote(stdin_text) + " | " + cmd;
    return octopus::testing::RunCommand(cmd);
  }
  void AddUser(const std::string& name, const std::string& quota = "") {
    auto r = Octopus(
        "user add " + name + (quota.empty() ? "" : " --quota " + quota) + " --password-stdin",
        "a long enough password");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  testing::TempDir home_;
};

TEST_F(CliTest, ImportsAFolderAndListsRecordsAsJson) {
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  AddUser("alice");
  auto r = Octopus("import --user alice " + Quote(photos));
  // The folder also holds README.md and expected.tsv: refused, so exit 3.
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("imported 13, duplicates 0, refused 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("README.md: not a supported image"), std::string::npos) << r.output;

  auto again = Octopus("import --user alice " + Quote(photos / "nikon_d70s_gps.jpg"));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("imported 0, duplicates 1, refused 0"), std::string::npos);

  auto ls = Octopus("ls --user alice --json");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  const auto records = nlohmann::json::parse(ls.output);
  ASSERT_EQ(records.size(), 13u);
  bool saw_nikon = false;
  for (const auto& rec : records) {
    for (const char* key : {"id", "filename", "mime", "size", "sha256", "width", "height",
                            "orientation", "taken_at", "taken_at_offset", "taken_at_estimated",
                            "camera", "exif", "gps", "place", "imported_at"}) {
      EXPECT_TRUE(rec.contains(key)) << key;
    }
    if (rec["filename"] == "nikon_d70s_gps.jpg") {
      saw_nikon = true;
      EXPECT_EQ(rec["sha256"], "1f2b247e1ab6c26a41f670a7653404eda7eb198e923d71cafea04a0a934380e6");
      EXPECT_EQ(rec["camera"]["make"], "Nikon");
      EXPECT_EQ(rec["exif"]["iso"], 1000);
      EXPECT_NEAR(rec["gps"]["lon"].get<double>(), 11.234619, 1e-5);
    }
  }
  EXPECT_TRUE(saw_nikon);
  auto fsck = Octopus("fsck");
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
  EXPECT_NE(fsck.output.find("consistent"), std::string::npos);
}

// Places come from the home's data/places.idx. A corrupt index is reported
// in the log and the CLI still imports (with no place); once a good index is
// built with octopus-places, `reindex --places` gives the photo its place.
TEST_F(CliTest, PlacesIndexCorruptThenRebuiltAndReindexed) {
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  AddUser("alice");
  const auto index = home_.path() / "home" / "data" / "places.idx";
  testing::WriteFile(index, "not an index at all");
  auto r = Octopus("import --user alice " + Quote(photos / "nikon_d70s_gps.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string log = testing::ReadFile(home_.path() / "home" / "data" / "logs" / "cli.log");
  EXPECT_NE(log.find("places disabled"), std::string::npos) << log;
  auto ls = Octopus("ls --user alice --json");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  auto records = nlohmann::json::parse(ls.output);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["place"].is_null()) << records[0].dump();
  EXPECT_FALSE(records[0]["gps"].is_null());

  const auto fixtures = std::filesystem::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/places";
  const auto places_tool =
      std::filesystem::path(testing::OctopusBinary()).parent_path() / "octopus-places";
  auto build =
      RunCommand(Quote(places_tool) + " build --cities " + Quote(fixtures / "cities1000.txt") +
                 " --admin1 " + Quote(fixtures / "admin1CodesASCII.txt") + " --countries " +
                 Quote(fixtures / "countryInfo.txt") + " -o " + Quote(index));
  ASSERT_EQ(build.exit_code, 0) << build.output;
  auto re = Octopus("reindex --places --user alice");
  ASSERT_EQ(re.exit_code, 0) << re.output;
  ls = Octopus("ls --user alice --json");
  records = nlohmann::json::parse(ls.output);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0]["place"].is_object()) << records[0].dump();
  EXPECT_EQ(records[0]["place"]["country_code"], "IT");
  EXPECT_EQ(records[0]["place"]["country"], "Italy");
}

TEST_F(CliTest, QuotaIsEnforcedWithAClearMessage) {
  AddUser("bob", "20K");
  const auto big = home_ / "big.jpg";
  testing::WriteFile(big, testing::MakeJpeg(800, 800, 1, 95));
  auto r = Octopus("import --user bob " + Quote(big));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("quota exceeded: needs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("of 20 kB free"), std::string::npos) << r.output;
  auto list = Octopus("user list");
  EXPECT_NE(list.output.find("bob"), std::string::npos);
  auto quota = Octopus("user quota bob 10G");
  EXPECT_EQ(quota.exit_code, 0) << quota.output;
  EXPECT_EQ(quota.output.find("warning"), std::string::npos) << quota.output;
  EXPECT_EQ(Octopus("import --user bob " + Quote(big)).exit_code, 0);
  // Below the usage: accepted, with a warning that says by how much, and
  // the next import says bob is over.
  quota = Octopus("user quota bob 20K");
  EXPECT_EQ(quota.exit_code, 0) << quota.output;
  EXPECT_NE(quota.output.find("warning: bob already stores"), std::string::npos) << quota.output;
  EXPECT_NE(quota.output.find("over the new quota"), std::string::npos) << quota.output;
  const auto small = home_ / "small.jpg";
  testing::WriteFile(small, testing::MakeJpeg(16, 16, 2));
  r = Octopus("import --user bob " + Quote(small));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("over the quota of 20 kB"), std::string::npos) << r.output;
}

TEST_F(CliTest, UserManagementErrorsAreClear) {
  AddUser("carol");
  auto dup = Octopus("user add carol --password-stdin", "another long password");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.output.find("already exists"), std::string::npos) << dup.output;
  auto short_pw = Octopus("user add dave --password-stdin", "short");
  EXPECT_EQ(short_pw.exit_code, 1);
  EXPECT_NE(short_pw.output.find("at least 8"), std::string::npos) << short_pw.output;
  auto bad_size = Octopus("user quota carol lots");
  EXPECT_EQ(bad_size.exit_code, 2) << bad_size.output;
  // No terminal and no --yes: refuse rather than guess.
  auto no_yes = Octopus("user remove carol < /dev/null");
  EXPECT_NE(no_yes.exit_code, 0);
  EXPECT_EQ(Octopus("user remove carol --yes").exit_code, 0);
  EXPECT_EQ(Octopus("ls --user carol").exit_code, 1);
  auto unknown = Octopus("import --user nobody /etc/hostname");
  EXPECT_NE(unknown.output.find("no such user"), std::string::npos) << unknown.output;
}

// octopus trash empty: without --user, only what is past the retention
// time, in every user's trash; with --user, all of that user's trash.
TEST_F(CliTest, TrashEmptyHonoursTheRetentionTime) {
  AddUser("alice");
  AddUser("bob");
  const auto src = home_.path() / "src";
  std::filesystem::create_directories(src);
  for (int i = 0; i < 3; ++i) {
    testing::WriteFile(src / ("t" + std::to_string(i) + ".jpg"), testing::MakeJpeg(64, 48, 60 + i));
  }
  ASSERT_EQ(Octopus("import --user alice " + Quote(src / "t0.jpg") + " " + Quote(src / "t1.jpg"))
                .exit_code,
            0);
  ASSERT_EQ(Octopus("import --user bob " + Quote(src / "t2.jpg")).exit_code, 0);
  {
    auto config = LoadConfig({{"OCTOPUS_HOME", (home_.path() / "home").string()}});
    ASSERT_TRUE(config.ok());
    auto lib = Library::Open(*config);
    ASSERT_TRUE(lib.ok());
    for (const char* name : {"alice", "bob"}) {
      auto user = (*lib)->FindUser(name);
      ASSERT_TRUE(user.ok());
      auto photos = (*lib)->AllPhotos(user->id);
      ASSERT_TRUE(photos.ok());
      for (const Photo& p : *photos) ASSERT_TRUE((*lib)->DeletePhoto(user->id, p.id).ok());
    }
  }
  auto r = Octopus("trash empty");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("purged 0 photo(s)"), std::string::npos) << r.output;
  r = Octopus("trash empty --user alice");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("purged 2 photo(s)"), std::string::npos) << r.output;
  // A retention of 0 days: everything trashed before now goes.
  r = RunCommand("sleep 1; OCTOPUS_TRASH_DAYS=0 " + Quote(testing::OctopusBinary()) + " --home " +
                 Quote(home_.path() / "home") + " trash empty");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("purged 1 photo(s)"), std::string::npos) << r.output;
  EXPECT_NE(Octopus("trash empty --user nobody").exit_code, 0);
  auto config = LoadConfig({{"OCTOPUS_HOME", (home_.path() / "home").string()}});
  ASSERT_TRUE(config.ok());
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok());
  for (const char* name : {"alice", "bob"}) {
    auto user = (*lib)->FindUser(name);
    ASSERT_TRUE(user.ok());
    EXPECT_EQ(user->photo_count, 0) << name;
    EXPECT_EQ(user->used_bytes, 0) << name;
  }
}

}  // namespace
}  // namespace octopus
