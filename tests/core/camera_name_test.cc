#include "core/image/camera_name.h"

#include <gtest/gtest.h>

namespace octopus::image {
namespace {

std::pair<std::string, std::string> Clean(std::string_view make, std::string_view model) {
  CameraInfo c = CleanCameraName(make, model);
  return {c.make, c.model};
}

TEST(CameraNameTest, CorporateMakesBecomeBrands) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Clean("NIKON CORPORATION", "NIKON D750"), (P{"Nikon", "D750"}));
  EXPECT_EQ(Clean("Canon", "Canon EOS REBEL T3i"), (P{"Canon", "EOS REBEL T3i"}));
  EXPECT_EQ(Clean("OLYMPUS IMAGING CORP.  ", "E-P3"), (P{"Olympus", "E-P3"}));
  EXPECT_EQ(Clean("samsung", "SM-J327T1"), (P{"Samsung", "SM-J327T1"}));
  EXPECT_EQ(Clean("Apple", "iPhone 12"), (P{"Apple", "iPhone 12"}));
  EXPECT_EQ(Clean("Hewlett-Packard", "hp photosmart 735"), (P{"HP", "photosmart 735"}));
  EXPECT_EQ(Clean("EASTMAN KODAK COMPANY", "KODAK EASYSHARE C195"), (P{"Kodak", "EASYSHARE C195"}));
}

TEST(CameraNameTest, TrimsNulsAndFixesUnknownMakes) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Clean(std::string_view("ACME OPTICS CORPORATION\0\0", 25), " Z1 "),
            (P{"Acme Optics", "Z1"}));
  EXPECT_EQ(Clean("zte", "Blade"), (P{"ZTE", "Blade"}));
  EXPECT_EQ(Clean("", ""), (P{"", ""}));
  // A model that is only the make keeps it rather than becoming empty.
  EXPECT_EQ(Clean("Nikon", "Nikon"), (P{"Nikon", "Nikon"}));
  // "Sonya" is not Sony.
  EXPECT_EQ(Clean("Sonya Cams", "X"), (P{"Sonya Cams", "X"}));
}

}  // namespace
}  // namespace octopus::image
