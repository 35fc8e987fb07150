// Places: the index built from a GeoNames extract (tests/fixtures/places:
// the places within 60 km of the points below plus a 0.4% sample of the
// world, cut from the data tools/setup.sh installs), looked up at known
// points, across the antimeridian, near the pole and at sea; malformed
// coordinates; missing and corrupt index files; ingest and reindex;
// countries found by name or code for a user's correction, and a place a
// user set kept by reindexing.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/library.h"
#include "core/photo_edit.h"
#include "core/places/geonames.h"
#include "core/places/index_format.h"
#include "core/places/place_index.h"
#include "tests/testing/test_util.h"

namespace octopus::places {
namespace {

const std::filesystem::path kFixtures =
    std::filesystem::path(OCTOPUS_SOURCE_DIR) / "tests" / "fixtures" / "places";

class PlacesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    int skipped = -1;
    auto data = ReadGeoNames(kFixtures / "cities1000.txt", kFixtures / "admin1CodesASCII.txt",
                             kFixtures / "countryInfo.txt", &skipped);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    EXPECT_EQ(skipped, 0);
    ASSERT_TRUE(WritePlaceIndex(*data, *dir_ / "places.idx").ok());
    auto index = OpenPlaceIndex(*dir_ / "places.idx");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value().release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete dir_;
  }

  static std::string Describe(const std::optional<Place>& p) {
    if (!p) return "none";
    return p->country + " (" + p->country_code + ") / " + p->region + " / " + p->city;
  }

  static testing::TempDir* dir_;
  static PlaceIndex* index_;
};

testing::TempDir* PlacesTest::dir_ = nullptr;
PlaceIndex* PlacesTest::index_ = nullptr;

TEST_F(PlacesTest, KnownPoints) {
  struct Case {
    double lat, lon;
    const char* want;
  };
  for (const Case& c : {
           Case{48.8584, 2.2945, "France (FR) / Île-de-France / Paris"},           // Eiffel Tower
           Case{-33.8568, 151.2153, "Australia (AU) / New South Wales / Sydney"},  // Opera House
           Case{40.7580, -73.9855, "United States (US) / New York / New York City"},  // Times Sq.
           Case{35.6595, 139.7005, "Japan (JP) / Tokyo / Tokyo"},                     // Shibuya
           Case{-46.5497, -71.6300, "Argentina (AR) / Santa Cruz / Los Antiguos"},    // Patagonia
           Case{64.1466, -21.9426, "Iceland (IS) / Capital Region / Reykjavík"},
           Case{78.2200, 15.6500, "Svalbard and Jan Mayen (SJ) / Svalbard / Longyearbyen"},
           Case{-23.5500, -46.6300, "Brazil (BR) / São Paulo / São Paulo"},
       }) {
    EXPECT_EQ(Describe(index_->Nearest(c.lat, c.lon)), c.want) << c.lat << "," << c.lon;
  }
}

// Fiji straddles the 180th meridian: a point just west of it (179.9 E) and
// one just east (179.99 W) are both near Labasa (179.36 E). Without the
// sphere, the east one would look 359 degrees away.
TEST_F(PlacesTest, AntimeridianPolesAndSea) {
  EXPECT_EQ(Describe(index_->Nearest(-18.0, 179.4)), "Fiji (FJ) / Eastern / Levuka");
  EXPECT_EQ(Describe(index_->Nearest(-16.45, 179.40)), "Fiji (FJ) / Northern / Labasa");
  // 55-75 km from Labasa, on either side of the line: the country only.
  EXPECT_EQ(Describe(index_->Nearest(-16.45, 179.90)), "Fiji (FJ) /  / ");
  EXPECT_EQ(Describe(index_->Nearest(-16.45, -179.99)), "Fiji (FJ) /  / ");
  EXPECT_EQ(Describe(index_->Nearest(89.9, 0)), "none");    // near the North Pole
  EXPECT_EQ(Describe(index_->Nearest(-90, 0)), "none");     // the South Pole
  EXPECT_EQ(Describe(index_->Nearest(0, 0)), "none");       // Gulf of Guinea
  EXPECT_EQ(Describe(index_->Nearest(-30, -140)), "none");  // the Pacific
  EXPECT_EQ(Describe(index_->Nearest(90, 180)), "none");
  EXPECT_EQ(Describe(index_->Nearest(-90, -180)), "none");
}

TEST_F(PlacesTest, MalformedCoordinates) {
  EXPECT_FALSE(index_->Nearest(std::nan(""), 2.29).has_value());
  EXPECT_FALSE(index_->Nearest(48.85, std::nan("")).has_value());
  EXPECT_FALSE(index_->Nearest(INFINITY, 0).has_value());
  EXPECT_FALSE(index_->Nearest(91, 0).has_value());
  EXPECT_FALSE(index_->Nearest(0, 180.5).has_value());
  EXPECT_FALSE(index_->Nearest(-1e300, 0).has_value());
}

