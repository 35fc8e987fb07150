// The photos table's queries against a plain reference over the same rows:
// every listing filter and page, and the folder counts kept in step with
// each change against grouping every photo.
#include "core/store/photo_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "core/photo_cursor.h"
#include "core/store/change_feed.h"
#include "core/store/folder_counts.h"
#include "tests/testing/store_fixture.h"

namespace octopus {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool SameText(const std::string& a, const std::string& b) { return Lower(a) == Lower(b); }
bool Contains(const std::string& haystack, const std::string& needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

// What a listing means, written plainly over every row.
std::vector<std::string> Reference(const std::vector<Photo>& rows, const PhotoQuery& q) {
  std::vector<const Photo*> out;
  for (const Photo& p : rows) {
    const std::string label = CameraLabel(p.meta.camera);
    const Place place = p.place.value_or(Place{});
    if (!q.from.empty() && p.meta.taken_at < q.from) continue;
    if (!q.to.empty() && !(p.meta.taken_at < EndOfRange(q.to))) continue;
    if (!q.camera.empty() && !SameText(label, q.camera)) continue;
    if (!q.country.empty() &&
        !SameText(q.country.size() == 2 ? place.country_code : place.country, q.country)) {
      continue;
    }
    if (!q.region.empty() && !SameText(place.region, q.region)) continue;
    if (!q.city.empty() && !SameText(place.city, q.city)) continue;
    if (!q.text.empty() &&
        !(Contains(p.filename, q.text) || Contains(label, q.text) ||
          Contains(p.meta.exif.lens, q.text) || Contains(place.country, q.text) ||
          Contains(place.region, q.text) || Contains(place.city, q.text))) {
      continue;
    }
    out.push_back(&p);
  }
  std::sort(out.begin(), out.end(), [](const Photo* a, const Photo* b) {
    return std::tie(a->meta.taken_at, a->id) > std::tie(b->meta.taken_at, b->id);
  });
  std::vector<std::string> ids;
  for (const Photo* p : out) ids.push_back(p->id);
  return ids;
}

class PhotoStoreTest : public testing::StoreTest {
 protected:
  // Every page of a listing, following the cursor.
  std::vector<std::string> AllPages(PhotoQuery q) {
    std::vector<std::string> ids;
    PhotoStore photos(*db_);
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = photos.List(alice_, q);
      EXPECT_TRUE(page.ok()) << page.status().message();
      if (!page.ok()) break;
      for (const Photo& p : page->photos) ids.push_back(p.id);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    return ids;
  }
};

const char* const kCameras[][2] = {{"Nikon", "D750"}, {"Apple", "iPhone 12"}, {"", ""}};
const std::optional<Place> kPlaces[] = {std::nullopt, Place{"Italy", "IT", "Lazio", "Rome"},
                                        Place{"Italy", "IT", "", ""},
                                        Place{"France", "FR", "Île-de-France", "Paris"}};
const char* const kNames[] = {"IMG_0001.JPG", "beach.jpg", "Rome at night.heic", "x.jpg",
                              "ROMAN.jpg"};

STORE_TEST(PhotoStoreTest, EveryFilterAndPageListsWhatTheDefinitionSays) {
  // More rows than a text search scans before it asks the trigram index,
  // so both of its ways are used.
  std::mt19937 rng(7);
  std::vector<Photo> rows;
  auto tx = db::Transaction::Begin(*db_);
  PhotoStore photos(*db_);
  for (int i = 0; i < 3000; ++i) {
    const auto& camera = kCameras[rng() % 3];
    char taken[32];
    std::snprintf(taken, sizeof taken, "2024-07-%02dT%02d:%02d:00",
                  1 + static_cast<int>(rng() % 28), static_cast<int>(rng() % 24),
                  static_cast<int>(rng() % 60));
    Photo p = Row(alice_, "id" + std::to_string(100000 + i), kNames[rng() % 5], taken,
                  {camera[0], camera[1]}, kPlaces[rng() % 4]);
    if (i % 500 == 0) p.filename = "rare-" + std::to_string(i) + ".jpg";
    if (i % 7 == 0) p.meta.exif.lens = "Zoom Lens";
    ASSERT_TRUE(photos.Insert(p).ok());
    rows.push_back(p);
  }
  // Another owner's photo matches everything and must never show.
  ASSERT_TRUE(photos.Insert(Row(bob_, "bob", "rare-0.jpg", "2024-07-10T00:00:00")).ok());
  ASSERT_TRUE(tx->Commit().ok());

  // from, to, camera, country, region, city, q
  const auto query = [](std::string from, std::string to, std::string camera, std::string country,
                        std::string region, std::string city, std::string text) {
    PhotoQuery q;
    q.from = std::move(from);
    q.to = std::move(to);
    q.camera = std::move(camera);
    q.country = std::move(country);
    q.region = std::move(region);
    q.city = std::move(city);
    q.text = std::move(text);
    return q;
  };
  const std::vector<PhotoQuery> queries = {
      query("", "", "", "", "", "", ""),
      query("2024-07-10", "2024-07-12", "", "", "", "", ""),
      query("2024-07-10T12:30", "", "", "", "", "", ""),
      query("", "2024-07-03T05:07:00", "", "", "", "", ""),
      query("", "", "nikon d750", "", "", "", ""),
      query("", "", "Unknown camera", "", "", "", ""),
      query("", "", "", "it", "", "", ""),
      query("", "", "", "italy", "", "ROME", ""),
      query("", "", "", "", "lazio", "", ""),
      query("", "", "", "", "", "", "rare"),
      query("", "", "", "", "", "", "rare-2500"),
      query("", "", "", "", "", "", "rom"),
      query("", "", "", "", "", "", "ro"),
      query("", "", "Apple iPhone 12", "", "", "", "ZOOM"),
      query("", "", "", "", "", "", "nothing like it"),
      query("", "", "", "", "", "", "%_"),
      query("2024-07-05", "", "", "FR", "", "", "paris"),
  };
  for (const PhotoQuery& base : queries) {
    const std::vector<std::string> want = Reference(rows, base);
    for (int limit : {0, 13, 400}) {
      PhotoQuery q = base;
      q.limit = limit;
      EXPECT_EQ(AllPages(q), want)
          << "from=" << q.from << " to=" << q.to << " camera=" << q.camera
          << " country=" << q.country << " q=" << q.text << " limit=" << limit;
    }
  }
}

STORE_TEST(PhotoStoreTest, BadQueriesAreRefusedSayingWhy) {
  PhotoStore photos(*db_);
  std::vector<PhotoQuery> bad(4);
  bad[0].from = "garbage";
  bad[1].to = "2024-02-30";
  bad[2].from = "2024-07-14T25:00";
  bad[3].cursor = "zz";
  for (const PhotoQuery& q : bad) {
    auto page = photos.List(alice_, q);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), Code::kInvalidArgument);
  }
}

