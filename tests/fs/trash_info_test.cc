#include "fs/trash_info.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace octopus::fs {
namespace {

TEST(TrashInfoTest, ContentNamesThePlaceInAllEscapedAndTheLocalDeletionTime) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(TrashInfoContent("a b%c #1.jpg", 1700000000),
            "[Trash Info]\nPath=all/a%20b%25c%20%231.jpg\nDeletionDate=2023-11-14T22:13:20\n");
  // Bytes beyond ASCII are escaped one by one (UTF-8 stays UTF-8 once
  // unescaped), and a '/' a name cannot hold is never produced.
  EXPECT_EQ(TrashInfoContent("\xc3\xa9t\xc3\xa9.jpg", 0),
            "[Trash Info]\nPath=all/%C3%A9t%C3%A9.jpg\nDeletionDate=1970-01-01T00:00:00\n");
}

TEST(TrashInfoTest, InfoNamesAndNumbers) {
  EXPECT_EQ(TrashedNameOf("x.jpg.trashinfo"), "x.jpg");
  EXPECT_EQ(TrashedNameOf(".trashinfo"), "");
  EXPECT_EQ(TrashedNameOf("x.jpg"), "");
  EXPECT_EQ(TrashedNameOf("x.jpg.trashinfo.AB12CD"), "");  // a desktop's temporary file
  const Ino entry = 123456;
  EXPECT_TRUE(IsTrashInfoIno(TrashInfoIno(entry)));
  EXPECT_FALSE(IsTrashInfoIno(entry));
  EXPECT_EQ(TrashedEntryOf(TrashInfoIno(entry)), entry);
}

}  // namespace
}  // namespace octopus::fs
