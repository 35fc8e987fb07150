// ChildList against a std::set in the same order, across many chunks.
#include "fs/child_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace octopus::fs {
namespace {

using Index = ChildList::Index;

// An order that is not the numbers' own, with ties (as names tie): by
// key, then by number.
Index KeyOf(Index i) { return (i * 7919u) % 613u; }
bool Before(Index a, Index b) { return KeyOf(a) != KeyOf(b) ? KeyOf(a) < KeyOf(b) : a < b; }
// Every fifth child is a directory.
bool IsDir(Index i) { return i % 5 == 0; }
std::size_t Dirs(const std::vector<Index>& children) {
  return static_cast<std::size_t>(std::count_if(children.begin(), children.end(), IsDir));
}
struct Order {
  bool operator()(Index a, Index b) const { return Before(a, b); }
};

std::vector<Index> Listed(const ChildList& list) {
  std::vector<Index> out;
  for (const Index i : list) out.push_back(i);
  return out;
}

TEST(ChildListTest, RandomChangesKeepTheOrderOfASet) {
  std::mt19937 rng(5);
  ChildList list;
  std::set<Index, Order> want;
  const auto before = [](Index a, Index b) { return Before(a, b); };
  // Grows to several chunks, then shrinks back, erasing and re-adding.
  for (int step = 0; step < 40'000; ++step) {
    const Index i = rng() % 6000;
    const bool grow = step < 25'000 ? rng() % 4 != 0 : rng() % 4 == 0;
    if (grow) {
      if (want.insert(i).second) list.Insert(i, IsDir(i), before);
    } else {
      EXPECT_EQ(list.Erase(i, IsDir(i), before), want.erase(i) == 1) << i;
    }
    if (step % 5000 == 0 || step == 39'999) {
      ASSERT_EQ(Listed(list), std::vector<Index>(want.begin(), want.end())) << "step " << step;
      ASSERT_EQ(list.size(), want.size());
      ASSERT_EQ(list.DirCount(), Dirs(std::vector<Index>(want.begin(), want.end())));
    }
  }
  ASSERT_GT(want.size(), 0u);
}

TEST(ChildListTest, LowerBoundFindsTheFirstOfAKeyAcrossChunks) {
  ChildList list;
  std::vector<Index> sorted;
  for (Index i = 0; i < 5000; ++i) sorted.push_back(i);
  std::sort(sorted.begin(), sorted.end(), Before);
  list.Assign(sorted, IsDir);
  EXPECT_EQ(list.DirCount(), 1000u);
  const auto key_less = [](Index c, Index key) { return KeyOf(c) < key; };
  for (Index key : {0u, 1u, 300u, 611u, 612u}) {
    auto it = list.LowerBound(key, key_less);
    const auto want =
        std::lower_bound(sorted.begin(), sorted.end(), key, key_less);  // first of that key
    ASSERT_NE(it, list.end());
    EXPECT_EQ(*it, *want) << key;
  }
  EXPECT_EQ(list.LowerBound(613u, key_less), list.end());
}

TEST(ChildListTest, EraseIfAndClearLeaveAConsistentList) {
  ChildList list;
  const auto before = [](Index a, Index b) { return Before(a, b); };
  for (Index i = 0; i < 3000; ++i) list.Insert(i, IsDir(i), before);
  list.EraseIf([](Index i) { return i % 3 != 0; }, IsDir);
  EXPECT_EQ(list.size(), 1000u);
  EXPECT_EQ(list.DirCount(), 200u);  // multiples of 15
  std::vector<Index> want;
  for (Index i = 0; i < 3000; i += 3) want.push_back(i);
  std::sort(want.begin(), want.end(), Before);
  EXPECT_EQ(Listed(list), want);
  EXPECT_EQ(list.ToVector(), want);
  EXPECT_FALSE(list.Erase(1, IsDir(1), before));  // erased already
  list.clear();
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.DirCount(), 0u);
  EXPECT_EQ(list.begin(), list.end());
  list.Insert(7, IsDir(7), before);
  EXPECT_EQ(Listed(list), std::vector<Index>{7});
}

}  // namespace
}  // namespace octopus::fs
