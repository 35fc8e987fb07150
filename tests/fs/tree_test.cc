// The mount's tree without a mount: names, inode numbers and what a rebuild
// tells the kernel to forget.
#include "fs/tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace octopus::fs {
namespace {

Photo MakePhoto(const std::string& id, const std::string& filename, const std::string& imported_at,
                const std::string& taken_at = "2024-07-14T10:11:12") {
  Photo p;
  p.id = id;
  p.filename = filename;
  p.size = 1000;
  p.imported_at = imported_at;
  p.meta.taken_at = taken_at;
  p.meta.camera = {"Nikon", "D750"};
  return p;
}

std::vector<std::string> Names(const Tree& tree, Ino dir) {
  std::vector<std::string> names;
  tree.ForEachChild(dir, [&](const Node& n) { names.emplace_back(n.name); });
  return names;
}

Ino InoOf(const Tree& tree, Ino dir, const std::string& name) {
  const auto n = tree.Child(dir, name);
  return n ? n->ino : 0;
}

// by-date/2024/2024-07/2024-07-14
Ino DayFolder(const Tree& tree) {
  return InoOf(tree, InoOf(tree, InoOf(tree, Tree::kByDate, "2024"), "2024-07"), "2024-07-14");
}

bool Invalidates(const std::vector<Invalidation>& inval, Ino parent, const std::string& name) {
  return std::any_of(inval.begin(), inval.end(),
                     [&](const Invalidation& i) { return i.parent == parent && i.name == name; });
}

TEST(TreeTest, ListsEveryPhotoInAllAndInEachViewInNameOrder) {
  Tree tree(1000);
  (void)tree.Rebuild({MakePhoto("b", "b.jpg", "2024-01-01T00:00:01Z"),
                      MakePhoto("a", "a.jpg", "2024-01-01T00:00:02Z"),
                      MakePhoto("c", "C.jpg", "2024-01-01T00:00:03Z")});
  EXPECT_EQ(Names(tree, Tree::kRoot),
            (std::vector<std::string>{"all", "by-camera", "by-date", "by-place", "import"}));
  EXPECT_EQ(Names(tree, Tree::kAll), (std::vector<std::string>{"C.jpg", "a.jpg", "b.jpg"}));
  EXPECT_EQ(Names(tree, DayFolder(tree)), (std::vector<std::string>{"C.jpg", "a.jpg", "b.jpg"}));
  EXPECT_EQ(Names(tree, InoOf(tree, Tree::kByCamera, "Nikon D750")), Names(tree, Tree::kAll));
  EXPECT_TRUE(Names(tree, Tree::kByPlace).empty());
  EXPECT_EQ(tree.SubdirCount(Tree::kRoot), 5u);

  const auto a = tree.Child(Tree::kAll, "a.jpg");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, NodeKind::kPhoto);
  EXPECT_EQ(a->photo_id, "a");
  EXPECT_EQ(a->size, 1000);
  EXPECT_EQ(a->parent, Tree::kAll);
  EXPECT_NE(InoOf(tree, DayFolder(tree), "a.jpg"), a->ino);  // one inode per entry
  EXPECT_FALSE(tree.Child(Tree::kAll, "a.JPG"));
  EXPECT_FALSE(tree.Child(Tree::kAll, "zzz"));
  EXPECT_FALSE(tree.Child(a->ino, "x"));  // a file has no children
  EXPECT_FALSE(tree.Find(999999));
}

