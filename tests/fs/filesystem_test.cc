// The mount's rules, driven through Filesystem's entry points without a
// kernel (filesystem_harness.h). Each test names the rule it pins; the
// real-mount tests check the same from a program's side.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/fs/filesystem_harness.h"

namespace octopus::fs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const std::string kCamera = "by-camera/Unknown camera/";
const std::string kDate = "by-date/unknown/";

std::string DesktopTrash() { return ".Trash-" + std::to_string(::getuid()); }

TEST_F(FilesystemTest, RmInAllMovesToTheTrashAndOutOfEveryView) {
  const std::string id = AddPhoto("IMG_0001.JPG", 1);
  ASSERT_EQ(Lookup("all/IMG_0001.JPG"), 0);
  ASSERT_EQ(Lookup(kCamera + "IMG_0001.JPG"), 0);
  ASSERT_EQ(Lookup(kDate + "IMG_0001.JPG"), 0);

  EXPECT_EQ(Unlink("all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Lookup("all/IMG_0001.JPG"), ENOENT);
  EXPECT_EQ(Lookup(kCamera + "IMG_0001.JPG"), ENOENT);
  EXPECT_EQ(Lookup(kDate + "IMG_0001.JPG"), ENOENT);
  EXPECT_THAT(Names("all"), IsEmpty());
  EXPECT_THAT(Names("trash"), ElementsAre("IMG_0001.JPG"));
  EXPECT_THAT(Names(DesktopTrash() + "/files"), ElementsAre("IMG_0001.JPG"));
  EXPECT_TRUE(PhotoById(id).trashed_at.has_value());
}

TEST_F(FilesystemTest, RmInAViewMovesToTheTrashToo) {
  const std::string id = AddPhoto("IMG_0001.JPG", 1);
  EXPECT_EQ(Unlink(kCamera + "IMG_0001.JPG"), 0);
  EXPECT_EQ(Lookup("all/IMG_0001.JPG"), ENOENT);
  EXPECT_THAT(Names("trash"), ElementsAre("IMG_0001.JPG"));
  EXPECT_TRUE(PhotoById(id).trashed_at.has_value());
}

TEST_F(FilesystemTest, RmInTrashPurgesForGood) {
  AddPhoto("IMG_0001.JPG", 1);
  ASSERT_EQ(Unlink("all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Unlink("trash/IMG_0001.JPG"), 0);
  EXPECT_EQ(PhotoCount(), 0u);
  EXPECT_THAT(Names("trash"), IsEmpty());
  EXPECT_THAT(Names(DesktopTrash() + "/files"), IsEmpty());
  auto alice = lib_->GetUser(alice_);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->used_bytes, 0);  // its quota freed
}

TEST_F(FilesystemTest, MvFromTrashToAllRestores) {
  const std::string id = AddPhoto("IMG_0001.JPG", 1);
  ASSERT_EQ(Unlink("all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Rename("trash/IMG_0001.JPG", "all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Lookup("all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Lookup(kCamera + "IMG_0001.JPG"), 0);
  EXPECT_THAT(Names("trash"), IsEmpty());
  EXPECT_FALSE(PhotoById(id).trashed_at.has_value());
}

TEST_F(FilesystemTest, RestoreUnderAnotherNameRenamesAndRefusesANameInUse) {
  const std::string id = AddPhoto("IMG_0001.JPG", 1);
  AddPhoto("IMG_0002.JPG", 2);
  ASSERT_EQ(Unlink("all/IMG_0001.JPG"), 0);
  EXPECT_EQ(Rename("trash/IMG_0001.JPG", "all/IMG_0002.JPG"), EEXIST);
  EXPECT_TRUE(PhotoById(id).trashed_at.has_value());
  EXPECT_EQ(Rename("trash/IMG_0001.JPG", "all/holiday.jpg"), 0);
  EXPECT_EQ(PhotoById(id).filename, "holiday.jpg");
  EXPECT_FALSE(PhotoById(id).trashed_at.has_value());
  EXPECT_THAT(Names("all"), ElementsAre("IMG_0002.JPG", "holiday.jpg"));
}

// gio trash: a rename into .Trash-UID/files/, whose info file is then made
// from the photo.
TEST_F(FilesystemTest, ADesktopsMoveToTrashLandsInOurTrash) {
  const std::string id = AddPhoto("IMG_0001.JPG", 1);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", DesktopTrash() + "/files/IMG_0001.JPG"), 0);
  EXPECT_TRUE(PhotoById(id).trashed_at.has_value());
  EXPECT_THAT(Names("trash"), ElementsAre("IMG_0001.JPG"));
  std::string info;
  ASSERT_EQ(ReadAll(DesktopTrash() + "/info/IMG_0001.JPG.trashinfo", &info), 0);
  EXPECT_NE(info.find("Path=all/IMG_0001.JPG"), std::string::npos) << info;
}

TEST_F(FilesystemTest, RenameInImportChangesOnlyTheEntry) {
  ASSERT_EQ(MkDir("import/card"), 0);
  ASSERT_EQ(CopyIn("import/card/a.jpg", testing::MakeJpeg(64, 48, 7)), 0);
  ASSERT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Rename("import/card/a.jpg", "import/card/b.jpg"), 0);
  EXPECT_THAT(Names("import/card"), ElementsAre("b.jpg"));
  EXPECT_THAT(Names("all"), ElementsAre("a.jpg"));
  // And the entry is remembered under its new name across remounts.
  Start();
  EXPECT_THAT(Names("import/card"), ElementsAre("b.jpg"));
  EXPECT_THAT(Names("all"), ElementsAre("a.jpg"));
}

TEST_F(FilesystemTest, ADuplicatesEntryNeverTouchesTheExistingPhoto) {
  const std::string id = AddPhoto("landscape.jpg", 3);
  const std::string bytes = testing::ReadFile(home_ / "src-3");
  ASSERT_EQ(CopyIn("import/dupe.jpg", bytes), 0);
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Rename("import/dupe.jpg", "import/dupe2.jpg"), 0);
  EXPECT_EQ(PhotoById(id).filename, "landscape.jpg");
  EXPECT_THAT(Names("all"), ElementsAre("landscape.jpg"));
  EXPECT_EQ(Unlink("import/dupe2.jpg"), 0);
  EXPECT_THAT(Names("all"), ElementsAre("landscape.jpg"));
  EXPECT_FALSE(PhotoById(id).trashed_at.has_value());
}

TEST_F(FilesystemTest, RmOfAnImportEntryKeepsThePhotoAndForgetsTheEntry) {
  ASSERT_EQ(CopyIn("import/a.jpg", testing::MakeJpeg(64, 48, 7)), 0);
  EXPECT_EQ(Unlink("import/a.jpg"), 0);
  EXPECT_THAT(Names("import"), IsEmpty());
  EXPECT_THAT(Names("all"), ElementsAre("a.jpg"));
  Start();
  EXPECT_THAT(Names("import"), IsEmpty());
}

// A refused copy is reported by close (create and write succeed: the
// bytes are checked once whole), and is not remembered.
TEST_F(FilesystemTest, ARefusedCopyFailsAtClose) {
  std::unique_ptr<Handle> h;
  ASSERT_EQ(Create("import/notes.txt", &h), 0);
  EXPECT_EQ(Write(*h, "not a photo"), 0);
  EXPECT_EQ(Close(std::move(h)), EINVAL);
  EXPECT_EQ(Lookup("import/notes.txt"), ENOENT);
  EXPECT_EQ(PhotoCount(), 0u);

  const std::string jpeg = testing::MakeJpeg(64, 48, 8);
  EXPECT_EQ(CopyIn("import/truncated.jpg", jpeg.substr(0, jpeg.size() / 2)), EINVAL);
  EXPECT_THAT(Names("import"), IsEmpty());
  Start();
  EXPECT_THAT(Names("import"), IsEmpty());
}

// rsync ends the whole transfer at a failed close (exit 11) but goes on
// after a failed rename (exit 23): its temporary file's refusal waits for
// the rename to the final name.
TEST_F(FilesystemTest, RsyncsRefusedTemporaryFileFailsAtTheRename) {
  const std::string jpeg = testing::MakeJpeg(64, 48, 8);
  EXPECT_EQ(CopyIn("import/.bad.jpg.a1B2c3", jpeg.substr(0, jpeg.size() / 2)), 0);
  EXPECT_EQ(Rename("import/.bad.jpg.a1B2c3", "import/bad.jpg"), EINVAL);
  EXPECT_EQ(Lookup("import/bad.jpg"), ENOENT);
  EXPECT_EQ(Unlink("import/.bad.jpg.a1B2c3"), 0);  // what rsync does next
  EXPECT_THAT(Names("import"), IsEmpty());
  EXPECT_EQ(PhotoCount(), 0u);
  // The next file of the card goes through.
  EXPECT_EQ(CopyIn("import/.good.jpg.d4E5f6", jpeg), 0);
  EXPECT_EQ(Rename("import/.good.jpg.d4E5f6", "import/good.jpg"), 0);
  EXPECT_EQ(PhotoCount(), 1u);
}

TEST_F(FilesystemTest, ACompanionIsAcceptedListedAndDropped) {
  const std::string movie(10'000, 'm');
  EXPECT_EQ(CopyIn("import/IMG_0001.MOV", movie), 0);
  EXPECT_EQ(PhotoCount(), 0u);
  struct stat st {};
  ASSERT_EQ(Lookup("import/IMG_0001.MOV", &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(movie.size()));  // rsync's quick check
  std::string read;
  ASSERT_EQ(ReadAll("import/IMG_0001.MOV", &read), 0);
  EXPECT_EQ(read, "");  // not a way to store bytes
  Start();
  ASSERT_EQ(Lookup("import/IMG_0001.MOV", &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(movie.size()));
}

// A system's hidden files on a card (AppleDouble ._*, .DS_Store, also as
// rsync's temporary name for it) are companions, whatever their extension.
TEST_F(FilesystemTest, HiddenFilesOfACardAreCompanions) {
  EXPECT_EQ(CopyIn("import/._IMG_0001.JPG", "AppleDouble"), 0);
  EXPECT_EQ(CopyIn("import/.DS_Store.x1Y2z3", "Finder"), 0);
  EXPECT_EQ(Rename("import/.DS_Store.x1Y2z3", "import/.DS_Store"), 0);
  EXPECT_EQ(PhotoCount(), 0u);
  EXPECT_THAT(Names("import"), ElementsAre(".DS_Store", "._IMG_0001.JPG"));
  // The top lists the desktop trash, hidden, beside the folders.
  EXPECT_THAT(Names(""), ElementsAre(DesktopTrash(), "all", "by-camera", "by-date", "by-place",
                                     "import", "trash"));
}

TEST_F(FilesystemTest, NothingIsCreatedOutsideAllAndImport) {
  AddPhoto("IMG_0001.JPG", 1);
  std::unique_ptr<Handle> h;
  EXPECT_EQ(Create(kCamera + "new.jpg", &h), EPERM);
  EXPECT_EQ(Create("trash/new.jpg", &h), EPERM);
  EXPECT_EQ(Create(DesktopTrash() + "/files/new.jpg", &h), EPERM);
  EXPECT_EQ(MkDir("by-camera/Mine"), EPERM);
  EXPECT_EQ(RmDir("all"), EPERM);
  EXPECT_EQ(Create("all/IMG_0001.JPG", &h, O_WRONLY | O_CREAT | O_EXCL), EEXIST);
  EXPECT_EQ(h, nullptr);
}

TEST_F(FilesystemTest, RenamesThatContradictTheMetadataAreRefused) {
  AddPhoto("IMG_0001.JPG", 1);
  AddPhoto("IMG_0002.JPG", 2);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", "all/IMG_0002.JPG"), EEXIST);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", kCamera + "moved.jpg"), EPERM);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", "import/IMG_0001.JPG"), EPERM);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", "all/x.jpg", RENAME_EXCHANGE), EINVAL);
  ASSERT_EQ(CopyIn("import/c.jpg", testing::MakeJpeg(64, 48, 9)), 0);
  EXPECT_EQ(Rename("import/c.jpg", "all/c.jpg"), EXDEV);  // mv then copies
  EXPECT_EQ(Rename("all/IMG_0001.JPG", "all/renamed.jpg"), 0);
  EXPECT_THAT(Names("all"), ElementsAre("IMG_0002.JPG", "c.jpg", "renamed.jpg"));
}

TEST_F(FilesystemTest, AReadOnlyMountRefusesEveryChange) {
  AddPhoto("IMG_0001.JPG", 1);
  Start(/*read_only=*/true);
  std::unique_ptr<Handle> h;
  EXPECT_EQ(Create("import/a.jpg", &h), EROFS);
  EXPECT_EQ(Unlink("all/IMG_0001.JPG"), EROFS);
  EXPECT_EQ(Rename("all/IMG_0001.JPG", "all/b.jpg"), EROFS);
  EXPECT_EQ(MkDir("import/d"), EROFS);
  EXPECT_EQ(fs_->Refused(), EROFS);
  EXPECT_THAT(Names("all"), ElementsAre("IMG_0001.JPG"));
}

// The kernel forgets exactly what the move changed: the photo's names in
// all/ and its views, and the listings of those folders and of the trash's
// three (trash/, .Trash-UID/files/, .Trash-UID/info/); nothing of the
// other photo, and each once.
TEST_F(FilesystemTest, AnUnlinkInvalidatesExactlyTheAffectedEntries) {
  AddPhoto("IMG_0001.JPG", 1);
  AddPhoto("IMG_0002.JPG", 2);
  Ino all = 0, camera = 0, date = 0, trash = 0, files = 0, info = 0;
  ASSERT_EQ(Resolve("all", &all), 0);
  ASSERT_EQ(Resolve("by-camera/Unknown camera", &camera), 0);
  ASSERT_EQ(Resolve("by-date/unknown", &date), 0);
  ASSERT_EQ(Resolve("trash", &trash), 0);
  ASSERT_EQ(Resolve(DesktopTrash() + "/files", &files), 0);
  ASSERT_EQ(Resolve(DesktopTrash() + "/info", &info), 0);

  ASSERT_EQ(Unlink("all/IMG_0001.JPG"), 0);
  EXPECT_THAT(Sent(), UnorderedElementsAreArray(std::vector<Invalidation>{
                          {all, "IMG_0001.JPG", 0},
                          {camera, "IMG_0001.JPG", 0},
                          {date, "IMG_0001.JPG", 0},
                          {0, "", all},
                          {0, "", camera},
                          {0, "", date},
                          {0, "", trash},
                          {0, "", files},
                          {0, "", info},
                      }));
  EXPECT_THAT(Sent(), IsEmpty());  // sent once
}

}  // namespace
}  // namespace octopus::fs
