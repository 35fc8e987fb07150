#include "core/store/import_store.h"

#include "tests/testing/store_fixture.h"

namespace octopus {
namespace {

class ImportStoreTest : public testing::StoreTest {
 protected:
  std::vector<std::string> Paths(UserId owner) {
    std::vector<std::string> out;
    EXPECT_TRUE(
        ImportStore(*db_)
            .ForEach(owner, [&](const ImportEntry& e) { out.push_back(e.path + "=" + e.photo_id); })
            .ok());
    return out;
  }
  void Put(UserId owner, const std::string& path, const std::string& photo) {
    ASSERT_TRUE(ImportStore(*db_).Put(owner, {path, 10, 20, photo}).ok());
  }
};

STORE_TEST(ImportStoreTest, FoldersMoveAndGoWholeAndOnlyThemselves) {
  for (const char* p : {"a/b/1.jpg", "a/b/2.jpg", "a/bc.jpg", "a/b0/3.jpg", "a.jpg"}) {
    Put(alice_, p, std::string("p") + p[std::string(p).size() - 5]);
  }
  Put(bob_, "a/b/1.jpg", "bobs");
  ImportStore store(*db_);
  // "a/b" is the folder a/b/, not a/bc.jpg nor a/b0/.
  ASSERT_TRUE(store.Move(alice_, "a/b", "x").ok());
  EXPECT_EQ(Paths(alice_), (std::vector<std::string>{"a.jpg=pa", "a/b0/3.jpg=p3", "a/bc.jpg=pc",
                                                     "x/1.jpg=p1", "x/2.jpg=p2"}));
  // A file moved over another replaces it.
  ASSERT_TRUE(store.Move(alice_, "x/1.jpg", "x/2.jpg").ok());
  ASSERT_TRUE(store.Remove(alice_, "a").ok());
  EXPECT_EQ(Paths(alice_), (std::vector<std::string>{"a.jpg=pa", "x/2.jpg=p1"}));
  ASSERT_TRUE(store.SetMtime(alice_, "a.jpg", 99).ok());
  std::int64_t mtime = 0;
  ASSERT_TRUE(store
                  .ForEach(alice_,
                           [&](const ImportEntry& e) {
                             if (e.path == "a.jpg") mtime = e.mtime;
                           })
                  .ok());
  EXPECT_EQ(mtime, 99);
  EXPECT_EQ(Paths(bob_), (std::vector<std::string>{"a/b/1.jpg=bobs"})) << "bob's untouched";
}

}  // namespace
}  // namespace octopus
