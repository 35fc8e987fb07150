// CopyDatabase (core/store/database_copy.h): a real library on SQLite,
// built through the Library with real JPEGs, copied into a real PostgreSQL
// server and read back through the stores. Every suite here runs on
// PostgreSQL, hence its name (ctest label `postgres`).
#include "core/store/database_copy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "core/store/change_feed.h"
#include "core/store/folder_counts.h"
#include "core/store/import_store.h"
#include "core/store/photo_store.h"
#include "core/store/schema.h"
#include "core/store/session_store.h"
#include "core/store/user_store.h"
#include "tests/testing/library_fixture.h"
#include "tests/testing/postgres_server.h"

namespace octopus {
namespace {

using testing::MakeDistinctJpeg;
using testing::WriteFile;

constexpr std::int64_t kFarFuture = 4'000'000'000;  // 2096: sessions that stay valid

bool SameTree(const FolderNode& a, const FolderNode& b) {
  if (a.count != b.count || a.children.size() != b.children.size()) return false;
  for (const auto& [name, child] : a.children) {
    auto other = b.children.find(name);
    if (other == b.children.end() || !SameTree(child, other->second)) return false;
  }
  return true;
}

// A library with three users (ids 1, 2 and 4: the one made third was
// removed), photos (one trashed, one renamed), sessions (one revoked) and
// import entries; and an empty PostgreSQL server.
class DatabaseCopyOnPostgres : public testing::TwoUserLibraryTest {
 protected:
  void SetUp() override {
    if (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) ==
            "TimeOfALargeCopy" &&
        std::getenv("OCTOPUS_DB_COPY_ROWS") == nullptr) {
      GTEST_SKIP() << "set OCTOPUS_DB_COPY_ROWS to measure";
    }
    TwoUserLibraryTest::SetUp();
    std::string why;
    server_ = testing::PostgresServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;

    ASSERT_TRUE(lib_->CreateUser("dave", "a long password", 10'000'000).ok());
    auto carol = lib_->CreateUser("Carol", "another password", 20'000'000, /*is_admin=*/true);
    ASSERT_TRUE(carol.ok()) << carol.status().message();
    carol_ = carol->id;
    ASSERT_TRUE(lib_->RemoveUser("dave").ok());
    ASSERT_EQ(carol_, 4) << "ids with a gap: the copy must keep them, not renumber";

    int seed = 0;
    for (UserId owner : {alice_, alice_, alice_, bob_, bob_, carol_}) {
      auto photo = Import(owner, "p" + std::to_string(seed) + ".jpg", seed);
      ASSERT_TRUE(photo.ok()) << photo.status().message();
      photos_[owner].push_back(photo->id);
      ++seed;
    }
    ASSERT_TRUE(lib_->DeletePhoto(alice_, photos_[alice_][0]).ok());  // to the trash
    ASSERT_TRUE(lib_->RenamePhoto(bob_, photos_[bob_][1], "renamed.jpg").ok());

    ASSERT_TRUE(lib_->AddSession(alice_, "s3-alice", kFarFuture).ok());
    ASSERT_TRUE(lib_->AddSession(alice_, "s2-alice", kFarFuture).ok());
    ASSERT_TRUE(lib_->AddSession(bob_, "s1-bob", kFarFuture).ok());
    ASSERT_TRUE(lib_->RevokeSession("s2-alice").ok());

    ASSERT_TRUE(
        lib_->import_records().Put(alice_, {"trip/a.jpg", 10, 1000, photos_[alice_][1]}).ok());
    ASSERT_TRUE(lib_->import_records().Put(alice_, {"trip/a.xmp", 5, 1000, ""}).ok());
    ASSERT_TRUE(lib_->import_records().Put(bob_, {"b.jpg", 7, 2000, photos_[bob_][0]}).ok());
  }

  Result<Photo> Import(UserId owner, const std::string& name, int seed) {
    const auto path = home_ / name;
    WriteFile(path, MakeDistinctJpeg(64, 48, seed));
    IngestRequest request;
    request.source = path;
    request.filename = name;
    ASSIGN_OR_RETURN(auto result, lib_->Ingest(owner, request));
    return result.photo;
  }