// The k-d tree gives exactly what scanning every place gives.
TEST_F(PlacesTest, IndexAgreesWithBruteForce) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180);
  int with_place = 0;
  for (int i = 0; i < 3000; ++i) {
    const double a = lat(rng), b = lon(rng);
    const auto fast = index_->Nearest(a, b), slow = index_->NearestBruteForce(a, b);
    ASSERT_EQ(Describe(fast), Describe(slow)) << a << "," << b;
    with_place += fast.has_value();
  }
  // Near the fixture's dense areas too, where the city window matters.
  std::normal_distribution<double> jitter(0, 0.3);
  for (int i = 0; i < 2000; ++i) {
    const double a = 48.85 + jitter(rng), b = 2.35 + jitter(rng);
    ASSERT_EQ(Describe(index_->Nearest(a, b)), Describe(index_->NearestBruteForce(a, b)));
  }
  EXPECT_GT(with_place, 10);
}

TEST_F(PlacesTest, MissingAndCorruptIndexFilesAreClearErrors) {
  auto missing = OpenPlaceIndex(*dir_ / "nope.idx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no places index"), std::string::npos);

  const std::string good = testing::ReadFile(*dir_ / "places.idx");
  struct Case {
    const char* what;
    std::string bytes;
  };
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string bad_version = good;
  bad_version[8] = 9;
  std::string bad_country = good;
  // First point's country index (offset 32 + 24) far out of range.
  bad_country[32 + 24] = '\xff';
  bad_country[32 + 25] = '\xff';
  for (const Case& c :
       {Case{"empty", ""}, Case{"text", "hello world, not an index"},
        Case{"truncated", good.substr(0, good.size() / 2)}, Case{"magic", bad_magic},
        Case{"version", bad_version}, Case{"country", bad_country}}) {
    testing::WriteFile(*dir_ / "bad.idx", c.bytes);
    auto r = OpenPlaceIndex(*dir_ / "bad.idx");
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), Code::kCorrupt) << c.what << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("octopus-places"), std::string::npos) << c.what;
  }
}

TEST_F(PlacesTest, NamesAreSafeFileNames) {
  GeoNamesData data;
  data.countries["XX"] = "Slash/Land";
  data.admin1["XX.01"] = std::string("Re\x01gion", 7);
  data.places.push_back({"Town/With/Slashes", 10, 10, "XX", "01", 5000});
  ASSERT_TRUE(WritePlaceIndex(data, *dir_ / "odd.idx").ok());
  auto index = OpenPlaceIndex(*dir_ / "odd.idx");
  ASSERT_TRUE(index.ok());
  auto p = (*index)->Nearest(10, 10);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->country, "Slash_Land");
  EXPECT_EQ(p->region, "Re_gion");
  EXPECT_EQ(p->city, "Town_With_Slashes");
}

// Ingest gives a photo with GPS its place; reindex recomputes after a data
// change; a photo without GPS has none.
TEST_F(PlacesTest, IngestAndReindex) {
  testing::TempDir home;
  auto config = LoadConfig({{"OCTOPUS_HOME", (home / "home").string()}});
  ASSERT_TRUE(config.ok());
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok());
  auto alice = (*lib)->CreateUser("alice", "correct horse", 1'000'000'000);
  ASSERT_TRUE(alice.ok());
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  IngestRequest req;
  req.source = photos / "apple_iphone4_gps.jpg";  // near Rome
  auto before = (*lib)->Ingest(alice->id, req);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->photo.place.has_value());  // no index yet
  (*lib)->SetPlaceIndex(index_);
  req.source = photos / "nikon_d70s_gps.jpg";  // Florence
  auto florence = (*lib)->Ingest(alice->id, req);
  ASSERT_TRUE(florence.ok());
  ASSERT_TRUE(florence->photo.place.has_value());
  EXPECT_EQ(florence->photo.place->country, "Italy");
  req.source = photos / "olympus_d320l_noexif.jpg";
  auto none = (*lib)->Ingest(alice->id, req);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->photo.place.has_value());
  auto n = (*lib)->ReindexPlaces(alice->id);
  ASSERT_TRUE(n.ok());
  auto rome = (*lib)->GetPhoto(alice->id, before->photo.id);
  ASSERT_TRUE(rome.ok());
  ASSERT_TRUE(rome->place.has_value());
  EXPECT_EQ(rome->place->country_code, "IT");
}