TEST(TreeTest, APhotoKeepsItsInodesAcrossRebuildsAndRenames) {
  Tree tree(1000);
  Photo p = MakePhoto("p1", "IMG_0001.JPG", "2024-01-01T00:00:00Z");
  (void)tree.Rebuild({p, MakePhoto("p2", "IMG_0002.JPG", "2024-01-01T00:00:01Z")});
  const Ino in_all = InoOf(tree, Tree::kAll, "IMG_0001.JPG");
  const Ino in_day = InoOf(tree, DayFolder(tree), "IMG_0001.JPG");
  const Ino day = DayFolder(tree);
  ASSERT_NE(in_all, 0u);
  ASSERT_NE(in_day, 0u);

  // Same photos, other order: nothing changes, nothing to invalidate.
  auto inval = tree.Rebuild({MakePhoto("p2", "IMG_0002.JPG", "2024-01-01T00:00:01Z"), p});
  EXPECT_TRUE(inval.empty());
  EXPECT_EQ(InoOf(tree, Tree::kAll, "IMG_0001.JPG"), in_all);
  EXPECT_EQ(DayFolder(tree), day);

  p.filename = "Beach.JPG";  // renamed
  inval = tree.Rebuild({MakePhoto("p2", "IMG_0002.JPG", "2024-01-01T00:00:01Z"), p});
  EXPECT_EQ(InoOf(tree, Tree::kAll, "Beach.JPG"), in_all);
  EXPECT_EQ(InoOf(tree, DayFolder(tree), "Beach.JPG"), in_day);
  EXPECT_FALSE(tree.Child(Tree::kAll, "IMG_0001.JPG"));
  EXPECT_TRUE(Invalidates(inval, Tree::kAll, "IMG_0001.JPG"));
  EXPECT_TRUE(Invalidates(inval, day, "IMG_0001.JPG"));

  // Deleted, then back (the key keeps its number): the same inodes.
  inval = tree.Rebuild({MakePhoto("p2", "IMG_0002.JPG", "2024-01-01T00:00:01Z")});
  EXPECT_FALSE(tree.Find(in_all));
  EXPECT_TRUE(Invalidates(inval, Tree::kAll, "Beach.JPG"));
  (void)tree.Rebuild({p});
  EXPECT_EQ(InoOf(tree, Tree::kAll, "Beach.JPG"), in_all);
}

TEST(TreeTest, RepeatedNamesGetStableSuffixes) {
  const Photo first = MakePhoto("f", "IMG_0001.JPG", "2024-01-01T00:00:00Z");
  const Photo second = MakePhoto("s", "IMG_0001.JPG", "2024-01-02T00:00:00Z");
  Tree tree(1000);
  (void)tree.Rebuild({second, first});
  EXPECT_EQ(Names(tree, Tree::kAll),
            (std::vector<std::string>{"IMG_0001 (2).JPG", "IMG_0001.JPG"}));
  const auto suffixed = tree.Child(Tree::kAll, "IMG_0001 (2).JPG");
  ASSERT_TRUE(suffixed);
  EXPECT_EQ(suffixed->photo_id, "s");
  EXPECT_EQ(tree.Child(DayFolder(tree), "IMG_0001 (2).JPG")->photo_id, "s");

  auto inval = tree.Rebuild({first, second});
  EXPECT_TRUE(inval.empty());
  EXPECT_EQ(InoOf(tree, Tree::kAll, "IMG_0001 (2).JPG"), suffixed->ino);

  // The first one goes: the second takes the plain name, keeping its inode.
  inval = tree.Rebuild({second});
  EXPECT_EQ(InoOf(tree, Tree::kAll, "IMG_0001.JPG"), suffixed->ino);
  EXPECT_TRUE(Invalidates(inval, Tree::kAll, "IMG_0001.JPG"));
  EXPECT_TRUE(Invalidates(inval, Tree::kAll, "IMG_0001 (2).JPG"));
}

TEST(TreeTest, ChangedSizeOrTimeInvalidatesTheInode) {
  Tree tree(1000);
  Photo p = MakePhoto("p", "a.jpg", "2024-01-01T00:00:00Z");
  (void)tree.Rebuild({p});
  const Ino ino = InoOf(tree, Tree::kAll, "a.jpg");
  p.size = 2000;
  const auto inval = tree.Rebuild({p});
  EXPECT_TRUE(std::any_of(inval.begin(), inval.end(),
                          [&](const Invalidation& i) { return i.name.empty() && i.ino == ino; }));
  EXPECT_EQ(tree.Find(ino)->size, 2000);
}

