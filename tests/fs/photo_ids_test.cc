// PhotoIds: serials in order of first sight, stable across growth.
#include "fs/photo_ids.h"

#include <gtest/gtest.h>

#include <string>

namespace octopus::fs {
namespace {

std::string IdNumber(int i) { return "photo-" + std::to_string(i * 7919 % 100'003); }

TEST(PhotoIdsTest, InternNumbersEachIdOnceAndFindsItAfterGrowth) {
  PhotoIds ids;
  constexpr int kIds = 100'000;  // many times the first table's 16 slots
  for (int i = 0; i < kIds; ++i) ASSERT_EQ(ids.Intern(IdNumber(i)), static_cast<unsigned>(i));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kIds));
  for (int i = 0; i < kIds; ++i) {
    const std::string id = IdNumber(i);
    ASSERT_EQ(ids.Intern(id), static_cast<unsigned>(i)) << id;  // known: same serial
    ASSERT_EQ(ids.Find(id), static_cast<unsigned>(i)) << id;
    ASSERT_EQ(ids.IdOf(static_cast<PhotoIds::Serial>(i)), id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kIds));
  EXPECT_EQ(ids.Find("photo-unknown"), std::nullopt);
  EXPECT_EQ(ids.Find(""), std::nullopt);
  EXPECT_EQ(ids.Intern(""), static_cast<unsigned>(kIds));  // the empty id is an id too
  EXPECT_EQ(ids.Find(""), static_cast<unsigned>(kIds));
}

}  // namespace
}  // namespace octopus::fs
