// The mount's tree without a mount: names, inode numbers and what a rebuild
// tells the kernel to forget.
#include "fs/tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
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
            (std::vector<std::string>{".Trash-0", "all", "by-camera", "by-date", "by-place",
                                      "import", "trash"}));
  EXPECT_EQ(Names(tree, Tree::kDesktopTrash), (std::vector<std::string>{"files", "info"}));
  EXPECT_EQ(Names(tree, Tree::kAll), (std::vector<std::string>{"C.jpg", "a.jpg", "b.jpg"}));
  EXPECT_EQ(Names(tree, DayFolder(tree)), (std::vector<std::string>{"C.jpg", "a.jpg", "b.jpg"}));
  EXPECT_EQ(Names(tree, InoOf(tree, Tree::kByCamera, "Nikon D750")), Names(tree, Tree::kAll));
  EXPECT_TRUE(Names(tree, Tree::kByPlace).empty());
  EXPECT_EQ(tree.SubdirCount(Tree::kRoot), 7u);

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
  tree.AdoptEntry("new", copy.ino, Tree::kAll);
  (void)tree.Rebuild({old, MakePhoto("new", "a.jpg", "2024-01-02T00:00:00Z")});
  EXPECT_EQ(InoOf(tree, Tree::kAll, "a.jpg"), photo);
  EXPECT_EQ(InoOf(tree, Tree::kAll, "a (2).jpg"), copy.ino);
  EXPECT_EQ(tree.Find(copy.ino)->photo_id, "new");
  EXPECT_FALSE(tree.Find(copy.ino)->overlay);
}

