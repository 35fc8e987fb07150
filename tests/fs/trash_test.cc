// The trash through the mount: rm in a view moves to the trash, mv brings
// back, rm in the trash purges; the desktop's trash protocol with the real
// `gio trash`, and a restore the way a file manager does it.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/fs/mount_fixture.h"

namespace octopus::fs {
namespace {

using testing::Quote;

class MountTrashTest : public MountTest {
 protected:
  void SetUp() override {
    MountTest::SetUp();
    if (IsSkipped()) return;
    DoMount();
  }
  // Copies generated photos into all/.
  void CopyIn(const std::vector<std::string>& names) {
    std::string cmd = "cp";
    int seed = 1;
    for (const auto& n : names) cmd += " " + Quote(Photo(n, seed++).string());
    auto r = Sh(cmd + " " + M("all/"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::size_t Trashed() {
    auto page = lib_->ListTrash(alice_, 1000, "");
    return page.ok() ? page->photos.size() : 999;
  }
  std::size_t Live() {
    auto page = lib_->ListPhotos(alice_, PhotoQuery{});
    return page.ok() ? page->photos.size() : 999;
  }
  bool Exists(const std::string& rel) { return Sh("test -e " + M(rel)).exit_code == 0; }
  std::string DesktopTrash() const { return ".Trash-" + std::to_string(::getuid()); }
};

TEST_F(MountTrashTest, RmMovesToTheTrashMvRestoresRmThereIsForGood) {
  CopyIn({"a.jpg", "b.jpg"});
  const auto used = Used();
  auto r = Sh("rm " + M("by-date/unknown/a.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Out of every view at once, into both trashes; still stored and counted.
  EXPECT_FALSE(Exists("all/a.jpg"));
  EXPECT_FALSE(Exists("by-camera/Unknown camera/a.jpg"));
  EXPECT_TRUE(Exists("trash/a.jpg"));
  EXPECT_TRUE(Exists(DesktopTrash() + "/files/a.jpg"));
  EXPECT_EQ(Trashed(), 1u);
  EXPECT_EQ(Live(), 1u);
  EXPECT_EQ(Used(), used);
  // The bytes in the trash are the original's.
  EXPECT_EQ(Sh("cmp " + M("trash/a.jpg") + " " + Quote((src() / "a.jpg").string())).exit_code, 0);

  r = Sh("mv " + M("trash/a.jpg") + " " + M("all/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Exists("all/a.jpg"));
  EXPECT_TRUE(Exists("by-date/unknown/a.jpg"));
  EXPECT_FALSE(Exists("trash/a.jpg"));
  EXPECT_EQ(Trashed(), 0u);

  // mv into the trash is a move to the trash; rm there purges.
  r = Sh("mv " + M("all/b.jpg") + " " + M("trash/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(Exists("all/b.jpg"));
  r = Sh("rm " + M("trash/b.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Trashed(), 0u);
  EXPECT_EQ(PhotoCount(), 1u);
  EXPECT_EQ(Used(), used - static_cast<std::int64_t>(std::filesystem::file_size(src() / "b.jpg")));
  EXPECT_FALSE(Exists("trash/b.jpg"));
}

TEST_F(MountTrashTest, RmRecursiveOfAFolderIsUndoneByMovingTheTrashBack) {
  CopyIn({"r1.jpg", "r2.jpg", "r3.jpg"});
  auto r = Sh("rm -r " + M("by-date/unknown"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Live(), 0u);
  EXPECT_EQ(Trashed(), 3u);
  EXPECT_EQ(Sh("ls " + M("trash")).output, "r1.jpg\nr2.jpg\nr3.jpg\n");
  r = Sh("mv " + M("trash") + "/* " + M("all/"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Live(), 3u);
  EXPECT_EQ(Sh("ls " + M("by-date/unknown")).output, "r1.jpg\nr2.jpg\nr3.jpg\n");
}

TEST_F(MountTrashTest, RestoringUnderANameInUseIsRefusedAndUnderANewNameRenames) {
  CopyIn({"x.jpg"});
  ASSERT_EQ(Sh("rm " + M("all/x.jpg")).exit_code, 0);
  Photo("other/x.jpg", 7);
  ASSERT_EQ(Sh("cp " + Quote((src() / "other/x.jpg").string()) + " " + M("all/")).exit_code, 0);
  auto r = Sh("mv -T " + M("trash/x.jpg") + " " + M("all/x.jpg"));
  EXPECT_NE(r.exit_code, 0);  // never drops a photo silently
  EXPECT_EQ(Trashed(), 1u);
  r = Sh("mv " + M("trash/x.jpg") + " " + M("all/y.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Trashed(), 0u);
  EXPECT_TRUE(Exists("all/y.jpg"));
  EXPECT_TRUE(Exists("all/x.jpg"));
}

TEST_F(MountTrashTest, GioTrashUsesOurTrashAndAFileManagerCanRestore) {
  CopyIn({"holiday photo.jpg", "keep.jpg"});
  // What Nautilus, Nemo and Thunar call for "Move to Trash".
  auto r = Sh("gio trash " + M("all/holiday photo.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Trashed(), 1u);
  EXPECT_FALSE(Exists("all/holiday photo.jpg"));
  EXPECT_TRUE(Exists("trash/holiday photo.jpg"));
  // The desktop's trash folder as the spec wants it: a directory the user
  // owns, files/ and info/ in step.
  struct stat st {};
  ASSERT_EQ(::lstat((mnt() / DesktopTrash()).c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_uid, ::getuid());
  EXPECT_EQ(Sh("ls " + M(DesktopTrash() + "/files")).output, "holiday photo.jpg\n");
  EXPECT_EQ(Sh("ls " + M(DesktopTrash() + "/info")).output, "holiday photo.jpg.trashinfo\n");
  r = Sh("cat " + M(DesktopTrash() + "/info/holiday photo.jpg.trashinfo"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("[Trash Info]\nPath=all/holiday%20photo.jpg\nDeletionDate=", 0), 0u)
      << r.output;
  // A photo trashed another way shows in the desktop's trash too.
  ASSERT_EQ(Sh("rm " + M("all/keep.jpg")).exit_code, 0);
  EXPECT_TRUE(Exists(DesktopTrash() + "/info/keep.jpg.trashinfo"));

  // A file manager's "Restore": the entry of files/ back where info/ says,
  // then the info file removed (gone with the entry already: no error
  // matters to it).
  r = Sh("mv " + M(DesktopTrash() + "/files/holiday photo.jpg") + " " + M("all/holiday photo.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Exists("all/holiday photo.jpg"));
  // (info/ follows files/ as another process's change would: within a
  // second, when the kernel is told to forget what it cached.)
  EXPECT_TRUE(
      Eventually([&] { return !Exists(DesktopTrash() + "/info/holiday photo.jpg.trashinfo"); }));
  EXPECT_EQ(Trashed(), 1u);
  // "Empty Trash" from the desktop: rm of files/ entries purges.
  r = Sh("rm " + M(DesktopTrash() + "/files/keep.jpg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Trashed(), 0u);
  EXPECT_EQ(PhotoCount(), 1u);
}

TEST_F(MountTrashTest, InfoFilesAreMadeFromThePhotosNotWritten) {
  CopyIn({"p.jpg"});
  ASSERT_EQ(Sh("rm " + M("all/p.jpg")).exit_code, 0);
  const std::string info = DesktopTrash() + "/info/p.jpg.trashinfo";
  // Overwriting an info file is refused; a scratch file may come and go.
  EXPECT_NE(Sh("echo x > " + M(info)).exit_code, 0);
  auto r = Sh("echo scratch > " + M(DesktopTrash() + "/info/tmp.trashinfo.XYZ") + " && rm " +
              M(DesktopTrash() + "/info/tmp.trashinfo.XYZ"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Unlinking an info file leaves the photo in the trash.
  EXPECT_EQ(Sh("rm " + M(info)).exit_code, 0);
  EXPECT_EQ(Trashed(), 1u);
  // Nothing else may be made in the desktop's trash or in ours.
  EXPECT_NE(Sh("touch " + M(DesktopTrash() + "/files/new.jpg")).exit_code, 0);
  EXPECT_NE(Sh("touch " + M("trash/new.jpg")).exit_code, 0);
  EXPECT_NE(Sh("mkdir " + M(DesktopTrash() + "/other")).exit_code, 0);
}

}  // namespace
}  // namespace octopus::fs
