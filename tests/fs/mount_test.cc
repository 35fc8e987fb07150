// The mount against real tools: layout and attributes, importing by copying
// in (cp, cp -r, cp -a, rsync -a twice, mv, gio copy), refusals that reach
// the copying program, deletion, renames, quota in df, freshness.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/places/geonames.h"
#include "core/places/index_format.h"
#include "core/places/place_index.h"
#include "tests/fs/mount_fixture.h"

namespace octopus::fs {
namespace {

using testing::Quote;

TEST_F(MountTest, LayoutAttributesAndBytesOfSamplePhotos) {
  const auto samples = testing::SamplePhotoFiles();
  if (samples.empty()) GTEST_SKIP() << "no sample photos";
  for (const auto& f : samples) {
    IngestRequest req;
    req.source = f;
    ASSERT_TRUE(lib_->Ingest(alice_, req).ok()) << f;
  }
  DoMount();
  auto r = Sh("ls " + M());
  EXPECT_EQ(r.output, "all\nby-camera\nby-date\nby-place\nimport\ntrash\n");
  const std::string nikon = "by-date/2005/2005-12/2005-12-14/nikon_d70s_gps.jpg";
  r = Sh("stat -c '%s %Y %h %F' " + M(nikon));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // mtime is the capture time (local time of the photo, no offset in EXIF).
  const auto want_time = Sh("date -d '2005-12-14 14:39:47' +%s").output;
  EXPECT_EQ(r.output, "889829 " + want_time.substr(0, want_time.size() - 1) + " 1 regular file\n");
  EXPECT_EQ(
      Sh("cmp " + M(nikon) + " " + Quote((testing::SamplePhotos() / "nikon_d70s_gps.jpg").string()))
          .exit_code,
      0);
  EXPECT_EQ(Sh("test -f " + M("by-camera/Nikon D70s/nikon_d70s_gps.jpg")).exit_code, 0);
  EXPECT_EQ(Sh("test -f " + M("by-camera/Apple iPhone 11 Pro/apple_iphone11pro.heic")).exit_code,
            0);
  // No EXIF date: by-date/unknown/.
  EXPECT_EQ(Sh("test -f " + M("by-date/unknown/olympus_d320l_noexif.jpg")).exit_code, 0);
  EXPECT_EQ(Sh("test -f " + M("by-camera/Unknown camera/olympus_d320l_noexif.jpg")).exit_code, 0);
  // Every photo once in all/; find, du and ls -l behave.
  EXPECT_EQ(Sh("ls " + M("all") + " | wc -l").output, std::to_string(samples.size()) + "\n");
  EXPECT_EQ(Sh("find " + M("by-date") + " -type f | wc -l").output,
            std::to_string(samples.size()) + "\n");
  EXPECT_EQ(Sh("du -s " + M()).exit_code, 0);
  EXPECT_EQ(Sh("ls -lR " + M() + " >/dev/null").exit_code, 0);
  // Directory link counts: 2 + subdirectories (by-date/2005 has one month).
  EXPECT_EQ(Sh("stat -c %h " + M("by-date/2005")).output, "3\n");
  // Inode numbers are stable.
  const auto ino1 = Sh("stat -c %i " + M(nikon)).output;
  EXPECT_EQ(Sh("stat -c %i " + M(nikon)).output, ino1);
}

// by-place/<Country>/<Region>/<City>/, from the places index; a level
// without a name is skipped; photos without GPS are not listed.
TEST_F(MountTest, ByPlaceFolders) {
  const auto samples = testing::SamplePhotos();
  if (samples.empty()) GTEST_SKIP() << "no sample photos";
  const auto fixtures = std::filesystem::path(OCTOPUS_SOURCE_DIR) / "tests/fixtures/places";
  auto data = places::ReadGeoNames(fixtures / "cities1000.txt", fixtures / "admin1CodesASCII.txt",
                                   fixtures / "countryInfo.txt");
  ASSERT_TRUE(data.ok());
  ASSERT_TRUE(places::WritePlaceIndex(*data, dir_ / "places.idx").ok());
  auto index = places::OpenPlaceIndex(dir_ / "places.idx");
  ASSERT_TRUE(index.ok());
  lib_->SetPlaceIndex(index->get());
  for (const char* f : {"nikon_d70s_gps.jpg", "apple_iphone4_gps.jpg", "olympus_pen_ep3.jpg"}) {
    IngestRequest req;
    req.source = samples / f;
    ASSERT_TRUE(lib_->Ingest(alice_, req).ok());
  }
  DoMount();
  auto r = Sh("cd " + M("by-place") + " && find . -type f | sort");
  EXPECT_EQ(r.output,
            "./Italy/Lazio/Campo Jemini/apple_iphone4_gps.jpg\n"
            "./Italy/nikon_d70s_gps.jpg\n");
  lib_->SetPlaceIndex(nullptr);
}

TEST_F(MountTest, CopyingInImportsWithEveryCommonTool) {
  DoMount();
  Photo("DCIM/100CANON/IMG_0001.JPG", 1);
  Photo("DCIM/100CANON/IMG_0002.JPG", 2);
  Photo("DCIM/101CANON/IMG_0003.JPG", 3);
  Photo("single.jpg", 4);
  Photo("cpa.jpg", 5);
  Photo("gio.jpg", 6);
  Photo("rsync/a/IMG_0100.JPG", 7);
  Photo("rsync/IMG_0101.JPG", 8);
  Photo("tomove.jpg", 9);

  auto r = Sh("cp " + Quote((src() / "single.jpg").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("cp -r " + Quote((src() / "DCIM").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("cp -a " + Quote((src() / "cpa.jpg").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("rsync -a " + Quote((src() / "rsync").string() + "/") + " " + M("import/rsync/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("mv " + Quote((src() / "tomove.jpg").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(src() / "tomove.jpg"));
  std::size_t expected = 8;
  if (Sh("command -v gio").exit_code == 0) {
    r = Sh("gio copy " + Quote((src() / "gio.jpg").string()) + " " + M("import/gio.jpg"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    ++expected;
  }
  EXPECT_EQ(PhotoCount(), expected);
  // import/ still lists what was copied (for a while), with its size.
  EXPECT_EQ(
      Sh("stat -c %s " + M("import/DCIM/100CANON/IMG_0002.JPG")).output,
      std::to_string(std::filesystem::file_size(src() / "DCIM/100CANON/IMG_0002.JPG")) + "\n");
  // The photo is in the library under its name, byte for byte.
  EXPECT_EQ(Sh("cmp " + M("all/IMG_0003.JPG") + " " +
               Quote((src() / "DCIM/101CANON/IMG_0003.JPG").string()))
                .exit_code,
            0);
  // rsync's temporary ".IMG_0100.JPG.XXXXXX" became the final name.
  EXPECT_EQ(Sh("test -f " + M("all/IMG_0100.JPG")).exit_code, 0);
  // A second rsync of the same folder adds no photo and no usage.
  const auto used = Used();
  r = Sh("rsync -a " + Quote((src() / "rsync").string() + "/") + " " + M("import/rsync/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("rsync -a " + Quote((src() / "DCIM").string()) + " " + M("import/again/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(PhotoCount(), expected);
  EXPECT_EQ(Used(), used);
  EXPECT_EQ(StagedFiles(), 0u);
}

TEST_F(MountTest, NonPhotoIsRefusedAndTheRestOfTheCopyGoesOn) {
  DoMount();
  Photo("card/IMG_0001.JPG", 1);
  Photo("card/IMG_0002.JPG", 2);
  testing::WriteFile(src() / "card" / "notes.txt", "shot list\n");
  auto r = Sh("cp -r " + Quote((src() / "card").string()) + " " + M("import/"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("notes.txt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Invalid argument"), std::string::npos) << r.output;
  EXPECT_EQ(PhotoCount(), 2u);
  EXPECT_NE(Sh("test -e " + M("import/card/notes.txt")).exit_code, 0);
  EXPECT_EQ(StagedFiles(), 0u);
  const auto log = testing::ReadFile(dir_ / "home" / "data" / "logs" / "mount.log");
  (void)log;  // the log line is written by the binary's logger; see BinaryTest
}

// rsync ends the whole transfer when a close fails (exit 11) but goes on
// after a failed rename (exit 23): a card with files we refuse is copied
// whole, and each refusal named.
TEST_F(MountTest, RsyncOfACardWithRefusedFilesCopiesTheRestAndExits23) {
  DoMount();
  Photo("card/IMG_0001.JPG", 1);
  testing::WriteFile(src() / "card" / "IMG_0002.JPG",
                     testing::MakeJpeg(320, 240, 2).substr(0, 300));
  testing::WriteFile(src() / "card" / "notes.txt", "shot list\n");
  Photo("card/IMG_0003.JPG", 3);
  auto r = Sh("rsync -a " + Quote((src() / "card").string() + "/") + " " + M("import/card/"));
  EXPECT_EQ(r.exit_code, 23) << r.output;
  EXPECT_NE(r.output.find("notes.txt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("IMG_0002.JPG"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Invalid argument"), std::string::npos) << r.output;
  EXPECT_EQ(PhotoCount(), 2u);
  EXPECT_TRUE(Eventually([&] { return Sh("test -e " + M("all/IMG_0003.JPG")).exit_code == 0; }));
  EXPECT_EQ(Sh("ls -A " + M("import/card")).output, "IMG_0001.JPG\nIMG_0003.JPG\n")
      << "no refused copy, under either name";
  EXPECT_EQ(StagedFiles(), 0u);
}

// import/ remembers what it received, across remounts, until the user
// removes an entry: copying a card in again is a sync that sends nothing.
TEST_F(MountTest, ImportIsASyncTargetThatRemembersAcrossRemounts) {
  Photo("DCIM/100/IMG_0001.JPG", 1);
  Photo("DCIM/100/IMG_0002.JPG", 2);
  Photo("DCIM/101/IMG_0003.JPG", 3);
  const std::string card = Quote((src() / "DCIM").string() + "/");
  DoMount();
  auto r = Sh("rsync -a " + card + " " + M("import/DCIM/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(PhotoCount(), 3u);
  const auto used = Used();
  auto transferred = [&] {
    auto again = Sh("rsync -a --stats " + card + " " + M("import/DCIM/"));
    EXPECT_EQ(again.exit_code, 0) << again.output;
    return again.output.find("Total transferred file size: 0 bytes") != std::string::npos
               ? std::string("nothing")
               : again.output;
  };
  EXPECT_EQ(transferred(), "nothing");
  // Across a remount too; and cp -n copies nothing either.
  mount_.reset();
  DoMount();
  EXPECT_EQ(Sh("ls -R " + M("import/DCIM")).exit_code, 0);
  EXPECT_EQ(Sh("ls " + M("import/DCIM/100")).output, "IMG_0001.JPG\nIMG_0002.JPG\n");
  EXPECT_EQ(transferred(), "nothing");
  r = Sh("cp -rnv " + Quote((src() / "DCIM").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("->"), std::string::npos) << r.output;
  EXPECT_EQ(Used(), used);
  // The entry reads as the photo.
  EXPECT_EQ(Sh("cmp " + M("import/DCIM/100/IMG_0001.JPG") + " " +
               Quote((src() / "DCIM/100/IMG_0001.JPG").string()))
                .exit_code,
            0);

  // Renaming or removing an entry changes the entry only, and is remembered.
  r = Sh("mv " + M("import/DCIM/100/IMG_0001.JPG") + " " + M("import/DCIM/100/renamed.jpg") +
         " && mv " + M("import/DCIM/101") + " " + M("import/DCIM/moved") + " && rm " +
         M("import/DCIM/100/IMG_0002.JPG"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  mount_.reset();
  DoMount();
  EXPECT_EQ(Sh("ls " + M("import/DCIM/100")).output, "renamed.jpg\n");
  EXPECT_EQ(Sh("ls " + M("import/DCIM/moved")).output, "IMG_0003.JPG\n");
  EXPECT_EQ(Sh("ls " + M("all")).output, "IMG_0001.JPG\nIMG_0002.JPG\nIMG_0003.JPG\n");
  EXPECT_EQ(PhotoCount(), 3u);

  // A duplicate under another name: listed under its own name, linked to
  // the photo that was there, which keeps its name.
  r = Sh("cp " + Quote((src() / "DCIM/100/IMG_0002.JPG").string()) + " " + M("import/dupe.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(PhotoCount(), 3u);
  EXPECT_EQ(Sh("mv " + M("import/dupe.jpg") + " " + M("import/dupe2.jpg")).exit_code, 0);
  EXPECT_TRUE(Sh("test -e " + M("all/IMG_0002.JPG")).exit_code == 0);
  EXPECT_NE(Sh("test -e " + M("all/dupe2.jpg")).exit_code, 0);
}

// A camera card's companions (videos, sidecars, the system's files) are
// accepted and dropped: cp and rsync of a whole card succeed.
TEST_F(MountTest, CameraCompanionsAreAcceptedAndDropped) {
  DoMount();
  Photo("card/IMG_0001.JPG", 1);
  for (const char* f : {"IMG_0001.MOV", "IMG_0001.AAE", "IMG_0001.THM", "._IMG_0001.JPG",
                        ".DS_Store", "IMG_0001.xmp"}) {
    testing::WriteFile(src() / "card" / f, std::string("companion ") + f);
  }
  auto r = Sh("rsync -a " + Quote((src() / "card").string() + "/") + " " + M("import/r/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Sh("cp -r " + Quote((src() / "card").string()) + " " + M("import/c"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Sh("ls " + M("all")).output, "IMG_0001.JPG\n");
  // A companion's staging file goes at its release, which the kernel sends
  // after close has returned (a photo's goes at the import, in close).
  EXPECT_TRUE(Eventually([&] { return StagedFiles() == 0u; })) << StagedFiles();
  // A companion is not a way to store bytes: it reads empty.
  EXPECT_EQ(Sh("cat " + M("import/c/IMG_0001.MOV")).output, "");
  // But import/ remembers it, across remounts, like a photo's copy: the
  // next rsync of the card sends nothing (not every video again) until
  // the entry is removed.
  mount_.reset();
  DoMount();
  EXPECT_EQ(Sh("LC_ALL=C ls -A " + M("import/r")).output,
            ".DS_Store\n._IMG_0001.JPG\nIMG_0001.AAE\nIMG_0001.JPG\nIMG_0001.MOV\nIMG_0001.THM\n"
            "IMG_0001.xmp\n");
  const std::string again = "rsync -a --stats " + Quote((src() / "card").string() + "/") + " " +
                            M("import/r/") + " | grep 'Total transferred file size'";
  EXPECT_EQ(Sh(again).output, "Total transferred file size: 0 bytes\n");
  ASSERT_EQ(Sh("rm " + M("import/r/IMG_0001.MOV")).exit_code, 0);
  mount_.reset();
  DoMount();
  EXPECT_EQ(Sh(again).output, "Total transferred file size: " +
                                  std::to_string(std::string("companion IMG_0001.MOV").size()) +
                                  " bytes\n");
  EXPECT_EQ(PhotoCount(), 1u);
}

TEST_F(MountTest, OverQuotaFailsTheWriteAndStoresNothing) {
  ASSERT_TRUE(lib_->SetQuota("alice", 300'000).ok());
  DoMount();
  Photo("small.jpg", 1, 320, 240);
  Photo("big.jpg", 2, 1600, 1200);
  ASSERT_GT(std::filesystem::file_size(src() / "big.jpg"), 300'000u);
  auto r = Sh("cp " + Quote((src() / "small.jpg").string()) + " " + M("import/"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto used = Used();
  r = Sh("cp " + Quote((src() / "big.jpg").string()) + " " + M("import/"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Disk quota exceeded"), std::string::npos) << r.output;
  EXPECT_EQ(Used(), used);
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(StagedFiles(), 0u);
  EXPECT_NE(Sh("test -e " + M("import/big.jpg")).exit_code, 0);
  // df: size = quota, used = usage, available = the rest (4 KiB blocks).
  r = Sh("df -B4096 --output=size,used,avail " + M() + " | tail -1");
  std::istringstream in(r.output);
  std::int64_t size = 0, df_used = 0, avail = 0;
  in >> size >> df_used >> avail;
  EXPECT_EQ(size, 300'000 / 4096);
  EXPECT_EQ(avail, (300'000 - used) / 4096);
}

TEST_F(MountTest, RemovingAPhotoAnywhereTrashesItAndPurgingFreesQuota) {
  DoMount();
  Photo("a.jpg", 1);
  Photo("b.jpg", 2);
  ASSERT_EQ(Sh("cp " + Quote((src() / "a.jpg").string()) + " " + Quote((src() / "b.jpg").string()) +
               " " + M("all/"))
                .exit_code,
            0);
  ASSERT_EQ(PhotoCount(), 2u);
  const auto used = Used();
  // No EXIF date: the photo is under by-date/unknown/.
  auto r = Sh("rm " + M("by-date/unknown/a.jpg"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Used(), used) << "in the trash, still stored";
  r = Sh("rm " + M("trash/a.jpg"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Used(), used - static_cast<std::int64_t>(std::filesystem::file_size(src() / "a.jpg")));
  EXPECT_NE(Sh("test -e " + M("all/a.jpg")).exit_code, 0);
  EXPECT_NE(Sh("test -e " + M("by-camera/Unknown camera/a.jpg")).exit_code, 0);
  EXPECT_EQ(Sh("test -e " + M("all/b.jpg")).exit_code, 0);
}

TEST_F(MountTest, RemovingAViewFolderRecursivelyDeletesItsPhotosAndSucceeds) {
  DoMount();
  for (int i = 0; i < 5; ++i) Photo('r' + std::to_string(i) + ".jpg", 10 + i);
  Photo("keep.jpg", 20);
  auto r = Sh("cp " + Quote(src().string()) + "/r*.jpg " + M("all/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Sh("cp " + Quote((src() / "keep.jpg").string()) + " " + M("import/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // All six are in by-date/unknown/; take out the one to keep first.
  ASSERT_EQ(PhotoCount(), 6u);
  r = Sh("rm " + M("by-date/unknown/keep.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // rm -r removes the photos, then the folder, which went with the last
  // photo: rm must still succeed, as on any folder.
  r = Sh("rm -r " + M("by-date/unknown"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(PhotoCount(), 0u);
  EXPECT_NE(Sh("test -e " + M("by-date/unknown")).exit_code, 0);
  EXPECT_EQ(Sh("ls " + M("all")).output, "");
}

TEST_F(MountTest, RenamesInAllAndRefusesWhatContradictsTheMetadata) {
  DoMount();
  Photo("x.jpg", 1);
  ASSERT_EQ(Sh("cp " + Quote((src() / "x.jpg").string()) + " " + M("all/")).exit_code, 0);
  auto r = Sh("mv " + M("all/x.jpg") + " " + M("all/holiday.jpg"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].filename, "holiday.jpg");
  r = Sh("mv " + M("all/holiday.jpg") + " " + M("by-camera/"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Operation not permitted"), std::string::npos) << r.output;
  r = Sh("mkdir " + M("by-camera/Leica M6"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Operation not permitted"), std::string::npos) << r.output;
  r = Sh("echo more >> " + M("all/holiday.jpg"));
  EXPECT_NE(r.exit_code, 0);
  r = Sh("truncate -s 0 " + M("all/holiday.jpg"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Used(), static_cast<std::int64_t>(std::filesystem::file_size(src() / "x.jpg")));
}

// Issue 15 (12): a name with U+202E copied into the mount kept it, so
// "evil<RLO>gpj.exe" read as "evilexe.jpg" in every listing. The photo's
// name loses it, on import and on rename alike.
TEST_F(MountTest, InvisibleCharactersAreRemovedFromImportedAndRenamedNames) {
  DoMount();
  Photo("evil\u202Egpj.exe", 1);
  auto r = Sh("cp " + Quote((src() / "evil\u202Egpj.exe").string()) + " " + M("import/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].filename, "evilgpj.exe");
  EXPECT_EQ(Sh("ls " + M("all/")).output, "evilgpj.exe\n");
  r = Sh("mv " + M("all/evilgpj.exe") + " " + M("all/\u2067holi\u200Bday\u2069.jpg"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].filename, "holiday.jpg");
  EXPECT_EQ(Sh("ls " + M("all/")).output, "holiday.jpg\n");
}

TEST_F(MountTest, SameNamesGetStableDistinctNames) {
  Photo("one/IMG_0001.JPG", 1);
  Photo("two/IMG_0001.JPG", 2);
  for (const char* f : {"one/IMG_0001.JPG", "two/IMG_0001.JPG"}) {
    IngestRequest req;
    req.source = src() / f;
    ASSERT_TRUE(lib_->Ingest(alice_, req).ok());
  }
  DoMount();
  EXPECT_EQ(Sh("ls " + M("all")).output, "IMG_0001 (2).JPG\nIMG_0001.JPG\n");
  EXPECT_EQ(Sh("cmp " + M("all/IMG_0001.JPG") + " " + Quote((src() / "one/IMG_0001.JPG").string()))
                .exit_code,
            0);
  // The same after a remount.
  mount_.reset();
  DoMount();
  EXPECT_EQ(
      Sh("cmp " + M("all/IMG_0001 (2).JPG") + " " + Quote((src() / "two/IMG_0001.JPG").string()))
          .exit_code,
      0);
}

TEST_F(MountTest, ChangesFromAnotherProcessShowWithoutRemount) {
  DoMount();
  ASSERT_EQ(Sh("ls " + M("all")).output, "");
  Photo("elsewhere.jpg", 3);
  const std::string cli =
      Quote(testing::OctopusBinary()) + " --home " + Quote((dir_ / "home").string());
  auto r = Sh(cli + " import --user alice " + Quote((src() / "elsewhere.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Eventually([&] { return Sh("ls " + M("all")).output == "elsewhere.jpg\n"; }));
  // And a deletion made elsewhere.
  auto all = lib_->AllPhotos(alice_);
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(lib_->DeletePhoto(alice_, (*all)[0].id).ok());
  EXPECT_TRUE(Eventually([&] { return Sh("ls " + M("all")).output.empty(); }));
}

// A user's correction (the API's PATCH /photos/{id}) moves the photo
// between the mount's folders without a remount: out of by-date/unknown
// into its day, into by-place, with the capture time as its mtime.
TEST_F(MountTest, ACorrectionMovesThePhotoBetweenFolders) {
  Photo("scan.jpg", 4);
  IngestRequest req;
  req.source = src() / "scan.jpg";
  auto r = lib_->Ingest(alice_, req);
  ASSERT_TRUE(r.ok());
  DoMount();
  ASSERT_EQ(Sh("cd " + M() + " && find by-date by-place -type f").output,
            "by-date/unknown/scan.jpg\n");
  PhotoEdit edit;
  edit.taken_at = "2024-07-14T18:30:00";
  edit.place = std::optional<Place>(Place{"Italy", "IT", "Lazio", "Rome"});
  ASSERT_TRUE(lib_->CorrectPhoto(alice_, r->photo.id, edit).ok());
  EXPECT_TRUE(Eventually([&] {
    return Sh("cd " + M() + " && find by-date by-place -type f | sort").output ==
           "by-date/2024/2024-07/2024-07-14/scan.jpg\nby-place/Italy/Lazio/Rome/scan.jpg\n";
  })) << Sh("cd " + M() + " && find by-date by-place -type f").output;
  const auto want_time = Sh("date -d '2024-07-14 18:30:00' +%s").output;
  EXPECT_EQ(Sh("stat -c %Y " + M("all/scan.jpg")).output, want_time);
}

TEST_F(MountTest, ReadOnlyRefusesEveryChange) {
  Photo("p.jpg", 1);
  IngestRequest req;
  req.source = src() / "p.jpg";
  ASSERT_TRUE(lib_->Ingest(alice_, req).ok());
  DoMount(/*read_only=*/true);
  for (const std::string& cmd :
       {"cp " + Quote((src() / "p.jpg").string()) + " " + M("import/q.jpg"), "rm " + M("all/p.jpg"),
        "mkdir " + M("import/x"), "mv " + M("all/p.jpg") + " " + M("all/r.jpg")}) {
    auto r = Sh(cmd);
    EXPECT_NE(r.exit_code, 0) << cmd;
    EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << cmd << ": " << r.output;
  }
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Sh("cmp " + M("all/p.jpg") + " " + Quote((src() / "p.jpg").string())).exit_code, 0);
}

}  // namespace
}  // namespace octopus::fs
