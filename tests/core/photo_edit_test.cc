// A user's corrections checked on their own (core/photo_edit.h): blank and
// hostile names, capture times in each accepted form and the near misses,
// places without a places index. With an index: tests/core/places_test.cc.
#include "core/photo_edit.h"

#include <gtest/gtest.h>

namespace octopus {
namespace {

PhotoEdit Name(std::string name) {
  PhotoEdit edit;
  edit.filename = std::move(name);
  return edit;
}
PhotoEdit Time(std::string taken_at) {
  PhotoEdit edit;
  edit.taken_at = std::move(taken_at);
  return edit;
}
PhotoEdit At(std::optional<Place> place) {
  PhotoEdit edit;
  edit.place = std::move(place);
  return edit;
}

// Issue 16, item 11: "" became "_" and "   " was accepted.
TEST(PhotoEditTest, BlankNamesAreRefused) {
  for (const std::string name : {"", " ", "   ", "\t", " \r\n ", ".", ".."}) {
    auto r = ValidatePhotoEdit(Name(name), nullptr);
    ASSERT_FALSE(r.ok()) << "'" << name << "'";
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("filename"), std::string::npos) << r.status().message();
  }
  auto ok = ValidatePhotoEdit(Name("Holiday.jpg"), nullptr);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->filename, "Holiday.jpg");
  EXPECT_FALSE(ok->taken_at.has_value());
  EXPECT_FALSE(ok->place.has_value());
  // Not blank, but made safe as every stored name is.
  EXPECT_EQ(ValidatePhotoEdit(Name("../a/b.jpg"), nullptr)->filename, ".._a_b.jpg");
  EXPECT_EQ(ValidatePhotoEdit(Name(" x.jpg"), nullptr)->filename, " x.jpg");
}

TEST(PhotoEditTest, AnEditThatChangesNothingIsRefused) {
  auto r = ValidatePhotoEdit(PhotoEdit{}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("nothing to change"), std::string::npos);
}

TEST(PhotoEditTest, CaptureTimesInEachFormKeepTheirOffset) {
  struct Case {
    const char* given;
    const char* local;
    std::optional<std::string> offset;
  };
  for (const Case& c : {
           Case{"2024-07-14T18:30:00+02:00", "2024-07-14T18:30:00", "+02:00"},
           Case{"2024-07-14T18:30:00-05:30", "2024-07-14T18:30:00", "-05:30"},
           Case{"2024-07-14T18:30:00Z", "2024-07-14T18:30:00", "+00:00"},
           Case{"2024-07-14T18:30", "2024-07-14T18:30:00", std::nullopt},
           Case{"2024-07-14T18:30:05", "2024-07-14T18:30:05", std::nullopt},
           Case{"2024-07-14T18:30:05.1", "2024-07-14T18:30:05.1", std::nullopt},
           Case{"2024-07-14T18:30:05.123456+14:00", "2024-07-14T18:30:05.123", "+14:00"},
           Case{"2024-02-29T00:00:00", "2024-02-29T00:00:00", std::nullopt},
           Case{"1999-12-31T23:59:59-12:00", "1999-12-31T23:59:59", "-12:00"},
       }) {
    auto r = ValidatePhotoEdit(Time(c.given), nullptr);
    ASSERT_TRUE(r.ok()) << c.given << ": " << r.status().ToString();
    ASSERT_TRUE(r->taken_at.has_value());
    EXPECT_EQ(r->taken_at->local, c.local) << c.given;
    EXPECT_EQ(r->taken_at->offset, c.offset) << c.given;
  }
}

TEST(PhotoEditTest, CaptureTimesThatAreNotRealOrNotInTheFormAreRefused) {
  for (const char* bad : {"",
                          "yesterday",
                          "2024-07-14",           // a day alone is not a capture time
                          "2024-07-14 18:30:00",  // a space, not a T
                          "2024-07-14T18:30:00+0200",
                          "2024-07-14T18:30:00+02",
                          "2024-07-14T18:30:00 Z",
                          "2024-02-30T12:00:00",  // no such day
                          "2023-02-29T12:00:00",  // not a leap year
                          "2024-13-01T12:00:00",
                          "2024-00-10T12:00:00",
                          "2024-07-00T12:00:00",
                          "2024-07-14T24:00:00",
                          "2024-07-14T18:60:00",
                          "2024-07-14T18:30:60",
                          "2024-07-14T18:30:00+15:00",
                          "2024-07-14T18:30:00-14:30",
                          "2024-07-14T18:30:00+02:60",
                          "1700-01-01T00:00:00",
                          "2024-07-14T18:30:00.",
                          "2024-07-14T18:30:00+02:00trailing",
                          " 2024-07-14T18:30:00"}) {
    auto r = ValidatePhotoEdit(Time(bad), nullptr);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("taken_at"), std::string::npos) << r.status().message();
  }
}

// Without a places index the place is kept as given, made safe for the
// mount's folder names.
TEST(PhotoEditTest, PlacesWithoutAnIndex) {
  auto none = ValidatePhotoEdit(At(std::nullopt), nullptr);
  ASSERT_TRUE(none.ok());
  ASSERT_TRUE(none->place.has_value()) << "a place to change";
  EXPECT_FALSE(none->place->has_value()) << "to none";

  auto rome = ValidatePhotoEdit(At(Place{" Italy ", "it", "Lazio", "Rome/Centre"}), nullptr);
  ASSERT_TRUE(rome.ok()) << rome.status().ToString();
  ASSERT_TRUE(rome->place && *rome->place);
  const Place& p = **rome->place;
  EXPECT_EQ(p.country, "Italy");
  EXPECT_EQ(p.country_code, "IT");
  EXPECT_EQ(p.region, "Lazio");
  EXPECT_EQ(p.city, "Rome_Centre");

  auto country_only = ValidatePhotoEdit(At(Place{"Italy", "", "", ""}), nullptr);
  ASSERT_TRUE(country_only.ok());
  EXPECT_EQ(**country_only->place, (Place{"Italy", "", "", ""}));

  for (const Place& bad : {Place{"", "IT", "Lazio", "Rome"}, Place{"   ", "", "", ""},
                           Place{"Italy", "ITA", "", ""}, Place{"Italy", "I1", "", ""}}) {
    auto r = ValidatePhotoEdit(At(bad), nullptr);
    ASSERT_FALSE(r.ok()) << bad.country << "/" << bad.country_code;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("country"), std::string::npos) << r.status().message();
  }
}

// One refused field refuses the whole edit: nothing is half applied.
TEST(PhotoEditTest, OneRefusedFieldRefusesTheEdit) {
  PhotoEdit edit;
  edit.filename = "fine.jpg";
  edit.taken_at = "2024-02-30T12:00:00";
  EXPECT_EQ(ValidatePhotoEdit(edit, nullptr).status().code(), Code::kInvalidArgument);
  edit.taken_at = "2024-02-28T12:00:00";
  edit.place = std::optional<Place>(Place{});
  EXPECT_EQ(ValidatePhotoEdit(edit, nullptr).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace octopus