  std::unique_ptr<db::Database> Sqlite() {
    auto db = db::Database::Open(config_.database_path());
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<db::Database> Postgres() {
    auto db = db::Database::OpenPostgres(server_->conninfo());
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  Result<DatabaseCopyReport> Copy(const DatabaseCopyOptions& options = {}) {
    return CopySqliteToPostgres(config_.database_path(), server_->conninfo(), options);
  }

  // Rows of every copied table in the target (schema migrated or not).
  std::map<std::string, std::int64_t> TargetRows() {
    auto db = Postgres();
    std::map<std::string, std::int64_t> rows;
    for (const char* table :
         {"users", "photos", "sessions", "changes", "folders", "import_entries"}) {
      auto stmt = db->Prepare(std::string("SELECT count(*) FROM ") + table);
      if (!stmt.ok()) {
        rows[table] = -1;  // no table
        continue;
      }
      auto row = stmt->Step();
      rows[table] = row.ok() && *row ? stmt->Int(0) : -1;
    }
    return rows;
  }
  bool TargetEmpty() {
    for (const auto& [table, rows] : TargetRows()) {
      if (rows > 0) return false;
    }
    return true;
  }

  std::unique_ptr<testing::PostgresServer> server_;
  UserId carol_ = 0;
  std::map<UserId, std::vector<std::string>> photos_;
};

TEST_F(DatabaseCopyOnPostgres, CopiesUsersPhotosSessionsFeedAndUsage) {
  std::vector<std::string> announced;
  DatabaseCopyOptions options;
  options.batch_rows = 2;  // several batches per table
  options.on_table = [&](const TableCopy& t) { announced.push_back(t.table); };
  auto report = Copy(options);
  ASSERT_TRUE(report.ok()) << report.status().message();

  std::map<std::string, std::int64_t> copied;
  for (const TableCopy& t : report->tables) copied[t.table] = t.rows;
  EXPECT_EQ(report->tables.front().table, "users");
  EXPECT_EQ(copied, (std::map<std::string, std::int64_t>{{"users", 3},
                                                         {"photos", 6},
                                                         {"sessions", 3},
                                                         {"changes", copied["changes"]},
                                                         {"folders", copied["folders"]},
                                                         {"import_entries", 3}}));
  EXPECT_GE(copied["changes"], 8) << "6 imports, a trashing, a renaming";
  EXPECT_GT(copied["folders"], 0);
  EXPECT_EQ(announced.size(), report->tables.size());
  EXPECT_EQ(report->users_checked, 3);
  EXPECT_EQ(TargetRows(), copied);

  auto sqlite = Sqlite();
  auto pg = Postgres();
  ASSERT_TRUE(sqlite && pg);

  // Users: same ids, names, flags, quotas, usage, password hashes.
  auto want_users = UserStore(*sqlite).List();
  auto got_users = UserStore(*pg).List();
  ASSERT_TRUE(want_users.ok() && got_users.ok());
  ASSERT_EQ(got_users->size(), 3u);
  for (std::size_t i = 0; i < want_users->size(); ++i) {
    const User& w = (*want_users)[i];
    const User& g = (*got_users)[i];
    EXPECT_EQ(std::tie(w.id, w.name, w.is_admin, w.disabled, w.quota_bytes, w.used_bytes,
                       w.photo_count, w.created_at),
              std::tie(g.id, g.name, g.is_admin, g.disabled, g.quota_bytes, g.used_bytes,
                       g.photo_count, g.created_at))
        << w.name;
    auto want_cred = UserStore(*sqlite).CredentialsOf(w.name);
    auto got_cred = UserStore(*pg).CredentialsOf(w.name);
    ASSERT_TRUE(want_cred.ok() && got_cred.ok() && *want_cred && *got_cred);
    EXPECT_EQ((*got_cred)->password_hash, (*want_cred)->password_hash);
    EXPECT_EQ((*got_cred)->id, w.id);
  }
  auto carol = UserStore(*pg).FindByName("carol");  // folded, as on SQLite
  ASSERT_TRUE(carol.ok()) << carol.status().message();
  EXPECT_EQ(carol->id, 4);
  EXPECT_TRUE(carol->is_admin);
  EXPECT_EQ(carol->quota_bytes, 20'000'000);
  auto alice_usage = UserStore(*pg).UsageOf(alice_);
  ASSERT_TRUE(alice_usage.ok());
  EXPECT_GT(alice_usage->used_bytes, 0);

  for (UserId owner : {alice_, bob_, carol_}) {
    // Photos, trash included, field by field that matters.
    std::map<std::string, std::tuple<std::string, std::int64_t, std::string,
                                     std::optional<std::string>, std::string>>
        want, got;
    ASSERT_TRUE(
        PhotoStore(*sqlite)
            .ForEach(owner,
                     [&](const Photo& p) {
                       want[p.id] = {p.filename, p.size, p.sha256, p.trashed_at, p.meta.taken_at};
                     })
            .ok());
    ASSERT_TRUE(
        PhotoStore(*pg)
            .ForEach(owner,
                     [&](const Photo& p) {
                       got[p.id] = {p.filename, p.size, p.sha256, p.trashed_at, p.meta.taken_at};
                     })
            .ok());
    EXPECT_EQ(got, want) << "owner " << owner;
    EXPECT_EQ(got.size(), photos_[owner].size());
    auto listed = PhotoStore(*pg).List(owner, PhotoQuery{});
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    EXPECT_EQ(listed->photos.size(), owner == alice_ ? 2u : photos_[owner].size())
        << "the trashed photo stays in the trash";

    // The change feed: same head and horizon, same entries, so a mount's
    // "since N" stays valid across the switch.
    auto want_pos = ChangeFeed(*sqlite).Position(owner);
    auto got_pos = ChangeFeed(*pg).Position(owner);
    ASSERT_TRUE(want_pos.ok() && got_pos.ok());
    EXPECT_EQ(got_pos->head, want_pos->head);
    EXPECT_EQ(got_pos->horizon, want_pos->horizon);
    EXPECT_GT(got_pos->head, 0);
    auto want_since = ChangeFeed(*sqlite).Since(owner, 1, 100);
    auto got_since = ChangeFeed(*pg).Since(owner, 1, 100);
    ASSERT_TRUE(want_since.ok() && got_since.ok());
    EXPECT_FALSE(got_since->behind);
    ASSERT_EQ(got_since->changes.size(), want_since->changes.size());
    for (std::size_t i = 0; i < got_since->changes.size(); ++i) {
      EXPECT_EQ(got_since->changes[i].seq, want_since->changes[i].seq);
      EXPECT_EQ(got_since->changes[i].photo_id, want_since->changes[i].photo_id);
      EXPECT_EQ(got_since->changes[i].kind, want_since->changes[i].kind);
    }

    for (View view : {View::kDate, View::kCamera, View::kPlace}) {
      auto want_tree = FolderCounts(*sqlite).Tree(owner, view);
      auto got_tree = FolderCounts(*pg).Tree(owner, view);
      ASSERT_TRUE(want_tree.ok() && got_tree.ok());
      EXPECT_TRUE(SameTree(*got_tree, *want_tree)) << "owner " << owner;
    }

    std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::string>> want_imp, got_imp;
    ASSERT_TRUE(ImportStore(*sqlite)
                    .ForEach(owner,
                             [&](const ImportEntry& e) {
                               want_imp.emplace_back(e.path, e.size, e.mtime, e.photo_id);
                             })
                    .ok());
    ASSERT_TRUE(ImportStore(*pg)
                    .ForEach(owner,
                             [&](const ImportEntry& e) {
                               got_imp.emplace_back(e.path, e.size, e.mtime, e.photo_id);
                             })
                    .ok());
    EXPECT_EQ(got_imp, want_imp);
  }

  // Sessions: the valid ones still valid, the revoked one still revoked.
  SessionStore sessions(*pg);
  const std::int64_t now = 1'800'000'000;
  auto a1 = sessions.FindActive(alice_, "s3-alice", now);
  auto a2 = sessions.FindActive(alice_, "s2-alice", now);
  auto b = sessions.FindActive(bob_, "s1-bob", now);
  ASSERT_TRUE(a1.ok() && a2.ok() && b.ok());
  EXPECT_TRUE(a1->has_value());
  EXPECT_FALSE(a2->has_value()) << "revoked before the copy";
  EXPECT_TRUE(b->has_value());

  // Sessions keep their insertion order (PostgreSQL's seq stands for the
  // rowid that breaks ties between equal expiries when the oldest go).
  auto order = [](db::Database& db, const char* sql) {
    std::vector<std::string> jtis;
    auto stmt = db.Prepare(sql);
    EXPECT_TRUE(stmt.ok());
    while (stmt.ok()) {
      auto row = stmt->Step();
      if (!row.ok() || !*row) break;
      jtis.push_back(stmt->Text(0));
    }
    return jtis;
  };
  EXPECT_EQ(order(*pg, "SELECT jti FROM sessions ORDER BY seq"),
            order(*sqlite, "SELECT jti FROM sessions ORDER BY rowid"));
  EXPECT_EQ(order(*pg, "SELECT jti FROM sessions ORDER BY seq").size(), 3u);

  // The identity sequence was moved past the copied ids: a new user gets 5.
  auto erin = UserStore(*pg).Insert({"erin", "x", false, 1000, "2026-12-06T00:00:00Z"});
  ASSERT_TRUE(erin.ok()) << erin.status().message();
  EXPECT_EQ(*erin, 5);
}

TEST_F(DatabaseCopyOnPostgres, RefusesADatabaseThatIsNotEmptyAndChangesNothing) {
  auto first = Copy();
  ASSERT_TRUE(first.ok()) << first.status().message();
  const auto before = TargetRows();
  // The library moves on; a second copy must not merge into the first.
  ASSERT_TRUE(lib_->CreateUser("frank", "a long password", 1000).ok());

  auto second = Copy();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("not empty"), std::string::npos)
      << second.status().message();
  EXPECT_EQ(TargetRows(), before);
  auto pg = Postgres();
  EXPECT_EQ(UserStore(*pg).FindByName("frank").status().code(), Code::kNotFound);
}

TEST_F(DatabaseCopyOnPostgres, RefusesATargetWithOnlyAUser) {
  {
    auto pg = Postgres();
    ASSERT_TRUE(db::Migrate(*pg).ok());
    ASSERT_TRUE(UserStore(*pg).Insert({"someone", "x", false, 1000, "2026-01-01T00:00:00Z"}).ok());
  }
  auto copy = Copy();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(copy.status().message().find("users"), std::string::npos) << copy.status().message();
  EXPECT_EQ(TargetRows()["users"], 1);
  EXPECT_EQ(TargetRows()["photos"], 0);
}

// A copy that fails mid-way (here: a photo row whose owner does not exist,
// which SQLite kept with its foreign keys off and PostgreSQL refuses, after
// the users, the feed, the folders and the import entries were written)
// leaves nothing behind; once the source is mended, the copy goes through.
TEST_F(DatabaseCopyOnPostgres, ACopyInterruptedMidWayLeavesTheTargetEmpty) {
  {
    auto sqlite = Sqlite();
    ASSERT_TRUE(sqlite->Exec("PRAGMA foreign_keys = OFF").ok());
    ASSERT_TRUE(sqlite
                    ->Exec("INSERT INTO photos (id, owner, filename, size, sha256, mime, width, "
                           "height, orientation, taken_at, taken_at_estimated, camera_make, "
                           "camera_model, camera_label, lens, imported_at) SELECT 'orphan', 99, "
                           "'x.jpg', 1, 'sha', 'image/jpeg', 1, 1, 1, '2024', 0, '', '', '', '', "
                           "'2024'")
                    .ok());
  }
  std::vector<std::string> copied_before_failure;
  DatabaseCopyOptions options;
  options.batch_rows = 1;
  options.on_table = [&](const TableCopy& t) { copied_before_failure.push_back(t.table); };
  auto copy = Copy(options);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copied_before_failure,
            (std::vector<std::string>{"users", "changes", "folders", "import_entries"}))
      << "the failure came mid-way, after rows were written";
  EXPECT_TRUE(TargetEmpty());