TEST(TreeTest, TheOverlaySurvivesRebuilds) {
  Tree tree(1000);
  (void)tree.Rebuild({MakePhoto("p", "a.jpg", "2024-01-01T00:00:00Z")});
  const Node dir = tree.AddOverlay(Tree::kImport, "DCIM", NodeKind::kDir, Area::kImport);
  const Node file = tree.AddOverlay(dir.ino, "x.jpg", NodeKind::kStaged, Area::kImport);
  ASSERT_NE(tree.Overlay(file.ino), nullptr);
  tree.Overlay(file.ino)->size = 42;
  EXPECT_TRUE(tree.InImport(file.ino));
  EXPECT_FALSE(tree.InImport(InoOf(tree, Tree::kAll, "a.jpg")));
  EXPECT_EQ(tree.Overlay(InoOf(tree, Tree::kAll, "a.jpg")), nullptr);

  (void)tree.Rebuild({MakePhoto("p", "a.jpg", "2024-01-01T00:00:00Z"),
                      MakePhoto("q", "b.jpg", "2024-01-01T00:00:01Z")});
  EXPECT_EQ(InoOf(tree, Tree::kImport, "DCIM"), dir.ino);
  const auto again = tree.Child(dir.ino, "x.jpg");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ino, file.ino);
  EXPECT_EQ(again->size, 42);
  EXPECT_TRUE(again->overlay);

  tree.Move(file.ino, Tree::kImport, "y.jpg");  // rename keeps the inode
  EXPECT_FALSE(tree.Child(dir.ino, "x.jpg"));
  EXPECT_EQ(InoOf(tree, Tree::kImport, "y.jpg"), file.ino);
  EXPECT_FALSE(tree.HasChildren(dir.ino));

  // A move over an overlay node replaces it.
  const Node other = tree.AddOverlay(Tree::kImport, "z.jpg", NodeKind::kStaged, Area::kImport);
  tree.Move(file.ino, Tree::kImport, "z.jpg");
  EXPECT_EQ(InoOf(tree, Tree::kImport, "z.jpg"), file.ino);
  EXPECT_FALSE(tree.Find(other.ino));
  EXPECT_EQ(tree.Overlay(other.ino), nullptr);

  tree.Remove(dir.ino);
  EXPECT_FALSE(tree.Find(dir.ino));
  EXPECT_EQ(Names(tree, Tree::kImport), (std::vector<std::string>{"z.jpg"}));
}

TEST(TreeTest, AFileCopiedIntoAllShowsOverThePhotoAndKeepsItsInodeAsThePhoto) {
  Tree tree(1000);
  const Photo old = MakePhoto("old", "a.jpg", "2024-01-01T00:00:00Z");
  (void)tree.Rebuild({old});
  const Ino photo = InoOf(tree, Tree::kAll, "a.jpg");
  const Node copy = tree.AddOverlay(Tree::kAll, "a.jpg", NodeKind::kStaged, Area::kAll);
  EXPECT_EQ(InoOf(tree, Tree::kAll, "a.jpg"), copy.ino);
  EXPECT_EQ(Names(tree, Tree::kAll), (std::vector<std::string>{"a.jpg"}));
  EXPECT_TRUE(tree.Find(photo));  // still there by number

  // Imported as photo "new": all/ shows it under the copy's inode.
  tree.Remove(copy.ino);
  tree.AdoptAllEntry("new", copy.ino);
  (void)tree.Rebuild({old, MakePhoto("new", "a.jpg", "2024-01-02T00:00:00Z")});
  EXPECT_EQ(InoOf(tree, Tree::kAll, "a.jpg"), photo);
  EXPECT_EQ(InoOf(tree, Tree::kAll, "a (2).jpg"), copy.ino);
  EXPECT_EQ(tree.Find(copy.ino)->photo_id, "new");
  EXPECT_FALSE(tree.Find(copy.ino)->overlay);
}

TEST(TreeTest, ImportedEntriesExpire) {
  Tree tree(1000);
  const Node done = tree.AddOverlay(Tree::kImport, "done.jpg", NodeKind::kStaged, Area::kImport);
  const Node writing =
      tree.AddOverlay(Tree::kImport, "writing.jpg", NodeKind::kStaged, Area::kImport);
  tree.Overlay(done.ino)->expires_at = 50;
  tree.Overlay(writing.ino)->expires_at = 50;
  tree.Overlay(writing.ino)->writer = 1;
  EXPECT_TRUE(tree.Expire(49).empty());
  const auto inval = tree.Expire(50);
  EXPECT_TRUE(Invalidates(inval, Tree::kImport, "done.jpg"));
  EXPECT_FALSE(tree.Find(done.ino));
  EXPECT_TRUE(tree.Find(writing.ino));
}

}  // namespace
}  // namespace octopus::fs