// The folder counts after any sequence of changes (a user's corrections of
// date and place among them) are what grouping every photo gives.
STORE_TEST(PhotoStoreTest, FolderCountsFollowEveryChange) {
  std::mt19937 rng(11);
  std::map<std::string, Photo> live;
  PhotoStore photos(*db_);
  for (int step = 0; step < 400; ++step) {
    auto tx = db::Transaction::Begin(*db_);
    const auto pick = [&] {
      return std::next(live.begin(), static_cast<std::ptrdiff_t>(rng() % live.size()));
    };
    const unsigned op = rng() % 5;
    if (op == 0 || live.size() < 3) {
      const auto& camera = kCameras[rng() % 3];
      Photo p = Row(alice_, 'p' + std::to_string(step), "a.jpg",
                    rng() % 5 == 0 ? "" : "2024-07-1" + std::to_string(rng() % 3) + "T10:00:00",
                    {camera[0], camera[1]}, kPlaces[rng() % 4]);
      p.meta.taken_at_estimated = p.meta.taken_at.empty();
      if (p.meta.taken_at.empty()) p.meta.taken_at = "2020-01-01T00:00:00";
      ASSERT_TRUE(photos.Insert(p).ok());
      live[p.id] = p;
    } else if (op == 1) {
      auto it = pick();
      ASSERT_TRUE(photos.Delete(alice_, it->first).ok());
      live.erase(it);
    } else if (op == 2) {
      auto it = pick();
      it->second.place = kPlaces[rng() % 4];
      ASSERT_TRUE(photos.SetPlace(alice_, it->first, it->second.place).ok());
    } else if (op == 3) {
      auto it = pick();
      ASSERT_TRUE(photos.Rename(alice_, it->first, "b.jpg").ok());
    } else {
      // A user's correction: a date, a place or both, out of an estimate.
      auto it = pick();
      PhotoCorrection correction;
      if (rng() % 2 == 0) {
        correction.taken_at = CaptureTime{"2024-08-0" + std::to_string(1 + rng() % 3) + "T09:00:00",
                                          std::string("+02:00")};
        it->second.meta.taken_at = correction.taken_at->local;
        it->second.meta.taken_at_offset = correction.taken_at->offset;
        it->second.meta.taken_at_estimated = false;
      }
      if (!correction.taken_at || rng() % 2 == 0) {
        correction.place = kPlaces[rng() % 4];
        it->second.place = *correction.place;
      }
      auto corrected = photos.Correct(alice_, it->first, correction);
      ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
      EXPECT_EQ(corrected->meta.taken_at, it->second.meta.taken_at);
      EXPECT_EQ(corrected->place, it->second.place);
    }
    ASSERT_TRUE(tx->Commit().ok());
    std::vector<Photo> all;
    for (const auto& [id, p] : live) all.push_back(p);
    for (View view : {View::kDate, View::kCamera, View::kPlace}) {
      auto tree = FolderCounts(*db_).Tree(alice_, view);
      ASSERT_TRUE(tree.ok());
      const FolderNode want = GroupPhotos(all, view);
      const auto flat = [](const FolderNode& root) {
        std::map<std::string, std::int64_t> out;
        std::function<void(const FolderNode&, const std::string&)> walk =
            [&](const FolderNode& n, const std::string& path) {
              out[path] = n.count;
              for (const auto& [name, child] : n.children) walk(child, path + "/" + name);
            };
        walk(root, "");
        return out;
      };
      ASSERT_EQ(flat(*tree), flat(want)) << "step " << step;
    }
  }
  // Rebuilt from the rows, as a migration or fsck does: the same.
  auto before = FolderCounts(*db_).Tree(alice_, View::kPlace);
  ASSERT_TRUE(FolderCounts(*db_).Rebuild().ok());
  auto after = FolderCounts(*db_).Tree(alice_, View::kPlace);
  EXPECT_EQ(before->count, after->count);
  EXPECT_EQ(before->children.size(), after->children.size());
}