  {
    auto sqlite = Sqlite();
    ASSERT_TRUE(sqlite->Exec("DELETE FROM photos WHERE id = 'orphan'").ok());
  }
  auto again = Copy();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(TargetRows()["photos"], 6);
}

// A column added to SQLite's schema and not to PostgreSQL's is an error
// naming it, never a column silently left behind.
TEST_F(DatabaseCopyOnPostgres, AColumnPostgresLacksFailsTheCopy) {
  {
    auto sqlite = Sqlite();
    ASSERT_TRUE(sqlite->Exec("ALTER TABLE photos ADD COLUMN rating INTEGER").ok());
  }
  auto copy = Copy();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kCorrupt);
  EXPECT_NE(copy.status().message().find("photos.rating"), std::string::npos)
      << copy.status().message();
  EXPECT_TRUE(TargetEmpty());
}

TEST_F(DatabaseCopyOnPostgres, ATablePostgresLacksFailsTheCopy) {
  {
    auto sqlite = Sqlite();
    ASSERT_TRUE(sqlite->Exec("CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)").ok());
  }
  auto copy = Copy();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kCorrupt);
  EXPECT_NE(copy.status().message().find("albums"), std::string::npos) << copy.status().message();
  EXPECT_TRUE(TargetEmpty());
}