TEST(TreeTest, AnEmptiedFolderLingersUntilItExpiresOrIsRemoved) {
  Tree tree(1000);
  (void)tree.Rebuild({MakePhoto("p", "a.jpg", "2024-01-01T00:00:00Z")});
  const Ino day = DayFolder(tree);
  const Ino month = tree.Find(day)->parent;
  tree.RemovePhoto("p");
  // Still there, empty, for rm -r to remove (its rmdir comes next).
  EXPECT_EQ(DayFolder(tree), day);
  EXPECT_FALSE(tree.HasChildren(day));
  EXPECT_TRUE(tree.Expire(std::time(nullptr)).empty());
  tree.RemoveEmptyFolder(day);
  EXPECT_FALSE(tree.Find(day));
  EXPECT_TRUE(tree.Find(month));  // emptied in turn: lingers in turn
  const auto inval = tree.Expire(std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(tree.Find(month));
  EXPECT_FALSE(tree.Child(Tree::kByDate, "2024"));
  EXPECT_TRUE(Invalidates(inval, Tree::kByDate, "2024"));
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

// --- the incremental tree against full rebuilds ---

// Every visible node, by path: its inode, kind, photo and attributes.
struct Listed {
  Ino ino = 0;
  NodeKind kind = NodeKind::kDir;
  std::string photo_id;
  std::int64_t size = 0, mtime = 0;
  bool operator==(const Listed&) const = default;
};
using Listing = std::map<std::string, Listed>;

void ListInto(const Tree& tree, Ino dir, const std::string& path, Listing* out) {
  std::size_t subdirs = 0;
  tree.ForEachChild(dir, [&](const Node& n) {
    const std::string p = path + "/" + std::string(n.name);
    (*out)[p] = {n.ino, n.kind, std::string(n.photo_id), n.size, n.mtime};
    if (n.kind == NodeKind::kDir) {
      ++subdirs;
      ListInto(tree, n.ino, p, out);
    }
  });
  // The link count's subdirectories, kept as children come and go.
  EXPECT_EQ(tree.SubdirCount(dir), subdirs) << path;
}

Listing List(const Tree& tree) {
  Listing out;
  ListInto(tree, Tree::kRoot, "", &out);
  return out;
}

// The same listing without inode numbers: a tree built afresh numbers
// differently, but must show the same.
std::map<std::string, std::string> Shape(const Listing& listing) {
  std::map<std::string, std::string> out;
  for (const auto& [path, l] : listing) {
    out[path] = std::to_string(static_cast<int>(l.kind)) + " " + l.photo_id + " " +
                std::to_string(l.size) + " " + std::to_string(l.mtime);
  }
  return out;
}

// A library that changes at random, with names, dates, cameras and places
// drawn to collide: repeated names and names that look suffixed, a photo
// named like a region folder, photos with a country only beside regions.
class RandomLibrary {
 public:
  explicit RandomLibrary(std::uint32_t seed) : rng_(seed) {}

  std::map<std::string, Photo>& photos() { return photos_; }
  std::vector<Photo> All() const {
    std::vector<Photo> out;
    for (const auto& [id, p] : photos_) out.push_back(p);
    return out;
  }

  Photo New() {
    Photo p;
    p.id = 'p' + std::to_string(next_id_++);
    p.imported_at =
        "2024-01-01T00:00:0" + std::to_string(Pick(4)) + "." + std::to_string(100 + Pick(3)) + "Z";
    Reshape(&p);
    return p;
  }

  // Changes one thing of `p`, as a rename, a corrected date or place, or a
  // new camera would.
  void Change(Photo* p) {
    switch (Pick(5)) {
      case 4:  // into the trash, or back
        if (p->trashed_at) {
          p->trashed_at.reset();
        } else {
          p->trashed_at = "2024-02-0" + std::to_string(1 + Pick(3)) + "T00:00:00.000Z";
        }
        break;
      case 0:
        p->filename = Name();
        break;
      case 1:
        p->meta.taken_at = Day();
        p->meta.taken_at_estimated = Pick(5) == 0;
        break;
      case 2:
        p->place = PlaceOf();
        break;
      default:
        p->size = 1000 + Pick(3);
        break;
    }
  }

  std::size_t Pick(std::size_t n) { return rng_() % n; }

 private:
  void Reshape(Photo* p) {
    p->filename = Name();
    p->size = 1000 + Pick(3);
    p->meta.taken_at = Day();
    p->meta.taken_at_estimated = Pick(8) == 0;
    static const CameraInfo kCameras[] = {{"Nikon", "D750"}, {"Apple", "iPhone 12"}, {"", ""}};
    p->meta.camera = kCameras[Pick(3)];
    p->place = PlaceOf();
  }
  std::string Name() {
    static const char* kNames[] = {
        "a.jpg",        "a (2).jpg",        "a (3).jpg", "a (2) (2).jpg", "a.JPG", "b.jpg", "Lazio",
        "IMG_0001.JPG", "IMG_0001 (2).JPG", "x",         "x (2)",         "ab.jpg"};
    return kNames[Pick(std::size(kNames))];
  }
  std::string Day() {
    static const char* kDays[] = {"2024-07-14T10:11:12", "2024-07-15T08:00:00",
                                  "2023-01-01T00:00:00"};
    return kDays[Pick(std::size(kDays))];
  }
  std::optional<Place> PlaceOf() {
    switch (Pick(5)) {
      case 0:
        return std::nullopt;
      case 1:
        return Place{"Italy", "IT", "Lazio", "Rome"};
      case 2:
        return Place{"Italy", "IT", "Lazio", ""};
      case 3:
        return Place{"Italy", "IT", "", ""};
      default:
        return Place{"France", "FR", "Île-de-France", "Paris"};
    }
  }

  std::mt19937 rng_;
  std::map<std::string, Photo> photos_;
  int next_id_ = 0;
};

// What the kernel may have cached before a change and must have been told
// to forget: every name whose node went or changed, every folder whose
// listing changed, every file whose size or time changed.
void ExpectInvalidated(const Listing& before, const Listing& after,
                       const std::vector<Invalidation>& inval, const std::string& step) {
  const auto told = [&](const Invalidation& want) {
    return std::find(inval.begin(), inval.end(), want) != inval.end();
  };
  std::map<std::string, Ino> dir_of;
  dir_of[""] = Tree::kRoot;
  for (const auto& [path, l] : before) {
    if (l.kind == NodeKind::kDir) dir_of[path] = l.ino;
  }
  std::set<Ino> changed_dirs;
  for (const auto& [path, l] : before) {
    const std::string parent_path = path.substr(0, path.rfind('/'));
    const std::string name = path.substr(path.rfind('/') + 1);
    const auto now = after.find(path);
    const Ino parent = dir_of[parent_path];
    if (now == after.end() || now->second.ino != l.ino) {
      // A folder that went with its parent is forgotten with the parent.
      if (after.count(parent_path) || parent_path.empty()) {
        EXPECT_TRUE(told({parent, name, 0})) << step << ": not told " << path << " went";
        changed_dirs.insert(parent);
      }
    } else if (l.kind != NodeKind::kDir &&
               (now->second.size != l.size || now->second.mtime != l.mtime)) {
      EXPECT_TRUE(told({0, "", l.ino})) << step << ": not told " << path << " changed";
    }
  }
  for (const auto& [path, l] : after) {
    if (before.count(path)) continue;
    const std::string parent_path = path.substr(0, path.rfind('/'));
    if (before.count(parent_path) || parent_path.empty()) changed_dirs.insert(dir_of[parent_path]);
  }
  for (Ino dir : changed_dirs) {
    EXPECT_TRUE(told({0, "", dir})) << step << ": not told folder " << dir << " changed";
  }
}

TEST(TreeTest, ChangesOneAtATimeGiveTheTreeARebuildGives) {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    RandomLibrary lib(seed);
    for (int i = 0; i < 12; ++i) {
      Photo p = lib.New();
      lib.photos()[p.id] = p;
    }
    Tree incremental(1000), rebuilt(1000);
    (void)incremental.Rebuild(lib.All());
    (void)rebuilt.Rebuild(lib.All());
    ASSERT_EQ(List(incremental), List(rebuilt));
    std::map<std::string, Photo> removed;
    for (int step = 0; step < 80; ++step) {
      const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step);
      const Listing before = List(incremental);
      (void)incremental.TakeInvalidations();
      const std::size_t op = lib.Pick(10);
      if (op < 3 || lib.photos().empty()) {
        Photo p = lib.New();
        lib.photos()[p.id] = p;
        incremental.Upsert(p);
      } else if (op < 5) {
        auto it = std::next(lib.photos().begin(),
                            static_cast<std::ptrdiff_t>(lib.Pick(lib.photos().size())));
        incremental.RemovePhoto(it->first);
        removed[it->first] = it->second;
        lib.photos().erase(it);
      } else if (op < 6 && !removed.empty()) {
        // Back from the trash: the same photo, the same id.
        auto it = removed.begin();
        lib.photos()[it->first] = it->second;
        incremental.Upsert(it->second);
        removed.erase(it);
      } else {
        auto it = std::next(lib.photos().begin(),
                            static_cast<std::ptrdiff_t>(lib.Pick(lib.photos().size())));
        lib.Change(&it->second);
        incremental.Upsert(it->second);
      }
      std::vector<Invalidation> told = incremental.TakeInvalidations();
      // Emptied folders linger (for rm -r); a rebuild lists none.
      const auto swept = incremental.Expire(std::numeric_limits<std::int64_t>::max());
      told.insert(told.end(), swept.begin(), swept.end());
      (void)rebuilt.Rebuild(lib.All());
      const Listing now = List(incremental);
      ASSERT_EQ(now, List(rebuilt)) << where;
      Tree fresh(1000);
      (void)fresh.Rebuild(lib.All());
      ASSERT_EQ(Shape(now), Shape(List(fresh))) << where;
      ExpectInvalidated(before, now, told, where);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(TreeTest, ATrashedPhotoIsInTheTrashesOnly) {
  Tree tree(1000, ".Trash-1000");
  Photo p = MakePhoto("p", "a.jpg", "2024-01-01T00:00:00Z");
  Photo q = MakePhoto("q", "a.jpg", "2024-01-01T00:00:01Z");
  (void)tree.Rebuild({p, q});
  p.trashed_at = "2024-03-01T10:00:00.000Z";
  tree.Upsert(p);
  EXPECT_EQ(Names(tree, Tree::kAll), (std::vector<std::string>{"a.jpg"}));
  EXPECT_EQ(tree.Child(Tree::kAll, "a.jpg")->photo_id, "q");  // the name is free again
  EXPECT_EQ(Names(tree, Tree::kTrash), (std::vector<std::string>{"a.jpg"}));
  EXPECT_EQ(InoOf(tree, Tree::kRoot, ".Trash-1000"), Tree::kDesktopTrash);
  const auto trashed = tree.Child(Tree::kDesktopTrashFiles, "a.jpg");
  ASSERT_TRUE(trashed);
  EXPECT_EQ(trashed->photo_id, "p");
  EXPECT_EQ(trashed->trashed, 1709287200);
  EXPECT_EQ(Names(tree, DayFolder(tree)), (std::vector<std::string>{"a.jpg"}));
  p.trashed_at.reset();  // restored: back, after q in import order
  tree.Upsert(p);
  EXPECT_TRUE(Names(tree, Tree::kTrash).empty());
  EXPECT_EQ(tree.Child(Tree::kAll, "a.jpg")->photo_id, "p");
  EXPECT_EQ(tree.Child(Tree::kAll, "a (2).jpg")->photo_id, "q");
}

TEST(TreeTest, AFolderShowsOverAPhotoOfItsName) {
  Tree tree(1000);
  Photo region = MakePhoto("r", "Lazio", "2024-01-01T00:00:00Z");
  region.place = Place{"Italy", "IT", "", ""};  // a country only: in Italy/ itself
  Photo city = MakePhoto("c", "c.jpg", "2024-01-01T00:00:01Z");
  city.place = Place{"Italy", "IT", "Lazio", "Rome"};
  (void)tree.Rebuild({region, city});
  const Ino italy = InoOf(tree, Tree::kByPlace, "Italy");
  const auto shown = tree.Child(italy, "Lazio");
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->kind, NodeKind::kDir);
  EXPECT_EQ(Names(tree, italy), (std::vector<std::string>{"Lazio"}));
  // The photo is still in all/, and shows in Italy/ once the folder goes.
  tree.RemovePhoto("c");
  (void)tree.Expire(std::numeric_limits<std::int64_t>::max());
  const auto now = tree.Child(italy, "Lazio");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->photo_id, "r");
}

}  // namespace
}  // namespace octopus::fs
