#include "core/grouping.h"

#include <gtest/gtest.h>

namespace octopus {
namespace {

Photo MakePhoto(std::string id, std::string name, std::string taken, std::string imported) {
  Photo p;
  p.id = std::move(id);
  p.filename = std::move(name);
  p.meta.taken_at = std::move(taken);
  p.imported_at = std::move(imported);
  return p;
}

TEST(GroupingTest, DateFolders) {
  Photo p = MakePhoto("1", "a.jpg", "2024-07-14T10:00:00", "x");
  EXPECT_EQ(ViewFolder(p, View::kDate),
            (std::vector<std::string>{"2024", "2024-07", "2024-07-14"}));
  p.meta.taken_at_estimated = true;
  EXPECT_EQ(ViewFolder(p, View::kDate), (std::vector<std::string>{"unknown"}));
}

TEST(GroupingTest, CameraAndPlaceFolders) {
  Photo p = MakePhoto("1", "a.jpg", "2024-07-14T10:00:00", "x");
  EXPECT_EQ(ViewFolder(p, View::kCamera), (std::vector<std::string>{"Unknown camera"}));
  p.meta.camera = {"Apple", "iPhone 12"};
  EXPECT_EQ(ViewFolder(p, View::kCamera), (std::vector<std::string>{"Apple iPhone 12"}));
  p.meta.camera = {"Bad/Make", ""};
  EXPECT_EQ(ViewFolder(p, View::kCamera), (std::vector<std::string>{"Bad_Make"}));
  EXPECT_TRUE(ViewFolder(p, View::kPlace).empty());
  p.place = Place{"France", "FR", "Île-de-France", "Paris"};
  EXPECT_EQ(ViewFolder(p, View::kPlace),
            (std::vector<std::string>{"France", "Île-de-France", "Paris"}));
  p.place = Place{"Monaco", "MC", "", "Monaco"};
  EXPECT_EQ(ViewFolder(p, View::kPlace), (std::vector<std::string>{"Monaco", "Monaco"}));
}

TEST(GroupingTest, CountsPerFolder) {
  std::vector<Photo> photos = {MakePhoto("1", "a", "2024-07-14T10:00:00", "1"),
                               MakePhoto("2", "b", "2024-07-15T10:00:00", "2"),
                               MakePhoto("3", "c", "2023-01-01T10:00:00", "3")};
  const FolderNode root = GroupPhotos(photos, View::kDate);
  EXPECT_EQ(root.count, 3);
  EXPECT_EQ(root.children.at("2024").count, 2);
  EXPECT_EQ(root.children.at("2024").children.at("2024-07").children.size(), 2u);
  EXPECT_EQ(root.children.at("2023").count, 1);
}

TEST(GroupingTest, DistinctNamesAreStableAndOrderIndependent) {
  Photo a = MakePhoto("a", "IMG_0001.JPG", "t", "2024-01-01T00:00:01Z");
  Photo b = MakePhoto("b", "IMG_0001.JPG", "t", "2024-01-01T00:00:02Z");
  Photo c = MakePhoto("c", "IMG_0001 (2).JPG", "t", "2024-01-01T00:00:03Z");
  Photo d = MakePhoto("d", "IMG_0001.JPG", "t", "2024-01-01T00:00:04Z");
  const auto names = DistinctNames({&d, &c, &b, &a});
  EXPECT_EQ(names, (std::vector<std::string>{"IMG_0001 (3).JPG", "IMG_0001 (2) (2).JPG",
                                             "IMG_0001 (2).JPG", "IMG_0001.JPG"}));
  EXPECT_EQ(DistinctNames({&a, &b, &c, &d}),
            (std::vector<std::string>{"IMG_0001.JPG", "IMG_0001 (2).JPG", "IMG_0001 (2) (2).JPG",
                                      "IMG_0001 (3).JPG"}));
}

TEST(GroupingTest, SafeFileNameNeutralisesHostileNames) {
  EXPECT_EQ(SafeFileName("../../etc/passwd"), ".._.._etc_passwd");
  EXPECT_EQ(SafeFileName(".."), "_");
  EXPECT_EQ(SafeFileName("."), "_");
  EXPECT_EQ(SafeFileName(""), "_");
  EXPECT_EQ(SafeFileName(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SafeFileName("tab\there\n"), "tab_here_");
  EXPECT_EQ(SafeFileName("bad\xff\xfeutf8.jpg"), "bad__utf8.jpg");
  EXPECT_EQ(SafeFileName("caf\xc3\xa9.jpg"), "caf\xc3\xa9.jpg");
  EXPECT_EQ(SafeFileName("\xc0\xaf"), "__");  // overlong '/'
  const std::string long_name = std::string(1000, 'x') + ".jpg";
  const std::string cut = SafeFileName(long_name);
  EXPECT_EQ(cut.size(), 255u);
  EXPECT_EQ(cut.substr(cut.size() - 4), ".jpg");
  const std::string long_utf8 = [] {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "\xc3\xa9";
    return s;
  }();
  const std::string cut8 = SafeFileName(long_utf8);
  EXPECT_LE(cut8.size(), 255u);
  EXPECT_EQ(cut8.size() % 2, 0u);  // never cuts a character in half
}

}  // namespace
}  // namespace octopus