// A correction is one feed entry in the caller's transaction; one that
// changes nothing is none; an absent photo is kNotFound.
STORE_TEST(PhotoStoreTest, ACorrectionAppendsOneFeedEntryAndMarksAPlaceAsTheUsers) {
  PhotoStore photos(*db_);
  ASSERT_TRUE(photos.Insert(Row(alice_, "p1", "a.jpg", "2024-07-01T10:00:00")).ok());
  const auto head = [&] { return ChangeFeed(*db_).Position(alice_)->head; };
  const std::int64_t before = head();
  PhotoCorrection rename;
  rename.filename = "a.jpg";
  ASSERT_TRUE(photos.Correct(alice_, "p1", rename).ok());
  EXPECT_EQ(head(), before) << "the same name: nothing written";
  rename.filename = "b.jpg";
  auto renamed = photos.Correct(alice_, "p1", rename);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->filename, "b.jpg");
  EXPECT_EQ(head(), before + 1);
  EXPECT_EQ(photos.Correct(bob_, "p1", rename).status().code(), Code::kNotFound);
  EXPECT_EQ(photos.Correct(alice_, "absent", rename).status().code(), Code::kNotFound);

  const auto set_by_user = [&] {
    auto positions = photos.Positions(alice_);
    EXPECT_TRUE(positions.ok());
    return positions.ok() && positions->size() == 1 && positions->front().place_set_by_user;
  };
  EXPECT_FALSE(set_by_user());
  // The place it already has, given: no move, but now the user's.
  PhotoCorrection none;
  none.place = std::optional<Place>();
  ASSERT_TRUE(photos.Correct(alice_, "p1", none).ok());
  EXPECT_TRUE(set_by_user());
  EXPECT_EQ(head(), before + 2);
  // Setting a place by GPS later (reindexing skips these) leaves the mark.
  ASSERT_TRUE(photos.SetPlace(alice_, "p1", kPlaces[1]).ok());
  EXPECT_TRUE(set_by_user());
}

}  // namespace
}  // namespace octopus