// The verification is what catches a copy that went through but differs:
// a trigger on the target that changes what is written stands for any
// such fault. The copy is rolled back and the message names what differs.
TEST_F(DatabaseCopyOnPostgres, AUsageThatDiffersAfterTheCopyRollsItBack) {
  {
    auto pg = Postgres();
    ASSERT_TRUE(db::Migrate(*pg).ok());
    ASSERT_TRUE(pg->Exec(R"sql(
CREATE FUNCTION skew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.used_bytes := NEW.used_bytes + 1; RETURN NEW; END $$;
CREATE TRIGGER skew BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION skew();
)sql")
                    .ok());
  }
  auto copy = Copy();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kCorrupt);
  EXPECT_NE(copy.status().message().find("usage of user id 1"), std::string::npos)
      << copy.status().message();
  EXPECT_TRUE(TargetEmpty());
}

TEST_F(DatabaseCopyOnPostgres, RowsThatDoNotArriveRollTheCopyBack) {
  {
    auto pg = Postgres();
    ASSERT_TRUE(db::Migrate(*pg).ok());
    ASSERT_TRUE(pg->Exec(R"sql(
CREATE FUNCTION drop_xmp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.path LIKE '%.xmp' THEN RETURN NULL; END IF; RETURN NEW; END $$;
CREATE TRIGGER drop_xmp BEFORE INSERT ON import_entries FOR EACH ROW EXECUTE FUNCTION drop_xmp();
)sql")
                    .ok());
  }
  auto copy = Copy();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kCorrupt);
  EXPECT_NE(copy.status().message().find("import_entries"), std::string::npos)
      << copy.status().message();
  EXPECT_TRUE(TargetEmpty());
}

