// End-to-end: the real `octopus` binary on real files in a temporary home.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CliTest : public ::testing::Test {
 protected:
  // `octopus --home HOME ARGS`, with `stdin_text` as its input when given.
  testing::CommandResult OctopusAt(const fs::path& home, const std::string& args,
                                   const std::string& stdin_text = "") {
    std::string cmd = Quote(testing::OctopusBinary()) + " --home " + Quote(home) + " " + args;
    if (!stdin_text.empty()) cmd = "printf '%s\\n' " + Quote(stdin_text) + " | " + cmd;
    return RunCommand(cmd);
  }
  testing::CommandResult Octopus(const std::string& args, const std::string& stdin_text = "") {
    return OctopusAt(home(), args, stdin_text);
  }
  void AddUser(const std::string& name, const std::string& flags = "") {
    auto r =
        Octopus("user add " + name + " " + flags + " --password-stdin", "a long enough password");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  fs::path home() const { return home_.path() / "home"; }
  fs::path Jpeg(const std::string& name, int seed) {
    const fs::path p = home_ / "in" / name;
    fs::create_directories(p.parent_path());
    testing::WriteFile(p, testing::MakeDistinctJpeg(64, 48, seed));
    return p;
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
  EXPECT_NE(r.output.find("imported 13, duplicates 0, refused 2, skipped 0"), std::string::npos)
      << r.output;
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
// once (stderr and log) and the CLI still imports (with no place); once
// `places build --force` has rebuilt it, `reindex --places` gives the photo
// its place.
TEST_F(CliTest, PlacesIndexCorruptThenRebuiltAndReindexed) {
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  AddUser("alice");
  const auto index = home() / "data" / "places.idx";
  testing::WriteFile(index, "not an index at all");
  auto r = Octopus("import --user alice " + Quote(photos / "nikon_d70s_gps.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r.output, "places disabled"), 1u) << r.output;
  const std::string log = testing::ReadFile(home() / "data" / "logs" / "cli.log");
  EXPECT_EQ(Count(log, "places disabled"), 1u) << log;
  auto ls = Octopus("ls --user alice --json");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  auto records = nlohmann::json::parse(ls.output);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["place"].is_null()) << records[0].dump();
  EXPECT_FALSE(records[0]["gps"].is_null());

  const auto fixtures = fs::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/places";
  auto kept = Octopus("places build --from " + Quote(fixtures));
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_NE(kept.output.find("wrote"), std::string::npos) << "a corrupt index is rebuilt";
  auto build = Octopus("places build --force --from " + Quote(fixtures));
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

// `octopus import` alone (no tools/start.sh) gives places: the index is
// built from the installed GeoNames data on first use, said once, and used
// from then on.
TEST_F(CliTest, FirstImportBuildsThePlacesIndexFromTheInstalledData) {
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  AddUser("alice");
  const std::string data =
      "OCTOPUS_PLACES_DATA=" + Quote(fs::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/places") + " ";
  auto r = RunCommand(data + Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                      " import --user alice " + Quote(photos / "nikon_d70s_gps.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r.output, "building the places index"), 1u) << r.output;
  EXPECT_TRUE(fs::exists(home() / "data" / "places.idx"));
  auto ls = Octopus("ls --user alice --json");
  auto records = nlohmann::json::parse(ls.output);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0]["place"].is_object()) << records[0].dump();
  EXPECT_EQ(records[0]["place"]["country_code"], "IT");

  auto again = RunCommand(data + Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                          " import --user alice " + Quote(Jpeg("x.jpg", 1)));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("places"), std::string::npos) << "built once: " << again.output;
  auto status = Octopus("places status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("places ("), std::string::npos) << status.output;
}

// Without data to build from, a command that computes places says so once
// on stderr and once in the log (it was three times, in the log only), and
// imports anyway.
TEST_F(CliTest, WithoutPlacesDataTheCommandSaysOnceHowToGetPlaces) {
  AddUser("alice");
  const std::string no_data = "OCTOPUS_PLACES_DATA=" + Quote(home_ / "nowhere") + " ";
  auto r = RunCommand(no_data + Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                      " import --user alice " + Quote(Jpeg("a.jpg", 1)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r.output, "no places index"), 1u) << r.output;
  EXPECT_NE(r.output.find("octopus places build"), std::string::npos) << r.output;
  const std::string log = testing::ReadFile(home() / "data" / "logs" / "cli.log");
  EXPECT_EQ(Count(log, "no places index"), 1u) << log;
  auto status = RunCommand(no_data + Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                           " places status");
  EXPECT_EQ(status.exit_code, 1) << status.output;
  EXPECT_NE(status.output.find("none: photos get no place"), std::string::npos) << status.output;
  // Commands that compute no place do not talk about places.
  auto ls = RunCommand(no_data + Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                       " ls --user alice");
  EXPECT_EQ(ls.output.find("places"), std::string::npos) << ls.output;
}

// The npm packages tools/setup.sh installs are converted with the real
// tools/places/npm_to_geonames.js (node), then indexed.
TEST_F(CliTest, PlacesBuildFromTheNpmPackages) {
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "no node (tools/setup.sh)";
  const auto npm = fs::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/places/npm";
  auto r = Octopus("places build --from " + Quote(npm));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("npm packages in"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(": 3 places"), std::string::npos) << r.output;
  auto lookup =
      RunCommand(Quote(fs::path(testing::OctopusBinary()).parent_path() / "octopus-places") +
                 " lookup --index " + Quote(home() / "data" / "places.idx") + " 43.7856 11.2346");
  EXPECT_EQ(lookup.output, "Italy (IT) / Tuscany / Florence\n") << lookup.output;
  // Nothing of the conversion is left beside the index.
  for (const auto& e : fs::directory_iterator(home() / "data")) {
    EXPECT_EQ(e.path().filename().string().find(".geonames"), std::string::npos) << e.path();
  }
  auto bad = Octopus("places build --force --from " + Quote(home_ / "nothing"));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("no such folder"), std::string::npos) << bad.output;
}

TEST_F(CliTest, QuotaIsEnforcedWithAClearMessage) {
  AddUser("bob", "--quota 20K");
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

// The README's order (`user add alice`, then `serve`) used to leave a
// library nobody could administer.
TEST_F(CliTest, AdministrationIsGrantedAndRevoked) {
  AddUser("alice");
  auto admins = [&] {
    std::istringstream lines(Octopus("user list").output);
    std::string line, out;
    while (std::getline(lines, line)) {
      if (line.find("admin") != std::string::npos) out += line.substr(0, line.find(' ')) + " ";
    }
    return out;
  };
  EXPECT_EQ(admins(), "");
  auto grant = Octopus("user admin alice");
  EXPECT_EQ(grant.exit_code, 0) << grant.output;
  EXPECT_NE(grant.output.find("alice is now an administrator"), std::string::npos) << grant.output;
  EXPECT_EQ(admins(), "alice ");
  auto revoke = Octopus("user admin alice --revoke");
  EXPECT_EQ(revoke.exit_code, 0) << revoke.output;
  EXPECT_NE(revoke.output.find("no administrator left"), std::string::npos) << revoke.output;
  EXPECT_EQ(admins(), "");
  auto bob = Octopus("user add bob --admin --password-stdin", "a long enough password");
  EXPECT_EQ(bob.exit_code, 0) << bob.output;
  EXPECT_NE(bob.output.find("created administrator bob"), std::string::npos) << bob.output;
  EXPECT_EQ(admins(), "bob ");
  auto nobody = Octopus("user admin nobody");
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.output.find("no such user"), std::string::npos) << nobody.output;
}

// The README says every command takes --home, before or after the command.
TEST_F(CliTest, HomeIsAcceptedAfterTheCommand) {
  AddUser("alice");
  for (const std::string& args :
       {"user list --home " + Quote(home()), "ls --user alice --home " + Quote(home()),
        "ls --home=" + Quote(home()) + " -u alice"}) {
    auto r = RunCommand(Quote(testing::OctopusBinary()) + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.output;
  }
  auto r = RunCommand(Quote(testing::OctopusBinary()) + " user list --home " + Quote(home()));
  EXPECT_NE(r.output.find("alice"), std::string::npos) << r.output;
}

// A mistyped --home is an error for every command that only reads or
// changes an existing library; it used to create a new, empty one.
TEST_F(CliTest, CommandsOnAMissingLibraryFailWithoutCreatingOne) {
  const fs::path typo = home_ / "typo";
  for (const std::string& args : std::vector<std::string>{
           "ls --user alice", "user list", "fsck", "fsck --repair", "user quota alice 1G",
           "user admin alice", "user remove alice --yes", "reindex --places", "places status",
           "trash empty", "db migrate --to dbname=octopus",
           "import --user alice " + Quote(Jpeg("a.jpg", 1)),
           "mount --user alice " + Quote(home_ / "m")}) {
    auto r = OctopusAt(typo, args);
    EXPECT_EQ(r.exit_code, 1) << args << ": " << r.output;
    EXPECT_NE(r.output.find("no library at " + typo.string()), std::string::npos)
        << args << ": " << r.output;
    EXPECT_FALSE(fs::exists(typo)) << args;
  }
}

TEST_F(CliTest, VersionHelpAndMistypedCommands) {
  const std::string octopus = Quote(testing::OctopusBinary());
  auto version = RunCommand(octopus + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("octopus ", 0), 0u) << version.output;

  auto help = RunCommand(octopus + " help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  for (const char* command : {"import", "mount", "umount", "places", "serve", "user"}) {
    EXPECT_NE(help.output.find(command), std::string::npos) << command;
  }
  auto import_help = RunCommand(octopus + " help import");
  EXPECT_EQ(import_help.exit_code, 0);
  EXPECT_NE(import_help.output.find("--jobs"), std::string::npos) << import_help.output;
  auto user_add_help = RunCommand(octopus + " help user add");
  EXPECT_NE(user_add_help.output.find("--admin"), std::string::npos) << user_add_help.output;

  auto typo = RunCommand(octopus + " imprt --user alice x");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("unknown command 'imprt'; did you mean 'import'?"), std::string::npos)
      << typo.output;
  auto nested = RunCommand(octopus + " --home /nonexistent user lst");
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_NE(nested.output.find("did you mean 'list'?"), std::string::npos) << nested.output;
  auto far = RunCommand(octopus + " frobnicate");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.output.find("unknown command 'frobnicate'"), std::string::npos) << far.output;
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
  auto bare = RunCommand(octopus);
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.output.find("Subcommands:"), std::string::npos) << bare.output;
}

TEST_F(CliTest, WorkerCountsOutOfRangeAreRefused) {
  AddUser("alice");
  const auto photo = Jpeg("a.jpg", 1);
  for (const char* jobs : {"0", "-3", "1000", "65"}) {
    auto r = Octopus("import -u alice -j " + std::string(jobs) + " " + Quote(photo));
    EXPECT_EQ(r.exit_code, 2) << jobs << ": " << r.output;
    EXPECT_NE(r.output.find("--jobs"), std::string::npos) << r.output;
  }
  auto r = Octopus("import -u alice -j 1 " + Quote(photo));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("imported 1"), std::string::npos) << r.output;
}

// A path that is not there is a mistake in the command: exit 1 before
// anything is imported (it was "refused 1 (0 files)", exit 3).
TEST_F(CliTest, AMissingPathIsAnErrorAndNothingIsImported) {
  AddUser("alice");
  const auto missing = home_ / "no-such-folder";
  auto r = Octopus("import -u alice " + Quote(Jpeg("a.jpg", 1)) + " " + Quote(missing));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no such file or folder: " + missing.string()), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("nothing imported"), std::string::npos) << r.output;
  auto ls = Octopus("ls -u alice --json");
  EXPECT_EQ(nlohmann::json::parse(ls.output).size(), 0u) << ls.output;
}

// Each refusal names the file once, then says why.
TEST_F(CliTest, RefusalsNameTheFileOnce) {
  AddUser("alice");
  const auto notes = home_ / "in" / "notes.jpg";
  fs::create_directories(notes.parent_path());
  testing::WriteFile(notes, "just some text\n");
  testing::WriteFile(home_ / "in" / "empty.jpg", "");
  auto r = Octopus("import -u alice " + Quote(home_ / "in"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(
      r.output.find("  refused: " + notes.string() + ": not a supported image: not JPEG or HEIC\n"),
      std::string::npos)
      << r.output;
  EXPECT_EQ(Count(r.output, "notes.jpg"), 1u) << r.output;
  EXPECT_EQ(Count(r.output, "empty.jpg"), 1u) << r.output;
  EXPECT_NE(r.output.find("empty.jpg: not a supported image: the file is empty"), std::string::npos)
      << r.output;
}

// A camera card: the photos are imported, everything that travels with
// them is skipped, and nothing is an error (it was exit 3, every companion
// "refused").
TEST_F(CliTest, CameraCardCompanionsAreSkippedNotRefused) {
  AddUser("alice");
  const fs::path card = home_ / "card" / "DCIM" / "100APPLE";
  fs::create_directories(card);
  testing::WriteFile(card / "IMG_0001.JPG", testing::MakeDistinctJpeg(64, 48, 1));
  testing::WriteFile(card / "IMG_0002.JPG", testing::MakeDistinctJpeg(64, 48, 2));
  for (const char* name : {"IMG_0001.MOV", "IMG_0003.MP4", "IMG_0001.AAE", "MVI_0004.THM",
                           "IMG_0002.XMP", "._IMG_0001.JPG", ".DS_Store", "Thumbs.db"}) {
    testing::WriteFile(card / name, std::string("not a photo: ") + name);
  }
  auto r = Octopus("import -u alice " + Quote(home_ / "card"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("imported 2, duplicates 0, refused 0, skipped 8 (10 files"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("skipped: 2 videos, 3 sidecars, 3 system files"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("refused:"), std::string::npos) << r.output;
  // Anything else still goes by content: refused, exit 3.
  testing::WriteFile(card / "notes.txt", "text");
  auto mixed = Octopus("import -u alice " + Quote(home_ / "card"));
  EXPECT_EQ(mixed.exit_code, 3) << mixed.output;
  EXPECT_NE(mixed.output.find("duplicates 2, refused 1, skipped 8"), std::string::npos)
      << mixed.output;
}

TEST_F(CliTest, LsHasAHeaderAndExplainsEstimatedDates) {
  AddUser("alice");
  auto empty = Octopus("ls -u alice");
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_NE(empty.output.find("no photos"), std::string::npos) << empty.output;
  // A generated JPEG has no EXIF: its date is the file's time, estimated.
  const fs::path photo = Jpeg("a.jpg", 1);
  ASSERT_EQ(RunCommand("touch -d '2020-01-02 03:04:05' " + Quote(photo)).exit_code, 0);
  ASSERT_EQ(Octopus("import -u alice " + Quote(photo)).exit_code, 0);
  auto ls = Octopus("ls -u alice");
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  EXPECT_EQ(ls.output.rfind("ID", 0), 0u) << ls.output;
  for (const char* column : {"TAKEN", "SIZE", "CAMERA", "FILE"}) {
    EXPECT_NE(ls.output.find(column), std::string::npos) << column;
  }
  const std::string row = ls.output.substr(ls.output.find('\n') + 1);
  EXPECT_NE(row.substr(0, row.find('\n')).find("2020-01-02 03:04:05* "), std::string::npos)
      << ls.output;
  EXPECT_NE(ls.output.find("* no date in the photo"), std::string::npos) << ls.output;
  EXPECT_EQ(ls.output.find("~"), std::string::npos) << ls.output;
}

// Under a pseudo-terminal 80 columns wide, no progress line may reach the
// last column (an 81-column line scrolled on every update), whatever the
// file names. Through $COLUMNS (no window size), then the window size.
TEST_F(CliTest, ProgressLineFitsTheTerminal) {
  if (RunCommand("script --version").exit_code != 0) GTEST_SKIP() << "no script(1)";
  AddUser("alice");
  const fs::path in = home_ / "many";
  fs::create_directories(in);
  for (int i = 0; i < 12; ++i) {
    testing::WriteFile(in / ("photo_" + std::to_string(i) + "_" + std::string(90, 'x') + "_é.jpg"),
                       testing::MakeDistinctJpeg(640, 480, i));
  }
  auto check = [&](const std::string& setup, std::size_t columns) {
    const std::string import = Quote(testing::OctopusBinary()) + " --home " + Quote(home()) +
                               " import -u alice -j 2 " + Quote(in);
    auto r = RunCommand("script -qfec " + Quote(setup + import) + " /dev/null < /dev/null");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::size_t lines = 0;
    std::string segment;
    auto finish = [&] {
      // The progress lines are those with the file count ("3/12 files").
      static const std::regex kCount("[0-9]+/12 files");
      if (std::regex_search(segment, kCount)) {
        ++lines;
        // Bytes past ASCII are UTF-8 ("é"): count code points, not bytes.
        std::size_t width = 0;
        for (unsigned char c : segment) width += (c & 0xC0) != 0x80;
        EXPECT_LT(width, columns) << "'" << segment << "'";
      }
      segment.clear();
    };
    for (char c : r.output) {
      if (c == '\r' || c == '\n') {
        finish();
      } else {
        segment += c;
      }
    }
    finish();
    EXPECT_GE(lines, 2u) << "the first and the final line at least:\n" << r.output;
    EXPECT_NE(r.output.find("imported"), std::string::npos) << r.output;
  };
  check("COLUMNS=80 ", 80);
  // The second run finds only duplicates; the line is drawn all the same.
  check("unset COLUMNS; stty cols 50; ", 50);
}

// `mount` promises an empty folder; `umount` stops a background mount.
TEST_F(CliTest, MountRefusesAFolderWithFilesAndUmountStopsIt) {
  if (::access("/dev/fuse", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/fuse";
  AddUser("alice");
  const fs::path mnt = home_ / "mnt";
  fs::create_directories(mnt);
  testing::WriteFile(mnt / "keep.txt", "mine");
  auto full = Octopus("mount -u alice " + Quote(mnt));
  EXPECT_EQ(full.exit_code, 1) << full.output;
  EXPECT_NE(full.output.find("is not empty"), std::string::npos) << full.output;
  EXPECT_EQ(testing::ReadFile(mnt / "keep.txt"), "mine");
  fs::remove(mnt / "keep.txt");

  auto not_mounted = Octopus("umount " + Quote(mnt));
  EXPECT_EQ(not_mounted.exit_code, 1);
  EXPECT_NE(not_mounted.output.find("is not mounted"), std::string::npos) << not_mounted.output;

  auto mounted = Octopus("mount -u alice " + Quote(mnt));
  ASSERT_EQ(mounted.exit_code, 0) << mounted.output;
  EXPECT_NE(mounted.output.find("stop it with `octopus umount " + mnt.string() + "`"),
            std::string::npos)
      << mounted.output;
  ASSERT_TRUE(fs::is_directory(mnt / "all"));
  auto pid_at = mounted.output.find("(pid ");
  ASSERT_NE(pid_at, std::string::npos);
  const pid_t pid = std::atoi(mounted.output.c_str() + pid_at + 5);
  ASSERT_GT(pid, 0);

  auto stopped = Octopus("umount " + Quote(mnt));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_NE(stopped.output.find("unmounted " + mnt.string()), std::string::npos) << stopped.output;
  EXPECT_FALSE(fs::exists(mnt / "all"));
  // The mount process ends (a zombie until its new parent reaps it).
  EXPECT_TRUE(testing::PollUntil([&] {
    const std::string stat = testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
    return stat.empty() || stat.find(") Z") != std::string::npos;
  }));
  if (::kill(pid, 0) == 0 &&
      testing::ReadFile("/proc/" + std::to_string(pid) + "/stat").find(") Z") ==
          std::string::npos) {
    ::kill(pid, SIGKILL);  // never leave one behind
  }
  auto not_ours = Octopus("umount /");
  EXPECT_EQ(not_ours.exit_code, 1);
  EXPECT_NE(not_ours.output.find("not an octopus mount"), std::string::npos) << not_ours.output;
}

// octopus trash empty: without --user, only what is past the retention
// time, in every user's trash; with --user, all of that user's trash.
TEST_F(CliTest, TrashEmptyHonoursTheRetentionTime) {
  AddUser("alice");
  AddUser("bob");
  const auto src = home_.path() / "src";
  std::filesystem::create_directories(src);
  for (int i = 0; i < 3; ++i) {
    testing::WriteFile(src / ('t' + std::to_string(i) + ".jpg"), testing::MakeJpeg(64, 48, 60 + i));
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
