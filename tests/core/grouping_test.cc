#include "core/grouping.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

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

// The definition of DistinctNames, written plainly: one pass over the whole
// folder in (import order, id) order with one map of the names taken.
std::vector<std::string> ReferenceNames(const std::vector<NameRequest>& photos) {
  std::vector<std::size_t> order(photos.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(photos[a].order, photos[a].id) < std::tie(photos[b].order, photos[b].id);
  });
  std::vector<std::string> names(photos.size());
  std::map<std::string, int> taken;
  for (std::size_t i : order) {
    const std::string base(photos[i].name);
    std::string name = base;
    if (taken[base]++ > 0) {
      const auto dot = base.rfind('.');
      const bool has_ext = dot != std::string::npos && dot != 0 && base.size() - dot <= 16;
      const std::string ext = has_ext ? base.substr(dot) : "";
      const std::string stem = base.substr(0, base.size() - ext.size());
      for (int n = taken[base];; ++n) {
        const std::string suffix = " (" + std::to_string(n) + ")";
        std::string cut = stem.substr(0, std::min(stem.size(), 255 - ext.size() - suffix.size()));
        while (!cut.empty() && cut.size() < stem.size() &&
               (static_cast<unsigned char>(stem[cut.size()]) & 0xC0) == 0x80) {
          cut.pop_back();
        }
        name = cut + suffix + ext;
        if (!taken.count(name)) break;
      }
      taken[name] = 1;
    }
    names[i] = name;
  }
  return names;
}

// Names chosen to collide: repeats, real names that look like suffixed
// ones, no extension, a long "extension", and 255-byte names (whose suffix
// must cut the stem), some ending in a two-byte character. Like every name
// a folder holds, none is over 255 bytes.
std::vector<std::string> CollidingNames() {
  const std::string long_stem(251, 'L');
  const std::string long_utf8 = std::string(248, 'U') + "\xc3\xa9";
  return {"a.jpg",
          "a (2).jpg",
          "a (3).jpg",
          "a (2) (2).jpg",
          "a.JPG",
          "a",
          "a (2)",
          "A.jpg",
          "a.b.jpg",
          "a (x).jpg",
          "b.jpg",
          "ab.jpg",
          "a.longextension1234",
          "a (2).longextension1234",
          long_stem + ".jpg",
          long_stem.substr(4) + " (2).jpg",
          long_utf8 + ".jpg",
          " (2).jpg"};
}

TEST(GroupingTest, DistinctNamesEqualTheDefinitionOnCollidingNames) {
  const std::vector<std::string> pool = CollidingNames();
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t n = 1 + rng() % 40;
    std::vector<std::string> ids(n);
    std::vector<NameRequest> photos(n);
    for (std::size_t i = 0; i < n; ++i) {
      ids[i] = "id" + std::to_string(rng() % 1000);
      photos[i] = {pool[rng() % pool.size()], static_cast<std::int64_t>(rng() % 5), ids[i]};
    }
    const auto names = DistinctNames(photos);
    ASSERT_EQ(names, ReferenceNames(photos)) << "seed " << seed;
    std::set<std::string> unique(names.begin(), names.end());
    EXPECT_EQ(unique.size(), names.size()) << "seed " << seed;
    for (const std::string& name : names) {
      EXPECT_LE(name.size(), 255u);
      // Every name DistinctNames makes is in the family of the name it
      // came from: that is what lets the mount rename one family alone.
      EXPECT_TRUE(std::any_of(photos.begin(), photos.end(), [&](const NameRequest& p) {
        return NameFamily(p.name) == NameFamily(name) &&
               std::string_view(name).starts_with(NameFamilyPrefix(p.name));
      })) << name;
    }
  }
}

TEST(GroupingTest, ARepeated255ByteNameGetsASuffixInsteadOfLoopingForever) {
  // Cutting "stem (2).ext" back to 255 bytes dropped the suffix, so every
  // candidate was the taken name itself and the loop never ended.
  const std::string name = std::string(251, 'x') + ".jpg";
  const auto names =
      DistinctNames(std::vector<NameRequest>{{name, 1, "a"}, {name, 2, "b"}, {name, 3, "c"}});
  EXPECT_EQ(names[0], name);
  EXPECT_EQ(names[1], std::string(247, 'x') + " (2).jpg");
  EXPECT_EQ(names[2], std::string(247, 'x') + " (3).jpg");
}

// Issue 15 (12): U+202E kept in a name made "photo<RLO>gpj.exe" read as
// "photoexe.jpg" in the API and the mount.
TEST(GroupingTest, SafeFileNameRemovesInvisibleFormatCharacters) {
  EXPECT_EQ(SafeFileName("photo\u202Egpj.exe"), "photogpj.exe");
  const std::vector<std::string> invisible = {
      "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
      "\u200B", "\u200E", "\u200F", "\u061C", "\u2060", "\uFEFF", "\u00AD", "\u180E"};
  for (std::size_t i = 0; i < invisible.size(); ++i) {
    EXPECT_EQ(SafeFileName("a" + invisible[i] + "b.jpg"), "ab.jpg") << "character #" << i;
  }
  // C1 controls and the line and paragraph separators become '_', as C0
  // controls do.
  EXPECT_EQ(SafeFileName("a\u0085b\u009Bc.jpg"), "a_b_c.jpg");
  EXPECT_EQ(SafeFileName("a\u2028b\u2029.jpg"), "a_b_.jpg");
  // Nothing left, or only dots left: still a usable name.
  EXPECT_EQ(SafeFileName("\u202E\u200B"), "_");
  EXPECT_EQ(SafeFileName(".\u200B."), "_");
  // Visible characters next to them are kept: accents, other scripts, and
  // the joiners that Persian words and emoji sequences are written with.
  EXPECT_EQ(SafeFileName("caf\u00E9 \u0645\u0635\u0631.jpg"), "caf\u00E9 \u0645\u0635\u0631.jpg");
  EXPECT_EQ(SafeFileName("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.jpg"),
            "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.jpg");
  EXPECT_EQ(SafeFileName("\U0001F468\u200D\U0001F469\u200D\U0001F467.jpg"),
            "\U0001F468\u200D\U0001F469\u200D\U0001F467.jpg");
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