TEST_F(DatabaseCopyOnPostgres, AMissingSourceIsNotFoundAndTheUrlIsNeverShown) {
  const std::string conninfo = server_->conninfo() + " password=hunter2-secret";
  auto copy = CopySqliteToPostgres(home_ / "nothing.db", conninfo);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(home_ / "nothing.db")) << "read only: nothing created";
  auto unreachable = CopySqliteToPostgres(config_.database_path(),
                                          "host=/nonexistent dbname=x password=hunter2-secret");
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().message().find("hunter2"), std::string::npos)
      << unreachable.status().message();
}

// A measurement, not a check: OCTOPUS_DB_COPY_ROWS=100000 copies that many
// synthetic photo rows (made in SQLite directly, with a feed entry and an
// import entry each) and prints the time. Skipped in the default run.
TEST_F(DatabaseCopyOnPostgres, TimeOfALargeCopy) {
  const char* rows_env = std::getenv("OCTOPUS_DB_COPY_ROWS");  // set: SetUp skips otherwise
  const std::string n = std::to_string(std::stoll(rows_env));
  {
    auto sqlite = Sqlite();
    ASSERT_TRUE(sqlite
                    ->Exec("BEGIN; WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i "
                           "WHERE k < " +
                           n +
                           ") INSERT INTO photos (id, owner, filename, size, sha256, mime, width, "
                           "height, orientation, taken_at, taken_at_estimated, camera_make, "
                           "camera_model, camera_label, lens, imported_at, place_country, "
                           "place_city, gps_lat, gps_lon, iso, f_number) "
                           "SELECT printf('%032x', k), 1, 'IMG_' || k || '.jpg', 3000000 + k, "
                           "printf('%064x', k), 'image/jpeg', 4000, 3000, 1, "
                           "strftime('%Y-%m-%dT%H:%M:%S', 1500000000 + k * 600, 'unixepoch'), "
                           "0, 'Canon', 'EOS R5', 'Canon EOS R5', 'RF 24-70mm', "
                           "'2024-01-01T00:00:00Z', 'Italy', 'Rome', 41.9 + k / 1e7, 12.5, 100, "
                           "2.8 FROM i; "
                           "INSERT INTO import_entries SELECT owner, 'bulk/' || filename, size, "
                           "1700000000, id FROM photos WHERE id LIKE '0000%'; COMMIT")
                    .ok());
  }
  const auto start = std::chrono::steady_clock::now();
  auto copy = Copy();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  std::printf("copied %s synthetic photo rows (+ their import entries) in %.2f s\n", n.c_str(),
              seconds);
  for (const TableCopy& t : copy->tables) {
    std::printf("  %s: %lld rows\n", t.table.c_str(), static_cast<long long>(t.rows));
  }
}

}  // namespace
}  // namespace octopus
