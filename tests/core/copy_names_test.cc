// Copy tools' temporary names, and the names behind them.
#include "core/copy_names.h"

#include <gtest/gtest.h>

namespace octopus {
namespace {

TEST(CopyNamesTest, RsyncsTemporaryNameStandsForItsFinalName) {
  EXPECT_EQ(NameBehindTemporary(".IMG_0100.JPG.pSEGVb"), "IMG_0100.JPG");
  EXPECT_EQ(NameBehindTemporary(".a.b.jpg.123456"), "a.b.jpg");
  EXPECT_EQ(NameBehindTemporary("..hidden.jpg.AbC123"), ".hidden.jpg");
}

TEST(CopyNamesTest, OtherNamesAreKept) {
  for (const char* name : {"IMG_0100.JPG", ".IMG_0100.JPG", ".IMG_0100.JPG.pSEGV", ".x.ab-def",
                           "..abcdef", ".abcdef", "IMG.JPG.pSEGVb", ""}) {
    EXPECT_EQ(NameBehindTemporary(name), name) << name;
  }
}

}  // namespace
}  // namespace octopus
