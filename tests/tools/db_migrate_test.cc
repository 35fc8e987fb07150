// End-to-end: `octopus db migrate --to URL`, the real binary, from a library
// made by the real binary into a real PostgreSQL server (ctest label
// `postgres`, from the suite's name).
#include <gtest/gtest.h>

#include "core/db/database.h"
#include "core/store/user_store.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunCommand;

TEST(DbMigrateOnPostgres, CopiesTheLibraryVerifiesItAndNeverPrintsTheUrl) {
  testing::TempDir dir;
  const fs::path home = dir / "home";
  auto octopus = [&](const std::string& args, const std::string& stdin_text = "") {
    std::string cmd = Quote(testing::OctopusBinary()) + " --home " + Quote(home) + " " + args;
    if (!stdin_text.empty()) cmd = "printf '%s\\n' " + Quote(stdin_text) + " | " + cmd;
    return RunCommand(cmd);
  };
  auto added = octopus("user add alice --password-stdin", "a long enough password");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  fs::create_directories(dir / "in");
  for (int seed : {1, 2, 3}) {
    testing::WriteFile(dir / "in" / ("p" + std::to_string(seed) + ".jpg"),
                       testing::MakeDistinctJpeg(64, 48, seed));
  }
  auto imported = octopus("import --user alice " + Quote(dir / "in"));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  std::string why;
  auto server = testing::PostgresServer::Start(&why);
  ASSERT_NE(server, nullptr) << why;
  // Trust authentication ignores the password; it must appear nowhere.
  const std::string url = server->conninfo() + " password=hunter2-secret";

  auto migrated = octopus("db migrate --to " + Quote(url));
  EXPECT_EQ(migrated.exit_code, 0) << migrated.output;
  EXPECT_NE(migrated.output.find("users: 1 rows"), std::string::npos) << migrated.output;
  EXPECT_NE(migrated.output.find("photos: 3 rows"), std::string::npos) << migrated.output;
  EXPECT_NE(migrated.output.find("verified"), std::string::npos) << migrated.output;
  EXPECT_EQ(migrated.output.find("hunter2"), std::string::npos) << migrated.output;
  EXPECT_EQ(migrated.output.find(server->dir().string()), std::string::npos)
      << "the connection string is not printed: " << migrated.output;

  auto db = db::Database::OpenPostgres(server->conninfo());
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto alice = UserStore(**db).FindByName("alice");
  ASSERT_TRUE(alice.ok()) << alice.status().message();
  EXPECT_EQ(alice->photo_count, 3);

  // Again, into the now full database: refused, exit 1, nothing printed of
  // the URL either.
  auto again = octopus("db migrate --to " + Quote(url));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("not empty"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("hunter2"), std::string::npos) << again.output;

  // No --to: bad usage.
  EXPECT_EQ(octopus("db migrate").exit_code, 2);
}

}  // namespace
}  // namespace octopus