// A user names a country by its name or code, in any case: the photo gets
// the index's own names, so it joins the folder of the photos placed from
// their GPS.
TEST_F(PlacesTest, CountriesFoundByNameOrCodeInAnyCase) {
  for (const char* given : {"IT", "it", "Italy", "ITALY", "italy"}) {
    auto found = index_->FindCountry(given);
    ASSERT_TRUE(found.has_value()) << given;
    EXPECT_EQ(Describe(found), "Italy (IT) /  / ") << given;
  }
  EXPECT_EQ(Describe(index_->FindCountry("united states")), "United States (US) /  / ");
  for (const char* absent : {"", "I", "ITA", "Atlantis", "Ital", "Italy "}) {
    EXPECT_FALSE(index_->FindCountry(absent).has_value()) << "'" << absent << "'";
  }

  PhotoEdit edit;
  edit.place = std::optional<Place>(Place{"it", "", "Lazio", "Rome"});
  auto rome = ValidatePhotoEdit(edit, index_);
  ASSERT_TRUE(rome.ok()) << rome.status().ToString();
  EXPECT_EQ(Describe(*rome->place), "Italy (IT) / Lazio / Rome");
  edit.place = std::optional<Place>(Place{"Italy", "fr", "", ""});
  auto disagree = ValidatePhotoEdit(edit, index_);
  ASSERT_FALSE(disagree.ok());
  EXPECT_EQ(disagree.status().code(), Code::kInvalidArgument);
  EXPECT_NE(disagree.status().message().find("not the code of Italy"), std::string::npos)
      << disagree.status().message();
  edit.place = std::optional<Place>(Place{"Atlantis", "", "", ""});
  auto unknown = ValidatePhotoEdit(edit, index_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown country: Atlantis"), std::string::npos)
      << unknown.status().message();
}

// Reindexing recomputes places from GPS, but a place the user set (or
// removed) is theirs: the camera's GPS may be the thing that was wrong.
TEST_F(PlacesTest, ReindexKeepsAPlaceTheUserSet) {
  const auto photos = testing::SamplePhotos();
  if (photos.empty()) GTEST_SKIP() << "no sample photos";
  testing::TempDir home;
  auto config = LoadConfig({{"OCTOPUS_HOME", (home / "home").string()}});
  ASSERT_TRUE(config.ok());
  auto lib = Library::Open(*config);
  ASSERT_TRUE(lib.ok());
  auto alice = (*lib)->CreateUser("alice", "correct horse", 1'000'000'000);
  ASSERT_TRUE(alice.ok());
  (*lib)->SetPlaceIndex(index_);
  const auto ingest = [&](const char* name) {
    IngestRequest req;
    req.source = photos / name;
    auto r = (*lib)->Ingest(alice->id, req);
    EXPECT_TRUE(r.ok()) << name;
    return r.ok() ? r->photo.id : std::string();
  };
  const std::string florence = ingest("nikon_d70s_gps.jpg");
  const std::string rome = ingest("apple_iphone4_gps.jpg");
  const std::string other = ingest("fujifilm_s2pro_gps_uk.jpg");
  const auto place_of = [&](const std::string& id) {
    auto p = (*lib)->GetPhoto(alice->id, id);
    EXPECT_TRUE(p.ok());
    return p.ok() ? Describe(p->place) : "?";
  };
  const std::string other_place = place_of(other);
  ASSERT_NE(other_place, "none");

  PhotoEdit to_paris;
  to_paris.place = std::optional<Place>(Place{"fr", "", "Île-de-France", "Paris"});
  auto corrected = (*lib)->CorrectPhoto(alice->id, florence, to_paris);
  ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
  EXPECT_EQ(Describe(corrected->place), "France (FR) / Île-de-France / Paris");
  PhotoEdit no_place;
  no_place.place = std::optional<Place>();
  ASSERT_TRUE((*lib)->CorrectPhoto(alice->id, rome, no_place).ok());
  EXPECT_EQ(place_of(rome), "none");

  // Another user's photo is not found, and stays as it was.
  auto bob = (*lib)->CreateUser("bob", "battery staple", 1'000'000'000);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ((*lib)->CorrectPhoto(bob->id, other, no_place).status().code(), Code::kNotFound);

  // Every photo is looked up again, as after new place data; the photo the
  // user did not touch is recomputed, the two corrected ones are not.
  (*lib)->SetPlaceIndex(nullptr);
  auto cleared = (*lib)->ReindexPlaces(alice->id);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, 1);
  EXPECT_EQ(place_of(other), "none");
  (*lib)->SetPlaceIndex(index_);
  auto n = (*lib)->ReindexPlaces(std::nullopt);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(place_of(other), other_place);
  EXPECT_EQ(place_of(florence), "France (FR) / Île-de-France / Paris");
  EXPECT_EQ(place_of(rome), "none");
  auto by_place = (*lib)->Folders(alice->id, View::kPlace);
  ASSERT_TRUE(by_place.ok());
  EXPECT_EQ(by_place->count, 2);
  EXPECT_EQ(by_place->children.count("France"), 1u);
  EXPECT_TRUE((*lib)->Fsck(false)->clean());
  (*lib)->SetPlaceIndex(nullptr);
}

}  // namespace
}  // namespace octopus::places
